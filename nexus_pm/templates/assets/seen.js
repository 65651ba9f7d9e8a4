/* "Seen this error?": a pasted error or log matched against past incidents, in the page.
 *
 * A port of nexus_pm/signature_text.py, signature_lines.py, signature_index.py and
 * signatures.py. The patterns (signature_rules.py's among them), word lists and limits are not written here: they come
 * with the signature file, exported from the Python modules (signature_export.py), so
 * only the steps between them are ported. tests/test_seen_js.py holds the two to the
 * same output. Record text only ever reaches the page as text nodes.
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

  function Matcher(data) {
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

    // --- the index (signature_index.build_index) ------------------------------------
    var ids = data.incidents.map(function (incident) { return incident.id; });
    // Each distinct line is in the file once; its tokens are read once too.
    var lineTokens = data.lines.map(function (sig) {
      var codes = codeTokens(sig);
      return { tokens: tokens(sig), codes: codes, shape: shape(sig, codes) };
    });
    var entries = [];
    var rawPatterns = [];
    data.incidents.forEach(function (incident, number) {
      incident.url = data.page.prefix + incident.id.toLowerCase() + data.page.suffix;
      (incident.lines || []).forEach(function (line) {
        var read = lineTokens[line];
        entries.push({
          incident: number, signature: data.lines[line], tokens: read.tokens, codes: read.codes,
          slots: read.shape.slots, openings: read.shape.openings, prose: read.shape.prose,
        });
      });
      (incident.patterns || []).forEach(function (pattern) {
        rawPatterns.push({ incident: number, raw: pattern.raw, pieces: pattern.pieces });
      });
    });
    var holders = new Map();
    entries.forEach(function (entry) {
      entry.tokens.forEach(function (token) {
        if (!holders.has(token)) holders.set(token, new Set());
        holders.get(token).add(entry.incident);
      });
    });
    var total = Math.max(1, ids.length);
    var idf = new Map();
    holders.forEach(function (held, token) {
      idf.set(token, Math.log(1 + total / held.size));
    });
    generic.forEach(function (token) {
      if (idf.has(token)) idf.set(token, Math.min(idf.get(token), M.generic_idf));
    });
    var unknownIdf = Math.log(1 + total);
    var postings = new Map();
    var exact = new Map();
    entries.forEach(function (entry, number) {
      entry.norm2 = sortedSum(entry.tokens, function (token) {
        var w = idf.get(token);
        return w * w;
      });
      entry.tokens.forEach(function (token) {
        if (!postings.has(token)) postings.set(token, []);
        postings.get(token).push(number);
      });
      var key = entry.signature.toLowerCase();
      if (!exact.has(key)) exact.set(key, []);
      exact.get(key).push(number);
    });
    var patternPostings = new Map();
    rawPatterns.forEach(function (pattern, number) {
      var anchor = null;
      var best = null;
      tokens(pattern.pieces.join(" ")).forEach(function (token) {
        var rank = [holders.has(token) ? holders.get(token).size : 0, -token.length, token];
        if (best === null || rank[0] < best[0] || (rank[0] === best[0] &&
            (rank[1] < best[1] || (rank[1] === best[1] && rank[2] < best[2])))) {
          best = rank;
          anchor = token;
        }
      });
      if (!patternPostings.has(anchor)) patternPostings.set(anchor, []);
      patternPostings.get(anchor).push(number);
    });

    function weight(token) {
      if (idf.has(token)) return idf.get(token);
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
      var words = form.prose;
      var known = [];
      query.forEach(function (token) {
        if (postings.has(token)) known.push([postings.get(token).length, token]);
      });
      known.sort(function (a, b) {
        return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
      });
      var partial = new Map();
      for (var i = 0; i < Math.min(known.length, M.candidate_tokens); i++) {
        if (known[i][0] > M.max_postings) break;
        var w2 = square(known[i][1]);
        postings.get(known[i][1]).forEach(function (number) {
          partial.set(number, (partial.get(number) || 0) + w2);
        });
      }
      var best = Array.from(partial.keys()).sort(function (a, b) { return a - b; });
      best.sort(function (a, b) { return partial.get(b) - partial.get(a); });
      var scored = [];
      best.slice(0, M.scored_candidates).forEach(function (number) {
        var entry = entries[number];
        var shared = new Set();
        query.forEach(function (token) { if (entry.tokens.has(token)) shared.add(token); });
        var both = new Set(codes);
        entry.codes.forEach(function (code) { both.add(code); });
        if (evidence(shared, both) < M.min_evidence) return;
        if (namesDiffer(query, words, places, opens, entry)) return;
        scored.push([score(sortedSum(shared, square), query2, entry.norm2), number]);
      });
      return scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    }

    function patternsHit(normalised) {
      var text = normalised.toLowerCase();
      var candidates = new Set();
      tokens(normalised).forEach(function (token) {
        (patternPostings.get(token) || []).forEach(function (n) { candidates.add(n); });
      });
      var hits = [];
      Array.from(candidates).sort(function (a, b) { return a - b; })
        .slice(0, M.max_pattern_checks).forEach(function (number) {
          var at = 0;
          var pieces = rawPatterns[number].pieces;
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
      var same = exact.get(sig.toLowerCase()) || [];
      same.forEach(function (number) {
        var entry = entries[number];
        if (evidence(entry.tokens, entry.codes) >= M.min_evidence) {
          offer(entry.incident, 1.0 + M.exact_bonus, entry.signature, "signature");
        }
      });
      similar(sig).forEach(function (item) {
        if (item[0] >= M.min_score && same.indexOf(item[1]) < 0) {
          var entry = entries[item[1]];
          offer(entry.incident, item[0], entry.signature, "tokens");
        }
      });
      var hit = new Map();
      patternsHit(normalised).forEach(function (number) {
        var pattern = rawPatterns[number];
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

    function match(text, limit) {
      var found = new Map();
      var seen = new Set();
      var lines = queryLines(text);
      for (var i = 0; i < lines.length; i++) {
        var normalised = normalise(lines[i][1]);
        var key = withoutPrefix(normalised).toLowerCase();
        if (seen.has(key)) continue;
        if (seen.size >= M.max_query_lines) break;
        seen.add(key);
        lineScores(normalised).forEach(function (value, incident) {
          if (!found.has(incident) || value[0] > found.get(incident).score) {
            found.set(incident, {
              incident: ids[incident],
              score: Number(value[0].toFixed(6)),
              line_no: lines[i][0],
              line: lines[i][1],
              matched: value[1],
              how: value[2],
              number: incident,
            });
          }
        });
      }
      var ranked = Array.from(found.values()).sort(function (a, b) {
        return b.score - a.score || a.line_no - b.line_no ||
          (a.incident < b.incident ? -1 : a.incident > b.incident ? 1 : 0);
      });
      return ranked.slice(0, limit === undefined ? 10 : limit);
    }

    return {
      normalise: normalise,
      withoutPrefix: withoutPrefix,
      signature: signature,
      tokens: function (text) { return Array.from(tokens(text)).sort(); },
      codeTokens: function (text) { return Array.from(codeTokens(text)).sort(); },
      errorLines: errorLines,
      match: match,
      incidents: data.incidents,
    };
  }

  // --- the page ---------------------------------------------------------------------
  function show(doc, results, status, found, incidents, base) {
    results.textContent = "";
    status.textContent = found.length
      ? found.length + (found.length === 1 ? " past incident matches" : " past incidents match") + ", best first."
      : "No past incident matches.";
    found.forEach(function (hit) {
      var incident = incidents[hit.number];
      var item = doc.createElement("li");
      item.className = "nexus-seen-hit";
      item.dataset.incident = hit.incident;
      var heading = doc.createElement("p");
      var link = doc.createElement("a");
      link.href = new URL(incident.url, base).href;
      link.textContent = hit.incident + ": " + incident.title;
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
      results.appendChild(item);
    });
  }

  function setUp(win) {
    var doc = win.document;
    var box = doc.querySelector(".nexus-seen");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var input = doc.getElementById("nexus-seen-input");
    var status = doc.getElementById("nexus-seen-status");
    var results = doc.getElementById("nexus-seen-results");
    var source = new URL(box.dataset.signatures, doc.baseURI).href;
    // Incident pages are named relative to the site's root.
    var base = new URL(box.dataset.root, doc.baseURI).href;
    var matcher = null;
    var timer = null;
    function run() {
      timer = null;
      if (!matcher) return;
      if (!input.value.trim()) {
        results.textContent = "";
        status.textContent = "";
        box.dataset.state = "empty";
        return;
      }
      show(doc, results, status, matcher.match(input.value), matcher.incidents, base);
      box.dataset.state = "done";
    }
    input.addEventListener("input", function () {
      box.dataset.state = "busy";
      if (timer !== null) win.clearTimeout(timer);
      timer = win.setTimeout(run, 120);
    });
    status.textContent = "Loading the signatures of past incidents\u2026";
    win.fetch(source, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        matcher = Matcher(data);
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

  return { Matcher: Matcher, splitlines: splitlines, start: start };
});
