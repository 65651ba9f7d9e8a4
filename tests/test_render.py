"""Rendered Markdown pinned as golden files, and the escaping filters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from nexus_pm.loader import load_records
from nexus_pm.render import Renderer, cell, fence, inline, to_json

from .conftest import ROOT, SEED

GOLDEN = Path(__file__).parent / "golden" / "pages"


def seed_pages() -> dict[str, str]:
    return Renderer(ROOT / "templates").site(load_records([SEED.parent]))


def test_pages_match_golden() -> None:
    pages = seed_pages()
    if os.environ.get("UPDATE_GOLDEN"):
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for uri, text in pages.items():
            (GOLDEN / uri).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / uri).write_text(text, encoding="utf-8")
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_text("utf-8") for p in GOLDEN.rglob("*.md")}
    assert sorted(pages) == sorted(golden)
    for uri, text in pages.items():
        assert text == golden[uri], f"{uri} differs from its golden file; UPDATE_GOLDEN=1 to renew"


def test_rendering_is_deterministic() -> None:
    assert seed_pages() == seed_pages()


@pytest.mark.parametrize(
    ("text", "must_not_contain"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[click](javascript:alert(1))", "]("),
        ("{: onclick='alert(1)' }", "{:"),
        ("a | b", "|"),
        ("<!-- hidden", "<!--"),
        ("**bold** _em_ :smile:", "**"),
    ],
)
def test_inline_text_has_no_markup_left(text: str, must_not_contain: str) -> None:
    assert must_not_contain not in inline(text)
    assert must_not_contain not in cell(text)


def test_backtick_spans_become_escaped_code() -> None:
    assert inline("run `pip install --user`") == "run <code>pip install --user</code>"
    assert inline("`<b>`") == "<code>&#60;b&#62;</code>"


def test_fence_cannot_be_closed_by_its_content() -> None:
    block = fence("before\n````\nafter", "text")
    assert block.startswith("`````text\n") and block.endswith("\n`````")


def test_fence_rejects_odd_languages_and_quotes_titles() -> None:
    assert fence("x", 'bash" onload="x', 'a"b').startswith('```text title="a&quot;b"')


@pytest.mark.parametrize(
    "text", ["C1 \x80 ![x](data:x){:onerror=alert(1)}", "\x7f\x9f\ufffe\uffff", "\x85\u2028\u2029"]
)
def test_front_matter_values_read_back_as_written(text: str) -> None:
    # Raw, a C1 control or U+FFFE fails MkDocs' YAML reader, and NEL, LS and PS read as breaks.
    value = to_json(text)
    assert value.isascii() or not set(value) & set(text)
    assert yaml.load(f"title: {value}\n", Loader=yaml.CSafeLoader) == {"title": text}
