// Compose page: a recipient ticked in the name search moves to the chosen list, so a new
// search does not drop them. Without JavaScript the ticked result is still sent with the form.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-recipient-found")) {
    return;
  }
  var chosen = document.getElementById("chosen-recipients");
  var label = box.closest("label");
  if (!chosen || !label || !box.checked) {
    return;
  }
  box.removeAttribute("data-recipient-found");
  var form = box.form;
  var twins = form ? form.querySelectorAll('input[name="recipients"][value="' + box.value + '"]') : [];
  for (var i = 0; i < twins.length; i++) {
    if (twins[i] !== box) {
      // Already listed elsewhere on the form: tick that one instead of adding a second.
      twins[i].checked = true;
      label.remove();
      return;
    }
  }
  chosen.appendChild(label);
});
