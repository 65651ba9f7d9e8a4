/* The header's search box: past incidents whose errors the query holds first, then pages.
 *
 * Two sources answer a query, each fetched only when the box is first used: the
 * "Seen this error?" matcher (seen.js, with the site's signature index), which takes a
 * pasted error or log as it is and, like Pagefind's index, loads only the shards of
 * the words asked for. Nothing in a query is syntax: flags, quotes, `+`, `~`, `*` and
 * `^` are text. Whatever comes from the site (titles, lines, excerpts) reaches the page
 * as text nodes; Pagefind's <mark> is the one element made from its excerpts.
 */
(function (win) {
  "use strict";

  // Full-text search reads the first line with a word in it, up to this many words: a
  // pasted log has too many for every page to hold them all, and each word costs a shard.
  var FULL_TEXT_WORDS = 12;
  var RESULTS = 10;
  var DELAY_MS = 100;
  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'" };

  function decode(text) {
    return String(text).replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, function (entity) {
      return ENTITIES[entity];
    });
  }

  function fullTextQuery(text) {
    var lines = text.split(/\r\n|[\n\r]/);
    for (var i = 0; i < lines.length; i++) {
      // Punctuation separates words, as Pagefind's index has them; `-` and `_` join them.
      var words = lines[i].split(/[^\p{L}\p{N}_-]+/u).filter(function (word) {
        return /[\p{L}\p{N}]/u.test(word);
      });
      if (words.length) return words.slice(0, FULL_TEXT_WORDS).join(" ");
    }
    return "";
  }

  function excerpt(doc, html, into) {
    // Pagefind's excerpt is escaped text with <mark> around the words found.
    var inside = false;
    html.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") inside = true;
      else if (part === "</mark>") inside = false;
      else if (part) {
        var text = doc.createTextNode(decode(part));
        if (inside) {
          var mark = doc.createElement("mark");
          mark.appendChild(text);
          into.appendChild(mark);
        } else into.appendChild(text);
      }
    });
  }

  function item(doc, href, title, kind) {
    var li = doc.createElement("li");
    li.className = "md-search-result__item";
    li.dataset.kind = kind;
    var link = doc.createElement("a");
    link.className = "md-search-result__link";
    link.href = href;
    link.tabIndex = -1;
    var article = doc.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var icon = doc.createElement("div");
    icon.className = "md-search-result__icon md-icon";
    var heading = doc.createElement("h1");
    heading.textContent = title;
    article.appendChild(icon);
    article.appendChild(heading);
    link.appendChild(article);
    li.appendChild(link);
    return { li: li, article: article };
  }

  function setUp(doc) {
    var box = doc.querySelector("[data-nexus-search]");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var input = box.querySelector(".md-search__input");
    var form = box.querySelector("form");
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    var toggle = doc.getElementById("__search");
    var root = new URL(box.dataset.root, doc.baseURI);
    var loaded = null;
    var generation = 0;
    var timer = null;
    var pasted = null;

    function open(on) {
      if (toggle && toggle.checked !== on) {
        toggle.checked = on;
        toggle.dispatchEvent(new Event("change"));
      }
    }

    function load() {
      if (loaded) return loaded;
      // The matcher's manifest is small; the shards of a query's words follow it.
      var matcher = win.nexusSeen.open(win, new URL(box.dataset.signatures, doc.baseURI).href);
      var pages = import(new URL(box.dataset.pagefind, doc.baseURI).href).then(function (pagefind) {
        return pagefind.options({ baseUrl: root.pathname, excerptLength: 24 }).then(function () {
          // Its WebAssembly and word list load while the query is typed, not after.
          pagefind.init();
          return pagefind;
        });
      });
      loaded = { matcher: matcher, pages: pages };
      return loaded;
    }

    function show(state) {
      list.textContent = "";
      var urls = new Set();
      state.hits.forEach(function (hit) {
        var href = new URL(hit.url, root).href;
        urls.add(href);
        var made = item(doc, href, hit.incident + ": " + hit.title, "seen");
        var line = doc.createElement("p");
        var code = doc.createElement("code");
        code.textContent = hit.line.trim();
        line.appendChild(doc.createTextNode("Seen before: "));
        line.appendChild(code);
        line.appendChild(doc.createTextNode(" \u2248 " + hit.incident));
        made.article.appendChild(line);
        list.appendChild(made.li);
      });
      var shown = state.hits.length;
      // Incidents are what the site is for: their pages come before the pages listing
      // them (a service's page, a tag's), each group in Pagefind's order.
      function incident(href) {
        return state.matcher !== null && href.slice(0, root.href.length) === root.href &&
          state.matcher.isIncidentPage(href.slice(root.href.length));
      }
      var pages = state.pages.map(function (page) {
        return { page: page, href: new URL(page.url, doc.baseURI).href };
      });
      pages = pages.filter(function (one) { return incident(one.href); })
        .concat(pages.filter(function (one) { return !incident(one.href); }));
      pages.forEach(function (one) {
        var page = one.page;
        var href = one.href;
        if (urls.has(href) || shown >= RESULTS) return;
        urls.add(href);
        shown += 1;
        var made = item(doc, href, decode(page.meta && page.meta.title ? page.meta.title : page.url), "page");
        var text = doc.createElement("p");
        excerpt(doc, page.excerpt || "", text);
        made.article.appendChild(text);
        list.appendChild(made.li);
      });
      var waiting = !state.matched || !state.searched;
      meta.textContent = shown
        ? shown + (shown === 1 ? " matching document" : " matching documents")
        : waiting ? "Searching\u2026" : "No matching documents";
      box.dataset.state = waiting ? "busy" : "done";
    }

    function run() {
      timer = null;
      // A one-line box cannot hold a pasted log's lines; the matcher reads them as pasted.
      var query = pasted && input.value === pasted.flat ? pasted.text : input.value;
      var mine = ++generation;
      if (!query.trim()) {
        list.textContent = "";
        meta.textContent = "Type to start searching";
        box.dataset.state = "empty";
        return;
      }
      var sources = load();
      var state = { hits: [], matcher: null, pages: [], matched: false, searched: false };
      function current() { return mine === generation; }
      // Each source shows what it found as soon as it has it: the matcher's few files
      // come long before Pagefind has started.
      sources.matcher.then(function (matcher) {
        state.matcher = matcher;
        return matcher.ranked(query, RESULTS).then(function (hits) {
          return matcher.inOrder(hits, function (hit) {
            state.hits.push(hit);
            if (current()) show(state);
          });
        });
      }).then(function () {
        if (!current()) return;
        state.matched = true;
        show(state);
      }).catch(function () {
        state.matched = true;
        if (current()) show(state);
      });
      var words = fullTextQuery(query);
      (words ? sources.pages.then(function (pagefind) { return pagefind.search(words); }) : Promise.resolve(null))
        .then(function (search) {
          if (!search || !current()) return [];
          return Promise.all(search.results.slice(0, RESULTS).map(function (result) { return result.data(); }));
        })
        .then(function (pages) {
          if (!current()) return;
          state.pages = pages;
          state.searched = true;
          show(state);
        })
        .catch(function () {
          state.searched = true;
          if (current()) show(state);
        });
    }

    input.addEventListener("focus", function () {
      open(true);
      load();
    });
    input.addEventListener("paste", function (event) {
      var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
      if (!/[\r\n]/.test(text)) return;
      event.preventDefault();
      var flat = text.replace(/\r\n|[\r\n]/g, " ");
      var start = input.selectionStart === null ? input.value.length : input.selectionStart;
      var end = input.selectionEnd === null ? start : input.selectionEnd;
      var before = input.value.slice(0, start);
      var after = input.value.slice(end);
      input.value = before + flat + after;
      pasted = { flat: input.value, text: before + text + after };
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    var last = 0;
    input.addEventListener("input", function () {
      box.dataset.state = "busy";
      if (timer !== null) win.clearTimeout(timer);
      // The first change after a pause runs at once (a paste, the first key); changes
      // in quick succession, as typing makes them, wait until it pauses.
      var now = Date.now();
      var quick = now - last < DELAY_MS;
      last = now;
      timer = quick ? win.setTimeout(run, DELAY_MS) : null;
      if (!quick) run();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        open(false);
        input.blur();
      } else if (event.key === "Enter") {
        event.preventDefault();
        var first = list.querySelector("a.md-search-result__link");
        if (first) win.location.href = first.href;
      }
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      win.setTimeout(function () {
        run();
        input.focus();
      }, 0);
    });
    list.addEventListener("click", function (event) {
      if (event.target instanceof Element && event.target.closest("a")) open(false);
    });
    if (toggle) {
      toggle.addEventListener("change", function () {
        if (toggle.checked && doc.activeElement !== input) input.focus();
      });
    }
    doc.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target instanceof Element &&
        (target.closest("input, textarea, select, [contenteditable]") !== null);
      if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "/" || event.key === "s" || event.key === "f") {
        event.preventDefault();
        open(true);
        input.focus();
      }
    });
  }

  if (!win.document) return;
  if (win.document$ && typeof win.document$.subscribe === "function") {
    win.document$.subscribe(function () { setUp(win.document); });
  } else if (win.document.readyState === "loading") {
    win.document.addEventListener("DOMContentLoaded", function () { setUp(win.document); });
  } else {
    setUp(win.document);
  }
})(typeof self !== "undefined" ? self : this);
