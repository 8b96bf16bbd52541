// The slips page: «Печать» prints the slips (the rest of the page is hidden by the print CSS).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
