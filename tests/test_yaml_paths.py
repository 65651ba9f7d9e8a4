"""The fast and the careful way of reading records agree on every text: data, records, messages."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import re2
import yaml
from hypothesis import given
from hypothesis import strategies as st

from nexus_pm.yamlfast import _BAD_BLOCK_HEADER, fast_data
from nexus_pm.yamlsafe import parse_yaml

from .conftest import ROOT, SEED
from .test_bench import _synth
from .test_fuzz import FUZZ
from .yaml_paths import assert_paths_agree, typed

CORPUS = ROOT / "tests" / "bad_inputs"
TEXTS = sorted(
    p for p in [*CORPUS.rglob("*.yaml"), *(ROOT / "incidents").glob("*.yaml")] if p.is_file()
)
SEED_DATA: dict[str, Any] = yaml.safe_load(SEED.read_text(encoding="utf-8"))


def read(path: Path) -> str | None:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None  # refused before any YAML is read, on either path


@pytest.mark.parametrize("path", TEXTS, ids=[p.relative_to(ROOT).as_posix() for p in TEXTS])
def test_every_corpus_and_repo_record_reads_alike(path: Path) -> None:
    text = read(path)
    if text is not None and "\0" not in text:
        assert_paths_agree(text)


def test_synthetic_records_read_alike_and_mostly_fast() -> None:
    texts = list(_synth().generate(150, seed=11).values())
    fast = sum(assert_paths_agree(text) for text in texts)
    # The fast path must be the usual one, or validation is as slow as before.
    assert fast >= 0.9 * len(texts), fast


# Plain scalars that YAML 1.1 and 1.2 read differently, YAML the fast parser takes more freely
# than libyaml, and what the careful loader refuses.
TRICKY = [
    "yes", "no", "on", "off", "Yes", "NO", "True", "FALSE", "y", "n", "~", "null", "Null", "",
    "1:30", "14:54", "-1:30", "1:30.5", "0:30", "190:20:30", "0x1F", "0o17", "017", "0b101",
    "1_000", "+5", "-5", "-0", "5.", ".5", "-.5", "+.5", "1e3", "1.5e3", "1.0e+3", ".inf",
    "-.inf", ".NaN", "<<", "=", "2025-11-09", "2025-11-09 10:00", "2025-02-30", "12:30:00",
    "&a x", "*a", "!!str 5", "!!int 5", "!!binary aGk=", "!custom x", "@x", "`x`", "%x",
    "? x", "'quoted'", '"dq \\x80"', '"dq \\t tab"', '"\\u0001"', '"\\ud800"', '"\\N"',
    '"\\L"', '"line\\\n  joined"', "[a, b]", "{a: 1}", "[a, a]", "{a: 1, a: 2}", "|\n  x",
    ">-\n  folded\n\n  more", "|+\n  kept\n\n", "x # comment", "x#no", "a: b", "- x",
    "TODO later", '"\\x54ODO"', "'it''s'", "\t", "x\ty", "x\r\ny", "\u2028", "\ufeff",
    "\x85", "\x7f", "...", "---", "-", ":", "#", ",", "[", "*", "&", "!", "|",
]  # fmt: skip
# Synthetic records the fast parser vouches for, to be broken one value at a time.
BASES = [t for t in _synth().generate(12, seed=5).values() if fast_data(t) is not None][:6]


@st.composite
def tricky_records(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(BASES)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        value = draw(st.sampled_from(TRICKY) | st.text(max_size=6))
        line = lines[at]
        head, colon, _ = line.partition(": ")
        action = draw(st.sampled_from(["value", "insert", "repeat", "append"]))
        if action == "value" and colon:
            lines[at] = f"{head}: {value}\n"
        elif action == "insert":
            indent = line[: len(line) - len(line.lstrip())]
            lines.insert(at, f"{indent}{value}\n")
        elif action == "repeat":
            lines.insert(at, line)
        else:
            lines[at] = line.rstrip("\n") + value + "\n"
    return "".join(lines)


@FUZZ
@given(tricky_records())
def test_tricky_scalars_read_alike(text: str) -> None:
    assert_paths_agree(text)


# Lines that open block and quoted scalars, and lines that start with a character that may
# begin a node, at any indentation: whether such a character is text depends on what is above.
OPENERS = ["|", ">", "|-", ">+", "|2", "> # note", "'a", '"a', "a", "", "[a,", "x |", "x: |"]
# "é" makes a text not ASCII, which the fast path searches otherwise.
STARTS = ["*", "&", "!", "`", "@", "]", "}", "'", '"', "- ", "? ", "# ", "", "x: ", "- *", "é"]


@st.composite
def indicator_lines(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(2, 8))):
        indent = " " * draw(st.integers(0, 6))
        kind = draw(st.sampled_from(["opener", "item", "start", "quoted", "blank"]))
        if kind == "opener":
            lines.append(f"{indent}k{len(lines)}: {draw(st.sampled_from(OPENERS))}")
        elif kind == "item":
            lines.append(f"{indent}- k: {draw(st.sampled_from(OPENERS))}")
        elif kind == "start":
            lines.append(f"{indent}{draw(st.sampled_from(STARTS))}w{draw(st.sampled_from(STARTS))}")
        elif kind == "quoted":
            quote = draw(st.sampled_from(["'", '"']))
            lines.append(f"{indent}q: {quote}{draw(st.sampled_from(STARTS))}w{quote}")
        else:
            lines.append(indent)
    return "\n".join(["top: 1", *lines, ""])


@FUZZ
@given(indicator_lines())
def test_indicators_at_line_starts_read_alike(text: str) -> None:
    """Where the fast parser vouches for a text, the careful loader reads the same data."""
    fast = fast_data(text)
    if fast is not None:
        assert typed(fast[0]) == typed(parse_yaml(text, "case.yaml")), text


def test_text_that_starts_with_an_indicator_is_read_fast() -> None:
    """Inside a block scalar or a one-line quoted scalar, `*`, a backtick or `]` is text."""
    for text in [
        "summary: >-\n  the fix was\n  *verified* in production\n",
        "summary: |\n  run\n  `pip install --user`\n  ] closes nothing\n",
        "items:\n- text: >\n    one\n    `two`\n",
        "text: 'Found `{\"msg\": ` in the logs'\n",
        'text: "see: *this* and - `that`"\n',
    ]:
        assert fast_data(text) is not None, text
        assert_paths_agree_data(text)
    for text in [
        "a: x\n- *b\n",  # not in a scalar: an alias
        "a: |2\n  *x\n  *y\n",  # an indentation digit: not taken for a header
        "a: >\n    x\n  *y\n",  # less indented than the scalar's first line: a new node
        "- k: >\n  x\n  *y\n",  # not past the key's indentation: not the scalar's
        "a: ]\n",
    ]:
        assert fast_data(text) is None, text


def test_both_patterns_for_a_bad_block_header_find_the_same_texts() -> None:
    """The fast path's RE2 pattern finds the texts this rule, written with a lookahead, does."""
    rule = re.compile(r"(?:[:?-] |\n)[|>](?![-+]?[ \t]*(?:#|\n|\Z))")
    found = re2.compile(_BAD_BLOCK_HEADER)
    alphabet = ["|", ">", "1", "0", "+", "-", " ", "\t", "#", "\n", "x", ":"]
    for size in range(1, 5):
        for letters in itertools.product(alphabet, repeat=size):
            tail = "".join(letters)
            for text in (": " + tail, "\n" + tail, "- " + tail):
                assert bool(found.search(text)) == bool(rule.search(text)), text


def assert_paths_agree_data(text: str) -> None:
    fast = fast_data(text)
    assert fast is not None
    assert typed(fast[0]) == typed(parse_yaml(text, "case.yaml"))


def test_the_fast_parser_refuses_what_it_cannot_vouch_for() -> None:
    seed = next(t for t in _synth().generate(20, seed=3).values() if fast_data(t) is not None)
    for old, new in [
        ("severity: SEV", "severity: no\nx: SEV"),  # a boolean to YAML 1.1
        ("format: 2", "format: !!str 2"),  # a tag
        ("format: 2\n", "format: 2\nformat: 2\n"),  # a duplicate key
        ("format: 2\n", "format: 2\n---\n"),  # a second document
        ("summary: >-\n", "summary: >-1e3\n"),  # no block scalar header, to libyaml
        ("summary: >-\n", "summary: |x\n"),
        ("summary: >-\n", "summary: |2\n"),  # an indentation digit
        ("format: 2\n", "format: 2\n&\n"),  # an anchor without a name, not a scalar's line
        ("\n  text: ", "\n  &\n  text: "),  # the same, within an item
    ]:
        assert new != old and seed.count(old) >= 1
        assert fast_data(seed.replace(old, new, 1)) is None, new


# What start-up must not import: pydantic alone takes longer than the rest of it.
HEAVY = {"pydantic", "typer._adapters", "mkdocs", "jinja2", "rich", "ryml", "nexus_pm.models"}
# What reading valid records the fast way must not import: PyYAML and the careful loader are
# for texts the fast parser cannot vouch for, and the locator for problems.
CAREFUL = {"yaml", "nexus_pm.yamlsafe", "nexus_pm.locate"}


def modules_after(args: list[str], cwd: Path) -> tuple[str, set[str]]:
    """What `nexus-pm ARGS` printed, and every module it imported."""
    script = (
        "import sys\nfrom nexus_pm.cli import main\n"
        f"sys.argv = ['nexus-pm', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, check=True
    )
    return done.stdout, set(done.stderr.split())


@pytest.mark.parametrize(
    ("args", "shown"),
    [(["validate", "incidents"], "0 records valid\n"), (["--help"], "Usage: nexus-pm")],
    ids=["validate-empty-folder", "help"],
)
def test_start_up_loads_neither_models_nor_pydantic_nor_site(
    tmp_path: Path, args: list[str], shown: str
) -> None:
    (tmp_path / "incidents").mkdir()
    shown_out, loaded = modules_after(args, tmp_path)
    assert shown_out.startswith(shown)
    assert not {name.split(".")[0] for name in loaded} & HEAVY, HEAVY & loaded
    assert not HEAVY & loaded, HEAVY & loaded
    assert not CAREFUL & loaded, CAREFUL & loaded
    assert not any(name.startswith("nexus_pm.checks") for name in loaded)


def test_valid_records_read_fast_load_no_careful_loader(tmp_path: Path) -> None:
    """Records that link Dockerfile rules, all read the fast way, need no PyYAML to validate."""
    texts = _synth().generate(40, seed=17)
    (tmp_path / "incidents").mkdir()
    for name, text in texts.items():
        (tmp_path / "incidents" / name).write_text(text, encoding="utf-8")
    assert all(fast_data(text) is not None for text in texts.values())
    assert any("check: dockerfile/" in text for text in texts.values())
    shown, loaded = modules_after(["validate", "incidents"], tmp_path)
    assert shown == "40 records valid\n"
    assert "nexus_pm.checks.prover" in loaded
    assert not CAREFUL & loaded, CAREFUL & loaded
