"""The "Seen this error?" page's script computes what `nexus-pm match` computes, under Node."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from nexus_pm.record_types import ID_PATTERN
from nexus_pm.seen import index_records
from nexus_pm.signature_export import js_pattern
from nexus_pm.signature_file import SIGNATURES, signature_files
from nexus_pm.signature_index import Index, Source, build_index
from nexus_pm.signature_shards import shard_files
from nexus_pm.signature_text import code_tokens, normalise, signature, tokens, without_prefix
from nexus_pm.signatures import error_lines, match
from nexus_pm.validate import load_records

from .components import need
from .conftest import ROOT
from .match_cases import RECORD_PATHS, TABLE
from .match_eval import CASES, EVAL_DIR

SCRIPT = ROOT / "nexus_pm" / "templates" / "assets" / "seen.js"
# Reads {files, manifest, inputs, fresh} on stdin, prints what the script makes of each
# input and the files it fetched for it (from a new matcher for each input when fresh).
RUNNER = """
const seen = require(process.argv[1]);
let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", async () => {
  const { files, manifest, inputs, fresh } = JSON.parse(text);
  const folder = manifest.slice(0, manifest.lastIndexOf("/") + 1);
  let fetched = [];
  const load = (path) => {
    fetched.push(path);
    const body = files[folder + path];
    return body === undefined ? Promise.reject(new Error(path)) : Promise.resolve(JSON.parse(body));
  };
  const made = () => seen.Matcher(JSON.parse(files[manifest]), load);
  let m = made();
  const out = [];
  for (const input of inputs) {
    if (fresh) m = made();
    fetched = [];
    const found = await m.match(input, 10);
    out.push({
      normalise: m.normalise(input),
      signature: m.signature(input),
      without_prefix: m.withoutPrefix(m.normalise(input)),
      tokens: m.tokens(m.signature(input)),
      codes: m.codeTokens(m.signature(input)),
      error_lines: m.errorLines(input),
      match: found.map((h) => [h.incident, h.score, h.line_no, h.line, h.matched, h.how]),
      titles: found.map((h) => [h.title, h.url]),
      fetched: fetched,
    });
  }
  process.stdout.write(JSON.stringify(out));
});
"""
# Pieces of real errors and of what the rules replace, and characters they must not trip on.
FRAGMENTS = [
    "Error", "ERROR", "error:", "Traceback (most recent call last):", '  File "x.py", line 3',
    "ModuleNotFoundError:", "No module named", "'uvicorn'", '"users"', "`key`", "\u2018q\u2019",
    "\u201cq\u201d", "127.0.0.1", ":5432", "[::1]:8080", "fe80::1%eth0", "1:2:3:4:5:6:7:8", "::",
    "2025-11-09T10:00:00.123Z", "Nov  9 12:01:02", "12:01", "3:04 PM", "1553576353087", "0x7ffd",
    "3f9a1c2b7d4e", "550e8400-e29b-41d4-a716-446655440000", "v1.2.3", "(x4 over 49s)", "42ms",
    "7GiB", "99%", "/tmp/pip-x8y2/setup.py", "/usr/local/bin/python3.12:", r"C:\Users\bob\x",
    r"C:\Users\bob\AppData\Local\Temp\a.txt", "/home/alice/app", "/Users/bob/app",
    "/opt/venv/lib/python3.12/site-packages/uvicorn/main.py", "node_modules/x/index.js",
    "bob@example.com", "ECONNREFUSED", "OOMKilled", "ImagePullBackOff", "x509:", "npm ERR!",
    "make: ***", "exit code 2", "0 errors", "failed", "denied", "\x1b[31m", "\x1b[0m", "\x1b]0;t\x07",
    "\r", "\n", "\r\n", "\t", "\xa0", "\u2028", "\x85", "\x0c", " | ", "##[error]", "E   ", "> ",
    "nexus-voice  |", "--user", "pip install", '\\"', "\u00e9t\u00e9", "\U0001f600", "\u0130",
    "\u212a", "\u017f", "\u0663", "k8s", "e2e", "sha256", "\ufeff", "   ", "-", "*", ".", ":",
    '"level":', '{"msg": "', '"ts":1764669662123', "api-7d9f8b6c5d-x2k4j", "job-28312345-q7xz2",
    "lb-1 haproxy[998]:", "Dec  2 10:01:02 web-1 nginx[7]:", "status: NXDOMAIN", "status: SERVFAIL",
    "api error ThrottlingException", "api error AccessDenied", "no such host", "exceeded",
    "\tat a.B.fail(B.java:3)", "    at Module._load (node:x:1:2)", "\t... 23 more",
    "OutOfMemoryError: Java heap space", "OutOfMemoryError: Metaspace", "SQLSTATE[HY000]",
    "Too many connections", "redis.internal", "worker-3", "ENOTFOUND db.", "ENOTFOUND",
]  # fmt: skip


def node() -> str:
    found = shutil.which("node")
    need("node", found is not None, "node is not on PATH")
    assert found is not None
    return found


@cache
def records(*paths: Path) -> list[Any]:
    return load_records(list(paths or RECORD_PATHS))


def run_script(
    inputs: list[str],
    *paths: Path,
    files: dict[str, str] | None = None,
    fresh: bool = False,
) -> list[dict[str, Any]]:
    """What seen.js makes of each input, with the signature index `files` (of `paths`'s records)."""
    files = signature_files(records(*paths)) if files is None else files
    payload = json.dumps({"files": files, "manifest": SIGNATURES, "inputs": inputs, "fresh": fresh})
    done = subprocess.run(
        [node(), "-e", RUNNER, str(SCRIPT)],
        input=payload,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


def python_side(text: str, *paths: Path) -> dict[str, Any]:
    sig = signature(text)
    found = match(text, index_records(records(*paths)), limit=10)
    title = {r.incident.id: r.incident.title for r in records(*paths)}
    return {
        "normalise": normalise(text),
        "signature": sig,
        "without_prefix": without_prefix(normalise(text)),
        "tokens": sorted(tokens(sig)),
        "codes": sorted(code_tokens(sig)),
        "error_lines": [list(line) for line in error_lines(text)],
        "match": [[m.incident, m.score, m.line_no, m.line, m.matched, m.how] for m in found],
        "titles": [[title[m.incident], f"incidents/{m.incident.lower()}/"] for m in found],
    }


def computed(got: dict[str, Any]) -> dict[str, Any]:
    """The script's output without the files it fetched for it."""
    return {key: value for key, value in got.items() if key != "fetched"}


def random_inputs(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    inputs = []
    for _ in range(count):
        parts = [rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 12))]
        joiners = ["", " ", " ", "/", ":", "\n"]
        inputs.append("".join(part + rng.choice(joiners) for part in parts))
    return inputs


def test_the_test_set_gives_the_same_everything() -> None:
    texts = [row.text for row in TABLE]
    for text, got in zip(texts, run_script(texts), strict=True):
        assert computed(got) == python_side(text), text


def test_the_evaluation_set_gives_the_same_everything() -> None:
    texts = [case.text for case in CASES]
    for text, got in zip(texts, run_script(texts, EVAL_DIR), strict=True):
        assert computed(got) == python_side(text, EVAL_DIR), text[:200]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_inputs_give_the_same_everything(seed: int) -> None:
    texts = random_inputs(400, seed)
    expected = [python_side(text) for text in texts]
    # The inputs exercise the rules: most are rewritten, many match an incident.
    assert sum(e["normalise"] != text for e, text in zip(expected, texts, strict=True)) > 300
    assert sum(bool(e["match"]) for e in expected) > 50
    for text, want, got in zip(texts, expected, run_script(texts), strict=True):
        assert computed(got) == want, repr(text)


def test_patterns_translate_or_are_refused() -> None:
    import re

    assert js_pattern(re.compile(r"(?P<a>x)\s", re.ASCII)) == {
        "source": r"(?<a>x)[\t\n\v\f\r ]",
        "flags": "",
    }
    assert js_pattern(re.compile("a b  # note\n | [ #]\\ c", re.VERBOSE | re.ASCII))["source"] == (
        "ab|[ #] c"
    )
    with pytest.raises(ValueError, match="differs between Python and JavaScript"):
        js_pattern(re.compile(r"\w+"))


def synthetic_index(count: int, seed: int = 1) -> tuple[Index, list[str]]:
    """The index of `count` incidents with the bench's errors (bench/vocab.py), and titles.

    Like bench/synth.py's records, without writing them: most incidents have one error
    output, some two or none, a fifth of those a signature pattern.
    """
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from vocab import ERRORS, MODULES, SERVICES
    finally:
        sys.path.remove(str(ROOT / "bench"))
    rng = random.Random(seed)
    sources, titles = [], []
    for number in range(1, count + 1):
        svc = rng.choice(SERVICES)
        outputs = tuple(
            template.format(
                svc=svc, n=rng.randint(2, 400), mod=rng.choice(MODULES), date="2025-11-09"
            )
            for _, template in rng.sample(ERRORS, rng.choice([0, 1, 1, 1, 1, 2]))
        )
        last = outputs[0].splitlines()[-1][:60] if outputs else ""
        patterns = (last,) if last and tokens(last) and rng.random() < 0.2 else ()
        sources.append(Source(f"INC-{number:04d}", outputs, patterns))
        titles.append(f"{svc}: {last or 'degraded'}")
    return build_index(sources), titles


def test_a_query_fetches_a_small_part_of_5000_incidents() -> None:
    index, titles = synthetic_index(5000)
    files = shard_files(index, titles, {"prefix": "incidents/", "suffix": "/", "id": ID_PATTERN})
    whole = sum(len(text.encode()) for text in files.values())
    manifest = len(files[SIGNATURES].encode())
    error = "ModuleNotFoundError: No module named 'httpx'"
    log = "\n".join(
        [f"2025-11-09T10:00:{n:02d}Z INFO step {n} ok" for n in range(8)]
        + [f"2025-11-09T10:00:09Z {error}", "Error: Process completed with exit code 1."]
    )
    queries = [error, log, "connection refused", "OOMKilled", "rollback checkout", "zzqxv"]
    folder = SIGNATURES.rpartition("/")[0] + "/"
    for text, got in zip(queries, run_script(queries, files=files, fresh=True), strict=True):
        found = match(text, index, limit=10)
        assert got["match"] == [
            [m.incident, m.score, m.line_no, m.line, m.matched, m.how] for m in found
        ], text
        fetched = manifest + sum(len(files[folder + path].encode()) for path in got["fetched"])
        # Counted, not timed: the manifest and a few shards, a small part of the whole.
        assert fetched < 120_000 and fetched * 5 < whole, (text, fetched, whole)


def test_the_pieces_of_5000_incidents_stay_small() -> None:
    index, titles = synthetic_index(5000)
    page = {"prefix": "incidents/", "suffix": "/", "id": ID_PATTERN}
    files = shard_files(index, titles, page)
    assert shard_files(index, titles, page) == files  # the same bytes every build
    sizes = {path: len(text.encode()) for path, text in files.items()}
    words = [size for path, size in sizes.items() if "/t/" in path]
    names = [size for path, size in sizes.items() if "/i/" in path]
    # The manifest is the matcher's rules, whatever the number of incidents.
    assert sizes[SIGNATURES] < 12_000
    assert len(words) == 128 and max(words) < 30_000
    assert len(names) == 313 and max(names) < 2_000
