// The journal grid: keyboard movement between cells and per-cell save state.
(function () {
  "use strict";
  function cellInput(td) {
    return td ? td.querySelector("input[data-cell]") : null;
  }
  function move(input, rowStep, colStep) {
    var td = input.closest("td");
    var tr = td.parentElement;
    var index = td.cellIndex;
    var row = tr;
    var col = index;
    for (var guard = 0; guard < 500; guard += 1) {
      if (rowStep) {
        row = rowStep > 0 ? row.nextElementSibling : row.previousElementSibling;
        if (!row) { return false; }
      } else {
        col += colStep;
        if (col < 0 || col >= row.cells.length) { return false; }
      }
      var target = cellInput(row.cells[col]);
      if (target) {
        target.focus();
        target.select();
        return true;
      }
    }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-cell")) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var url = input.getAttribute("hx-post");
      if (url) { window.location.href = url + "history/"; }
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      if (!move(input, 1, 0)) { input.blur(); input.focus(); }
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(input, -1, 0);
    } else if (event.key === "ArrowRight" && (atEnd || all)) {
      if (move(input, 0, 1)) { event.preventDefault(); }
    } else if (event.key === "ArrowLeft" && (atStart || all)) {
      if (move(input, 0, -1)) { event.preventDefault(); }
    } else if (event.key === "Escape") {
      input.value = input.getAttribute("data-current") || "";
    }
  });
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-cell")) { input.select(); }
  });
  document.addEventListener("dblclick", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-cell")) {
      var url = input.getAttribute("hx-post");
      if (url) { window.location.href = url + "history/"; }
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = document.getElementById("cell-status");
    var td = event.detail && event.detail.elt;
    if (!status || !td) { return; }
    var cell = td.closest ? td : null;
    var message = cell && cell.getAttribute("title");
    status.textContent = message || status.getAttribute("data-saved") || "";
  });
})();
