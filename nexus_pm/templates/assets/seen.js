/* "Seen this error?": a pasted error or log matched against past incidents, in the page.
 *
 * A port of nexus_pm/signature_text.py, signature_lines.py and signatures.py. The
 * patterns (signature_rules.py's among them), word lists and limits are not written
 * here: they come with the signature index's manifest, exported from the Python modules
 * (signature_export.py), so only the steps between them are ported. The index itself is
 * built in Python and fetched in pieces (signature_shards.py): a query reads the shards
 * of its words, then the titles of the incidents it shows. tests/test_seen_js.py holds
 * the two to the same output. Record text only ever reaches the page as text nodes.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.nexusSeen = api;
    api.start(root);
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Python's str.splitlines(): these break lines, and a final break adds no empty line.
  var LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

  function splitlines(text) {
    var parts = text.split(LINE_BREAK);
    if (parts.length && parts[parts.length - 1] === "") parts.pop();
    return parts;
  }

  function compile(pattern, global) {
    return new RegExp(pattern.source, pattern.flags + (global ? "g" : ""));
  }

  function sortedSum(set, value) {
    // In token order, as the Python side sums: the same float on both sides.
    var total = 0;
    Array.from(set).sort().forEach(function (token) {
      total += value(token);
    });
    return total;
  }

  function hextetsValid(parts) {
    return parts.every(function (part) {
      return /^[0-9A-Fa-f]{1,4}$/.test(part);
    });
  }

  // Python's ipaddress.IPv6Address for text of hex digits and colons only.
  function ipv6Valid(text) {
    if (!text) return false;
    var parts = text.split(":");
    if (parts.length < 3 || parts.length > 9) return false;
    var skip = null;
    for (var i = 1; i < parts.length - 1; i++) {
      if (!parts[i]) {
        if (skip !== null) return false;
        skip = i;
      }
    }
    var hi, lo;
    if (skip !== null) {
      hi = skip;
      lo = parts.length - skip - 1;
      if (!parts[0]) {
        hi -= 1;
        if (hi) return false;
      }
      if (!parts[parts.length - 1]) {
        lo -= 1;
        if (lo) return false;
      }
      if (8 - (hi + lo) < 1) return false;
    } else {
      if (parts.length !== 8 || !parts[0] || !parts[parts.length - 1]) return false;
      hi = parts.length;
      lo = 0;
    }
    return hextetsValid(parts.slice(0, hi)) && hextetsValid(parts.slice(parts.length - lo));
  }

  // `data` is the manifest; `fetchJson(path)` gives a promise of one of its pieces.
  function Matcher(data, fetchJson) {
    var P = data.program;
    var M = P.match;
    var L = P.lines;
    var maxChars = P.max_line_chars;
    var ansi = compile(P.ansi, true);
    var spaceClass = "[" + P.unicode_space + "]";
    var stripRe = new RegExp("^" + spaceClass + "+|" + spaceClass + "+$", "g");
    var rstripRe = new RegExp(spaceClass + "+$");
    var isSpaceRe = new RegExp("^" + spaceClass + "$");
    var quoted = compile(P.quoted, true);
    var word = compile(P.word, false);
    var placeholder = compile(P.placeholder, true);
    var lead = compile(P.lead, false);
    var space = compile(P.space, true);
    var tokenRe = compile(P.token, true);
    var codeRe = compile(P.code, true);
    var placedRe = compile(P.placed, true);
    var generic = new Set(P.generic);
    var stop = new Set(P.stop);
    var strong = compile(L.strong, false);
    var weak = compile(L.weak, false);
    var quiet = compile(L.quiet, false);
    var logPrefix = compile(L.log_prefix, false);
    var frame = compile(L.frame, false);
    var calls = {
      ip: function (match) {
        var text = match.replace(/^[\[\]]+|[\[\]]+$/g, "").split("%")[0];
        return ipv6Valid(text) ? "<ip>" : match;
      },
      tool: function (match) {
        var groups = arguments[arguments.length - 1];
        return (groups.tool || groups.tool2).toLowerCase();
      },
    };
    var rules = P.rules.map(function (rule) {
      return {
        needle: rule.needle,
        re: compile(rule, true),
        replacement: rule.call ? calls[rule.call] : rule.text,
      };
    });

    function strip(text) {
      return text.replace(stripRe, "");
    }

    function clean(line) {
      if (line.length > maxChars) line = Array.from(line).slice(0, maxChars).join("");
      if (line.indexOf("\x1b") >= 0) line = line.replace(ansi, "");
      if (line.indexOf("\r") >= 0) {
        line = line.replace(/\r+$/, "");
        line = line.slice(line.lastIndexOf("\r") + 1);
      }
      return line.replace(rstripRe, "");
    }

    function unquote(match) {
      var inner;
      for (var i = 1; i <= 5; i++) {
        if (arguments[i] !== undefined) {
          inner = arguments[i];
          break;
        }
      }
      return word.test(inner.replace(placeholder, "")) ? inner : "<q>";
    }

    function normalise(text) {
      var out = [];
      splitlines(text).forEach(function (raw) {
        var line = clean(raw).split('\\"').join('"');
        rules.forEach(function (rule) {
          if (line.indexOf(rule.needle) >= 0) line = line.replace(rule.re, rule.replacement);
        });
        for (var i = 0; i < P.quotes.length; i++) {
          if (line.indexOf(P.quotes[i]) >= 0) {
            line = line.replace(quoted, unquote);
            break;
          }
        }
        line = strip(line.replace(space, " "));
        if (line) out.push(line);
      });
      return out.join("\n");
    }

    function withoutPrefix(normalised) {
      var out = [];
      normalised.split("\n").forEach(function (line) {
        var stripped = strip(line.replace(lead, "")) || line;
        if (stripped) out.push(stripped);
      });
      return out.join("\n");
    }

    function signature(text) {
      return withoutPrefix(normalise(text));
    }

    function kept(token) {
      return token.length > 1 && token[0] !== "<" && !/^[0-9]+$/.test(token) && !stop.has(token);
    }

    function words(normalised) {
      return (normalised.toLowerCase().match(tokenRe) || []).filter(kept);
    }

    function tokens(normalised) {
      return new Set(words(normalised));
    }

    // signature_text.shape: slots and openings as [first, second] pairs (they are only
    // searched), prose words as a set.
    function shape(normalised, codes) {
      var out = { slots: [], openings: [], prose: new Set() };
      if (!codes.size) return out;
      var lower = normalised.toLowerCase();
      var placed = [];
      var hit;
      placedRe.lastIndex = 0;
      while ((hit = placedRe.exec(lower)) !== null) {
        if (kept(hit[1])) placed.push([hit[1], hit[2] !== undefined]);
      }
      for (var i = 1; i < placed.length; i++) {
        if (codes.has(placed[i][0])) out.slots.push([placed[i - 1][0], placed[i][0]]);
        if (placed[i][1] && codes.has(placed[i - 1][0])) out.openings.push([placed[i - 1][0], placed[i][0]]);
      }
      if (out.openings.length) {
        placed.forEach(function (item) { if (item[1]) out.prose.add(item[0]); });
      }
      return out;
    }

    function codeTokens(normalised) {
      var found = new Set();
      (normalised.match(codeRe) || []).forEach(function (word) {
        var lower = word.toLowerCase();
        if (!generic.has(lower)) found.add(lower);
      });
      return found;
    }

    function isError(line) {
      var lower = line.toLowerCase();
      if (!L.keys.some(function (key) { return lower.indexOf(key) >= 0; })) return false;
      if (frame.test(line.replace(logPrefix, ""))) return false;
      if (strong.test(line)) return true;
      return weak.test(line) && !quiet.test(line);
    }

    function errorLines(log) {
      var found = [];
      var since = 0;
      splitlines(log).forEach(function (raw, at) {
        var number = at + 1;
        var line = clean(raw);
        if (!strip(line)) return;
        if (since) {
          var body = line.replace(logPrefix, "");
          if (body && isSpaceRe.test(body[0]) && number - since < L.max_traceback_lines) return;
          since = 0;
          if (line.indexOf(L.traceback) < 0) {
            found.push([number, line]);
            return;
          }
        }
        if (line.indexOf(L.traceback) >= 0) since = number;
        else if (isError(line)) found.push([number, line]);
      });
      return found;
    }

    // --- the index, fetched in pieces (signature_shards.py) ---------------------------
    // What build_index computed is read off the shards of the words a query holds: a
    // word's weight and entries, the exact signatures filed under it, the patterns
    // anchored on it, and the lines those entries name.
    var unknownIdf = data.unknown_idf;
    var wordRecords = new Map();
    var lineOf = new Map();
    var refs = new Map();
    var patterns = new Map();
    var shards = new Map();
    var chunks = new Map();
    var idShape = new RegExp(data.page.id, "i");

    function shardOf(token) {
      var value = 0x811c9dc5;
      for (var char of token) value = Math.imul(value ^ char.codePointAt(0), 0x01000193) >>> 0;
      return value % data.shards;
    }

    function fetchOnce(cache, path, keep) {
      if (!cache.has(path)) {
        var got = fetchJson(path).then(keep);
        // A failed fetch is tried again by the next query.
        got.catch(function () { cache.delete(path); });
        cache.set(path, got);
      }
      return cache.get(path);
    }

    function absorb(shard) {
      Object.keys(shard.lines).forEach(function (line) { lineOf.set(Number(line), shard.lines[line]); });
      Object.keys(shard.words).forEach(function (token) { wordRecords.set(token, shard.words[token]); });
    }

    function need(found) {
      var wanted = new Set();
      found.forEach(function (token) { wanted.add(shardOf(token)); });
      return Promise.all(Array.from(wanted).sort(function (a, b) { return a - b; }).map(function (shard) {
        return fetchOnce(shards, "t/" + shard + ".json", absorb);
      }));
    }

    function wordOf(token) {
      return wordRecords.get(token) || {};
    }

    function entryNumbers(flat) {
      // Flat (entry, incident, line) triples, entry and incident as steps from the triple
      // before; each entry's incident and line are kept.
      var numbers = [];
      var number = 0;
      var incident = 0;
      for (var i = 0; i < flat.length; i += 3) {
        number += flat[i];
        incident += flat[i + 1];
        if (!refs.has(number)) refs.set(number, { incident: incident, line: flat[i + 2] });
        numbers.push(number);
      }
      return numbers;
    }

    var entryCache = new Map();
    var lineTokens = new Map();
    function entry(number) {
      if (!entryCache.has(number)) {
        var ref = refs.get(number);
        var line = lineOf.get(ref.line);
        if (!lineTokens.has(ref.line)) {
          var codes = codeTokens(line[0]);
          lineTokens.set(ref.line, { tokens: tokens(line[0]), codes: codes, shape: shape(line[0], codes) });
        }
        var read = lineTokens.get(ref.line);
        entryCache.set(number, {
          incident: ref.incident, signature: line[0], norm2: line[1], tokens: read.tokens, codes: read.codes,
          slots: read.shape.slots, openings: read.shape.openings, prose: read.shape.prose,
        });
      }
      return entryCache.get(number);
    }

    function postings(token) {
      var record = wordOf(token);
      return record.p ? entryNumbers(record.p) : null;
    }

    function firstToken(set) {
      // Python's min(): code point order, which sort() is not beyond the BMP.
      var best = null;
      set.forEach(function (token) {
        if (best === null || lessByCodePoint(token, best)) best = token;
      });
      return best;
    }

    function lessByCodePoint(a, b) {
      var x = Array.from(a);
      var y = Array.from(b);
      for (var i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i]) return x[i].codePointAt(0) < y[i].codePointAt(0);
      }
      return x.length < y.length;
    }

    function exactEntries(key) {
      var held = tokens(key);
      if (!held.size) return [];
      var filed = wordOf(firstToken(held)).x;
      return filed && Object.prototype.hasOwnProperty.call(filed, key) ? entryNumbers(filed[key]) : [];
    }

    function anchored(token) {
      return (wordOf(token).a || []).map(function (pattern) {
        if (!patterns.has(pattern[0])) {
          patterns.set(pattern[0], { incident: pattern[1], raw: pattern[2], pieces: pattern[3] });
        }
        return pattern[0];
      });
    }

    function weight(token) {
      var record = wordOf(token);
      if (record.w !== undefined) return record.w;
      return generic.has(token) ? M.generic_idf : unknownIdf;
    }

    // --- matching (signatures.match) ------------------------------------------------
    function evidence(shared, codes) {
      return sortedSum(shared, function (token) {
        if (generic.has(token)) return 0;
        return (weight(token) / unknownIdf) * (codes.has(token) ? M.code_factor : 1.0);
      });
    }

    // signatures._differ and _names_differ.
    function differ(mine, myWords, theirs, theirWords) {
      var held = new Set();
      theirs.forEach(function (pair) {
        if (!myWords.has(pair[1])) held.add(pair[0]);
      });
      return mine.some(function (pair) {
        return held.has(pair[0]) && !theirWords.has(pair[1]);
      });
    }

    function namesDiffer(query, words, places, opens, entry) {
      return differ(places, query, entry.slots, entry.tokens) ||
        differ(opens, words, entry.openings, entry.prose);
    }

    function score(shared2, query2, entry2) {
      var cosine = shared2 / Math.sqrt(query2 * entry2);
      return (cosine + Math.max(shared2 / query2, shared2 / entry2)) / 2;
    }

    function similar(sig) {
      var query = tokens(sig);
      var weights = new Map();
      query.forEach(function (token) { weights.set(token, weight(token)); });
      var square = function (token) { var w = weights.get(token); return w * w; };
      var query2 = sortedSum(query, square);
      if (!query2) return [];
      var codes = codeTokens(sig);
      var form = shape(sig, codes);
      var places = form.slots;
      var opens = form.openings;
      var prose = form.prose;
      var known = [];
      query.forEach(function (token) {
        var count = wordOf(token).n;
        if (count !== undefined) known.push([count, token]);
      });
      known.sort(function (a, b) {
        return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
      });
      var partial = new Map();
      for (var i = 0; i < Math.min(known.length, M.candidate_tokens); i++) {
        if (known[i][0] > M.max_postings) break;
        var w2 = square(known[i][1]);
        postings(known[i][1]).forEach(function (number) {
          partial.set(number, (partial.get(number) || 0) + w2);
        });
      }
      var best = Array.from(partial.keys()).sort(function (a, b) { return a - b; });
      best.sort(function (a, b) { return partial.get(b) - partial.get(a); });
      var scored = [];
      best.slice(0, M.scored_candidates).forEach(function (number) {
        var found = entry(number);
        var shared = new Set();
        query.forEach(function (token) { if (found.tokens.has(token)) shared.add(token); });
        var both = new Set(codes);
        found.codes.forEach(function (code) { both.add(code); });
        if (evidence(shared, both) < M.min_evidence) return;
        if (namesDiffer(query, prose, places, opens, found)) return;
        scored.push([score(sortedSum(shared, square), query2, found.norm2), number]);
      });
      return scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    }

    function patternsHit(normalised) {
      var text = normalised.toLowerCase();
      var candidates = new Set();
      tokens(normalised).forEach(function (token) {
        anchored(token).forEach(function (n) { candidates.add(n); });
      });
      var hits = [];
      Array.from(candidates).sort(function (a, b) { return a - b; })
        .slice(0, M.max_pattern_checks).forEach(function (number) {
          var at = 0;
          var pieces = patterns.get(number).pieces;
          for (var i = 0; i < pieces.length; i++) {
            at = text.indexOf(pieces[i], at);
            if (at < 0) return;
            at += pieces[i].length;
          }
          hits.push(number);
        });
      return hits;
    }

    function lineScores(normalised) {
      var sig = withoutPrefix(normalised);
      var best = new Map();
      function offer(incident, value, matched, how) {
        if (!best.has(incident) || value > best.get(incident)[0]) best.set(incident, [value, matched, how]);
      }
      var same = exactEntries(sig.toLowerCase());
      same.forEach(function (number) {
        var found = entry(number);
        if (evidence(found.tokens, found.codes) >= M.min_evidence) {
          offer(found.incident, 1.0 + M.exact_bonus, found.signature, "signature");
        }
      });
      similar(sig).forEach(function (item) {
        if (item[0] >= M.min_score && same.indexOf(item[1]) < 0) {
          var found = entry(item[1]);
          offer(found.incident, item[0], found.signature, "tokens");
        }
      });
      var hit = new Map();
      patternsHit(normalised).forEach(function (number) {
        var pattern = patterns.get(number);
        if (!hit.has(pattern.incident)) hit.set(pattern.incident, pattern.raw);
      });
      hit.forEach(function (raw, incident) {
        var before = best.has(incident) ? best.get(incident)[0] : 0.0;
        best.set(incident, [before + M.pattern_bonus, raw, "pattern"]);
      });
      return best;
    }

    function queryLines(text) {
      var found = errorLines(text);
      if (found.length) return found;
      var lines = [];
      splitlines(text).forEach(function (raw, at) {
        var line = clean(raw);
        if (strip(line)) lines.push([at + 1, line]);
      });
      return lines.length <= M.short_paste ? lines : [];
    }

    function name(hit) {
      // The id, title and page of one incident shown: one small file of titles.
      var chunk = Math.floor(hit.number / data.per_chunk);
      return fetchOnce(chunks, "i/" + chunk + ".json", function (list) { return list; }).then(function (list) {
        var pair = list[hit.number % data.per_chunk];
        hit.incident = pair[0];
        hit.title = pair[1];
        hit.url = data.page.prefix + pair[0].toLowerCase() + data.page.suffix;
        return hit;
      });
    }

    function inOrder(hits, each) {
      // Each hit is handed on once it and every hit above it have their titles: the
      // best match is shown after its own file, not after the slowest.
      var next = 0;
      var ready = [];
      return Promise.all(hits.map(function (hit, at) {
        return name(hit).then(function () {
          ready[at] = true;
          while (next < hits.length && ready[next]) each(hits[next], next++);
        });
      })).then(function () { return hits; });
    }

    function match(text, limit) {
      // The best incidents, each with its id, title and page.
      return ranked(text, limit).then(function (hits) { return inOrder(hits, function () {}); });
    }

    function ranked(text, limit) {
      // The lines read, as signatures.match reads them; then the shards of all their
      // words at once; then the same scoring, on what those shards hold. The hits name
      // their incidents by number only (see name).
      var work = [];
      var seen = new Set();
      var lines = queryLines(text);
      for (var i = 0; i < lines.length; i++) {
        var normalised = normalise(lines[i][1]);
        var key = withoutPrefix(normalised).toLowerCase();
        if (seen.has(key)) continue;
        if (seen.size >= M.max_query_lines) break;
        seen.add(key);
        work.push([lines[i][0], lines[i][1], normalised, key]);
      }
      var wanted = new Set();
      work.forEach(function (item) {
        [tokens(item[2]), tokens(withoutPrefix(item[2])), tokens(item[3])].forEach(function (set) {
          set.forEach(function (token) { wanted.add(token); });
        });
      });
      return need(wanted).then(function () {
        var found = new Map();
        work.forEach(function (item) {
          lineScores(item[2]).forEach(function (value, incident) {
            if (!found.has(incident) || value[0] > found.get(incident).score) {
              found.set(incident, {
                score: Number(value[0].toFixed(6)),
                line_no: item[0],
                line: item[1],
                matched: value[1],
                how: value[2],
                number: incident,
              });
            }
          });
        });
        // Incidents are numbered in id order: the lower number is the lower id.
        var ranked = Array.from(found.values()).sort(function (a, b) {
          return b.score - a.score || a.line_no - b.line_no || a.number - b.number;
        });
        return ranked.slice(0, limit === undefined ? 10 : limit);
      });
    }

    function isIncidentPage(path) {
      // A path below the site's root, such as `incidents/inc-0001/`.
      var prefix = data.page.prefix;
      var suffix = data.page.suffix;
      if (path.length < prefix.length + suffix.length) return false;
      if (path.slice(0, prefix.length) !== prefix || path.slice(path.length - suffix.length) !== suffix) return false;
      return idShape.test(path.slice(prefix.length, path.length - suffix.length));
    }

    return {
      normalise: normalise,
      withoutPrefix: withoutPrefix,
      signature: signature,
      tokens: function (text) { return Array.from(tokens(text)).sort(); },
      codeTokens: function (text) { return Array.from(codeTokens(text)).sort(); },
      errorLines: errorLines,
      match: match,
      ranked: ranked,
      inOrder: inOrder,
      isIncidentPage: isIncidentPage,
    };
  }

  function checked(response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }

  // The matcher of the site whose manifest is at `source`: its other pieces come from
  // beside it, named with the manifest's version so that no cached piece of another
  // build is read with it.
  function open(win, source) {
    return win.fetch(source, { credentials: "same-origin" }).then(checked).then(function (manifest) {
      return Matcher(manifest, function (path) {
        var url = new URL(path + "?v=" + encodeURIComponent(manifest.version), source).href;
        return win.fetch(url, { credentials: "same-origin" }).then(checked);
      });
    });
  }

  // --- the page ---------------------------------------------------------------------
  function counted(found) {
    return found.length
      ? found.length + (found.length === 1 ? " past incident matches" : " past incidents match") + ", best first."
      : "No past incident matches.";
  }

  function shown(doc, hit, base) {
    var item = doc.createElement("li");
    item.className = "nexus-seen-hit";
    item.dataset.incident = hit.incident;
    var heading = doc.createElement("p");
    var link = doc.createElement("a");
    link.href = new URL(hit.url, base).href;
    link.textContent = hit.incident + ": " + hit.title;
    heading.appendChild(link);
    heading.appendChild(doc.createTextNode("  (score " + hit.score.toFixed(2) + ")"));
    var line = doc.createElement("p");
    var code = doc.createElement("code");
    code.textContent = hit.line.trim();
    line.appendChild(doc.createTextNode("Line " + hit.line_no + ": "));
    line.appendChild(code);
    line.appendChild(doc.createTextNode(" \u2248 " + hit.incident));
    item.appendChild(heading);
    item.appendChild(line);
    return item;
  }

  function setUp(win) {
    var doc = win.document;
    var box = doc.querySelector(".nexus-seen");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    // The page's parts are named after the box: nexus-seen-input, -status and -results.
    var part = function (name) { return doc.getElementById("nexus-seen-" + name); };
    var input = part("input");
    var status = part("status");
    var results = part("results");
    var source = new URL(box.dataset.signatures, doc.baseURI).href;
    // Incident pages are named relative to the site's root.
    var base = new URL(box.dataset.root, doc.baseURI).href;
    var matcher = null;
    var timer = null;
    var generation = 0;
    var last = 0;
    function run() {
      timer = null;
      if (!matcher) return;
      var mine = ++generation;
      if (!input.value.trim()) {
        results.textContent = "";
        status.textContent = "";
        box.dataset.state = "empty";
        return;
      }
      matcher.ranked(input.value).then(function (found) {
        if (mine !== generation) return null;
        results.textContent = "";
        status.textContent = counted(found);
        return matcher.inOrder(found, function (hit) {
          if (mine === generation) results.appendChild(shown(doc, hit, base));
        });
      }).then(function () {
        if (mine === generation) box.dataset.state = "done";
      }).catch(function (error) {
        if (mine !== generation) return;
        status.textContent = "The signatures could not be loaded: " + error.message;
        box.dataset.state = "failed";
      });
    }
    input.addEventListener("input", function () {
      box.dataset.state = "busy";
      if (timer !== null) win.clearTimeout(timer);
      // A paste, or the first key after a pause, runs at once; typing waits for a pause.
      var now = Date.now();
      var quick = now - last < 120;
      last = now;
      if (quick) timer = win.setTimeout(run, 120);
      else run();
    });
    status.textContent = "Loading the signatures of past incidents\u2026";
    open(win, source)
      .then(function (made) {
        matcher = made;
        status.textContent = "";
        box.dataset.loaded = "1";
        run();
      })
      .catch(function (error) {
        status.textContent = "The signatures could not be loaded: " + error.message;
      });
  }

  function start(win) {
    if (!win.document) return;
    // Material's instant navigation swaps pages without reloading scripts: it announces
    // each page on document$.
    if (win.document$ && typeof win.document$.subscribe === "function") {
      win.document$.subscribe(function () { setUp(win); });
    } else if (win.document.readyState === "loading") {
      win.document.addEventListener("DOMContentLoaded", function () { setUp(win); });
    } else {
      setUp(win);
    }
  }

  return { Matcher: Matcher, open: open, splitlines: splitlines, start: start };
});
