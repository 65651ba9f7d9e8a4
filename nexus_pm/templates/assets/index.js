/* The incidents index: sort its table by a column, filter its rows by text, service,
 * severity and status.
 *
 * The page ships a plain table and an empty `.nexus-index-tools` box before it; without
 * JavaScript the table stays as it is. Cell text is only ever read as text and written
 * back as text nodes or option labels, so nothing from a record becomes markup here.
 */
(function () {
  "use strict";

  var FILTERS = [
    { column: "Services", label: "Service", many: true },
    { column: "Severity", label: "Severity", many: false },
    { column: "Status", label: "Status", many: false },
  ];

  function text(cell) {
    return (cell ? cell.textContent : "").replace(/\s+/g, " ").trim();
  }

  function cellValues(cell, many) {
    if (!many) return [text(cell)];
    var links = cell ? cell.querySelectorAll("a") : [];
    return Array.prototype.map.call(links, text);
  }

  function tableAfter(box) {
    var tables = document.querySelectorAll("article table");
    for (var i = 0; i < tables.length; i++) {
      if (box.compareDocumentPosition(tables[i]) & Node.DOCUMENT_POSITION_FOLLOWING) return tables[i];
    }
    return null;
  }

  function control(kind, label) {
    var wrap = document.createElement("label");
    wrap.style.marginRight = "1em";
    wrap.style.display = "inline-block";
    wrap.appendChild(document.createTextNode(label + " "));
    var input = document.createElement(kind);
    input.style.maxWidth = "100%";
    input.style.font = "inherit";
    input.style.color = "inherit";
    input.style.background = "var(--md-default-bg-color)";
    input.style.border = "1px solid var(--md-default-fg-color--lighter)";
    wrap.appendChild(input);
    return { wrap: wrap, input: input };
  }

  function setUp(box) {
    var table = tableAfter(box);
    if (!table || !table.tHead || !table.tBodies.length) return;
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var names = heads.map(text);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var search = control("input", "Filter");
    search.input.type = "search";
    search.input.className = "nexus-index-search";
    box.appendChild(search.wrap);
    var selects = [];
    FILTERS.forEach(function (filter) {
      var column = names.indexOf(filter.column);
      if (column < 0) return;
      var seen = {};
      rows.forEach(function (row) {
        cellValues(row.cells[column], filter.many).forEach(function (v) {
          if (v) seen[v] = true;
        });
      });
      var made = control("select", filter.label);
      made.input.className = "nexus-index-filter";
      made.input.dataset.column = filter.column;
      var any = document.createElement("option");
      any.value = "";
      any.textContent = "any";
      made.input.appendChild(any);
      Object.keys(seen).sort().forEach(function (v) {
        var option = document.createElement("option");
        option.value = v;
        option.textContent = v;
        made.input.appendChild(option);
      });
      box.appendChild(made.wrap);
      selects.push({ input: made.input, column: column, many: filter.many });
    });
    var count = document.createElement("span");
    count.className = "nexus-index-count";
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
    box.appendChild(count);

    function apply() {
      var words = search.input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var all = text(row).toLowerCase();
        var keep = words.every(function (w) {
          return all.indexOf(w) >= 0;
        });
        selects.forEach(function (s) {
          if (keep && s.input.value) keep = cellValues(row.cells[s.column], s.many).indexOf(s.input.value) >= 0;
        });
        row.hidden = !keep;
        if (keep) shown++;
      });
      count.textContent = shown + " of " + rows.length + " shown";
    }

    function sortBy(column) {
      var head = heads[column];
      var ascending = head.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) {
        h.removeAttribute("aria-sort");
      });
      head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var keyed = rows.map(function (row, i) {
        return { row: row, key: text(row.cells[column]), i: i };
      });
      keyed.sort(function (a, b) {
        // Dates are ISO and ids zero-padded: text order is their order. Ties keep
        // the table's order (newest first), so a sort is the same on every click.
        var c = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
        return (ascending ? c : -c) || a.i - b.i;
      });
      keyed.forEach(function (k) {
        body.appendChild(k.row);
      });
    }

    heads.forEach(function (head, column) {
      head.style.cursor = "pointer";
      head.tabIndex = 0;
      head.title = "Sort by " + names[column].toLowerCase();
      head.addEventListener("click", function () {
        sortBy(column);
      });
      head.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(column);
        }
      });
    });
    search.input.addEventListener("input", apply);
    selects.forEach(function (s) {
      s.input.addEventListener("change", apply);
    });
    box.hidden = false;
    apply();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".nexus-index-tools"), function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      setUp(box);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
