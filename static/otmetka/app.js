// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-menu-toggle]");
  var menu = document.getElementById("main-menu");
  if (!button || !menu) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = menu.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
// Actions that cannot be undone (templates/includes/confirm_form.html) ask first. «{name}» in
// the sentence becomes what the form's field `name` holds now: a date as dd.mm.yyyy, an option
// by its data-confirm-text («в среду») or its label. «OK» sets the hidden field the server asks
// for (otmetka/lib/confirm.py); «Отмена» sends nothing.
function confirmValue(form, name, whole) {
  var field = form.elements.namedItem(name);
  if (field instanceof HTMLSelectElement) {
    var option = field.options[field.selectedIndex];
    return option ? option.getAttribute("data-confirm-text") || option.text : "";
  }
  if (field instanceof HTMLInputElement && field.type !== "hidden") {
    var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(field.value);
    return field.type === "date" && iso ? iso[3] + "." + iso[2] + "." + iso[1] : field.value;
  }
  return whole;
}
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
    return;
  }
  var question = form.getAttribute("data-confirm").replace(/\{(\w+)\}/g, function (whole, name) {
    return confirmValue(form, name, whole);
  });
  if (!window.confirm(question)) {
    event.preventDefault();
    return;
  }
  var confirmed = form.querySelector("input[data-confirmed]");
  if (confirmed) {
    confirmed.value = "1";
  }
});
