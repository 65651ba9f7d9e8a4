"""The signature index in pieces: a manifest, shards by token and titles by incident.

A browser fetches the manifest (the matcher's rules), then only the shards of the words
a paste holds, then the titles of the incidents it shows: at thousands of incidents a
query reads a few dozen kilobytes instead of the whole index. A shard holds, for each
of its words, everything `signatures.match` reads of that word (its weight, how many
entries hold it, their entries when few enough are read, the exact signatures filed
under it and the patterns anchored on it) plus the lines those entries name.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from .signature_export import program
from .signature_index import Index
from .signature_text import tokens
from .signatures import _MAX_POSTINGS

__all__ = ["FOLDER", "MANIFEST", "PER_CHUNK", "shard_count", "shard_files", "token_shard"]

#: Where the pieces live in the site (docs paths).
FOLDER = "assets/nexus-pm/signatures"
MANIFEST = f"{FOLDER}/index.json"
#: Incidents per file of titles: a result list of ten reads at most ten small files.
PER_CHUNK = 16
# About this many words to a shard, up to the most shards a site gets: a pasted log's
# words then fetch few files each, and a word alone fetches little beside it.
_WORDS_PER_SHARD = 2
_MAX_SHARDS = 256


def token_shard(token: str, shards: int) -> int:
    """The shard of a word: FNV-1a over its code points, as seen.js computes it."""
    value = 0x811C9DC5
    for char in token:
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def shard_count(words: int) -> int:
    """A power of two near `words / _WORDS_PER_SHARD`, from 1 to _MAX_SHARDS."""
    count = 1
    while count < _MAX_SHARDS and count * _WORDS_PER_SHARD < words:
        count *= 2
    return count


def _text(data: Any) -> str:
    # Compact, and `<` escaped so that no reader can take a file for markup.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _words(index: Index) -> dict[str, dict[str, Any]]:
    """Each word's record: w (weight), n (entries), p (their entries), x (exact), a (patterns)."""
    lines: dict[str, int] = {}
    refs = []  # per entry: entry, incident, line
    for number, entry in enumerate(index.entries):
        refs.append((number, entry.incident, lines.setdefault(entry.signature, len(lines))))

    def flat(numbers: Sequence[int]) -> list[int]:
        # Entries ascend, and so do their incidents: each is written as the step from the
        # one before, which keeps most numbers to a digit or two.
        out: list[int] = []
        entry = incident = 0
        for number in numbers:
            out += [refs[number][0] - entry, refs[number][1] - incident, refs[number][2]]
            entry, incident = refs[number][0], refs[number][1]
        return out

    words: dict[str, dict[str, Any]] = defaultdict(dict)
    for token, found in index.postings.items():
        words[token]["w"] = index.idf[token]
        words[token]["n"] = len(found)
        # A word more entries hold than a query reads is never read for its entries.
        if len(found) <= _MAX_POSTINGS:
            words[token]["p"] = flat(found)
    for key, found in index.exact.items():
        # An exact signature shares all its words with the query: it is filed under the
        # first of them. One without words is never evidence enough to be shown.
        held = tokens(key)
        if held:
            exact = words[min(held)].setdefault("x", {})
            exact[key] = flat(found)
    for token, numbers in index.pattern_postings.items():
        words[token]["a"] = [
            [number, index.patterns[number].incident, index.patterns[number].raw,
             list(index.patterns[number].pieces)]
            for number in numbers
        ]  # fmt: skip
    line_of = {number: line for line, number in lines.items()}
    # Entries of one line share its words, hence its norm.
    norm2 = {line: index.entries[number].norm2 for number, _, line in refs}
    for record in words.values():
        named = {*record.get("p", [])[2::3]}
        for steps in record.get("x", {}).values():
            named.update(steps[2::3])
        record["lines"] = {str(line): [line_of[line], norm2[line]] for line in sorted(named)}
    return words


def shard_files(index: Index, titles: Sequence[str], page: dict[str, str]) -> dict[str, str]:
    """Every file of the sharded signature index, by its docs path, for `index`'s incidents."""
    words = _words(index)
    shards = shard_count(len(words))
    grouped: dict[int, dict[str, Any]] = defaultdict(lambda: {"words": {}, "lines": {}})
    for token in sorted(words):
        record = dict(words[token])
        shard = grouped[token_shard(token, shards)]
        shard["lines"].update(record.pop("lines"))
        shard["words"][token] = record
    # Every shard is written, empty or not: a word the site lacks still names one.
    files = {f"{FOLDER}/t/{number}.json": _text(grouped[number]) for number in range(shards)}
    pairs = list(zip(index.incidents, titles, strict=True))
    for start in range(0, len(pairs), PER_CHUNK):
        chunk = [list(pair) for pair in pairs[start : start + PER_CHUNK]]
        files[f"{FOLDER}/i/{start // PER_CHUNK}.json"] = _text(chunk)
    # Named in the manifest, the pieces of one build are never read with another's.
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    manifest = {
        "format": 3,
        "version": digest.hexdigest()[:12],
        "program": program(),
        "page": page,
        "incidents": len(index.incidents),
        "unknown_idf": index.unknown_idf,
        "shards": shards,
        "per_chunk": PER_CHUNK,
    }
    files[MANIFEST] = _text(manifest)
    return files
