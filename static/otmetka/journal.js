// The journal grid: keyboard movement between cells and per-cell save state.
//
// Movement stays inside the grid and is predictable: Enter and Tab go down the lesson's column
// to the next student (Shift: up), the arrows go their way, and at the grid's edge they stop —
// Tab and Shift+Tab then leave the grid rather than land in a cell of another row. Whatever
// cell takes the focus is scrolled into full view first (right of the names column, which
// stays put), so nothing typed goes into a cell the teacher does not see.
//
// In the full grid the cells are out of the Tab order (a Tab from the header row would land in
// the first row's far-left cell): the keyboard enters a column from its date in the header row.
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  function cellInput(td) {
    return td ? td.querySelector("input[data-cell]") : null;
  }
  function namesWidth(table) {
    var names = table.querySelector("tbody th[scope=row]") || table.querySelector("thead th");
    return names ? names.getBoundingClientRect().width : 0;
  }
  // Scroll the grid's box sideways until the whole cell shows right of the names column.
  function revealAcross(cell) {
    var wrap = cell.closest(".table-wrap");
    var table = cell.closest("table");
    if (wrap && table) {
      var box = wrap.getBoundingClientRect();
      var rect = cell.getBoundingClientRect();
      var left = box.left + wrap.clientLeft + (cell.cellIndex > 0 ? namesWidth(table) : 0);
      var right = box.left + wrap.clientLeft + wrap.clientWidth;
      if (rect.left < left) {
        wrap.scrollLeft -= left - rect.left;
      } else if (rect.right > right) {
        wrap.scrollLeft += Math.min(rect.right - right, rect.left - left);
      }
    }
  }
  // ...and the page up or down until it shows in the window.
  function reveal(cell) {
    revealAcross(cell);
    var margin = 8;
    var place = cell.getBoundingClientRect();
    if (place.top < margin) {
      window.scrollBy(0, place.top - margin);
    } else if (place.bottom > window.innerHeight - margin) {
      window.scrollBy(0, place.bottom - window.innerHeight + margin);
    }
  }
  // The nearest cell with an input from this one, going by rows or by columns; null at the edge.
  function next(input, rowStep, colStep) {
    var td = input.closest("td");
    var row = td.parentElement;
    var col = td.cellIndex;
    for (;;) {
      if (rowStep) {
        row = rowStep > 0 ? row.nextElementSibling : row.previousElementSibling;
        if (!row) { return null; }
      } else {
        col += colStep;
        if (col < 0 || col >= row.cells.length) { return null; }
      }
      var target = cellInput(row.cells[col]);
      if (target) { return target; }
    }
  }
  function go(target) {
    target.focus({ preventScroll: true });
    target.select();
  }
  function move(input, rowStep, colStep) {
    var target = next(input, rowStep, colStep);
    if (target) { go(target); }
    return Boolean(target);
  }
  // Tab past the grid's edge: forward to what follows the grid, back to the column's heading
  // (or what precedes the grid) — never to a cell in another row.
  function leave(input, forward) {
    var wrap = input.closest(".table-wrap") || input.closest("table");
    var table = input.closest("table");
    var td = input.closest("td");
    if (!forward && table.tHead && table.tHead.rows.length) {
      var heading = table.tHead.rows[0].cells[td.cellIndex];
      var link = heading && heading.querySelector(FOCUSABLE);
      if (link) { link.focus(); return true; }
    }
    var candidates = Array.prototype.filter.call(
      document.querySelectorAll(FOCUSABLE),
      function (el) {
        return !wrap.contains(el) && !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0;
      }
    );
    var after = Node.DOCUMENT_POSITION_FOLLOWING;
    var found = null;
    for (var i = 0; i < candidates.length; i += 1) {
      var follows = wrap.compareDocumentPosition(candidates[i]) & after;
      if (forward && follows) { found = candidates[i]; break; }
      if (!forward && !follows) { found = candidates[i]; }
    }
    if (!found) { return false; }
    found.focus();
    return true;
  }
  // Blur and refocus: the cell's change fires and it saves, the focus staying where it is.
  function commit(input) {
    input.blur();
    input.focus({ preventScroll: true });
  }
  function untab() {
    var inputs = document.querySelectorAll("table[data-grid] input[data-cell]");
    for (var i = 0; i < inputs.length; i += 1) { inputs[i].tabIndex = -1; }
  }
  // Tab or ↓ on a lesson's date goes to the first student's cell of that lesson.
  function enterColumn(event) {
    var heading = event.target.closest && event.target.closest("table[data-grid] thead th");
    var plain = !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey;
    if (!heading || !plain || (event.key !== "Tab" && event.key !== "ArrowDown")) { return; }
    var table = heading.closest("table");
    for (var r = 0; r < table.tBodies[0].rows.length; r += 1) {
      var target = cellInput(table.tBodies[0].rows[r].cells[heading.cellIndex]);
      if (target) {
        event.preventDefault();
        go(target);
        return;
      }
    }
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-cell")) {
      enterColumn(event);
      return;
    }
    if (event.isComposing || event.altKey) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    var down = event.key === "ArrowDown" || ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey);
    var up = event.key === "ArrowUp" || ((event.key === "Enter" || event.key === "Tab") && event.shiftKey);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var url = input.getAttribute("hx-post");
      if (url) { window.location.href = url + "history/"; }
      event.preventDefault();
    } else if (event.ctrlKey || event.metaKey) {
      return;
    } else if (down || up) {
      event.preventDefault();
      if (move(input, down ? 1 : -1, 0)) { return; }
      if (event.key === "Tab" && leave(input, down)) { return; }
      commit(input);
    } else if (event.key === "ArrowRight" && (atEnd || all)) {
      event.preventDefault();
      move(input, 0, 1);
    } else if (event.key === "ArrowLeft" && (atStart || all)) {
      event.preventDefault();
      move(input, 0, -1);
    } else if (event.key === "Escape") {
      input.value = input.getAttribute("data-current") || "";
    }
  });
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-cell")) {
      reveal(input.closest("td"));
      input.select();
      return;
    }
    // A lesson's date in the header row: not left under the names column either.
    var heading = input.closest && input.closest("table.journal-grid thead th");
    if (heading && heading.cellIndex > 0) { revealAcross(heading); }
  });
  document.addEventListener("dblclick", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-cell")) {
      var url = input.getAttribute("hx-post");
      if (url) { window.location.href = url + "history/"; }
    }
  });
  // A saved cell comes back as new HTML; if the focus was in it (Enter on the last student),
  // it stays in the cell rather than drop to the page.
  var refocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    var active = document.activeElement;
    refocus = target && active && target.contains(active) && active.hasAttribute("data-cell")
      ? active.getAttribute("hx-post") : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    untab();
    var active = document.activeElement;
    if (refocus && (!active || active === document.body)) {
      var again = document.querySelector('input[data-cell][hx-post="' + refocus + '"]');
      if (again) { go(again); }
    }
    refocus = null;
    var status = document.getElementById("cell-status");
    var td = event.detail && event.detail.elt;
    if (!status || !td) { return; }
    var cell = td.closest ? td : null;
    var message = cell && cell.getAttribute("title");
    status.textContent = message || status.getAttribute("data-saved") || "";
  });
  // The grid opens scrolled to the current lesson (today's), with what follows it when that
  // fits; the compact view's strip of dates shows the chosen one.
  function scrollToCurrent() {
    var heading = document.querySelector("table.journal-grid th[data-current-lesson]");
    var wrap = heading && heading.closest(".table-wrap");
    if (wrap) {
      var box = wrap.getBoundingClientRect();
      var rect = heading.getBoundingClientRect();
      var start = rect.left - box.left - wrap.clientLeft + wrap.scrollLeft;
      var end = wrap.scrollWidth - wrap.clientWidth;
      // All the way right if the current column still shows there, else it at the right edge.
      if (start >= end + namesWidth(heading.closest("table"))) {
        wrap.scrollLeft = end;
      } else {
        wrap.scrollLeft = Math.max(0, start + rect.width - wrap.clientWidth);
      }
      revealAcross(heading);
    }
    var strip = document.querySelector(".lesson-strip");
    var chosen = strip && strip.querySelector("[aria-current]");
    if (chosen) {
      var stripBox = strip.getBoundingClientRect();
      var at = chosen.getBoundingClientRect();
      strip.scrollLeft += at.left - stripBox.left - (strip.clientWidth - at.width) / 2;
    }
  }
  untab();
  scrollToCurrent();
})();
