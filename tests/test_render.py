"""Rendered Markdown pinned as golden files, and the escaping filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexus_pm.loader import load_records
from nexus_pm.render import Renderer, cell, fence, inline

from .conftest import ROOT, SEED
from .goldens import check_tree

GOLDEN = Path(__file__).parent / "golden" / "pages"


def seed_pages() -> dict[str, str]:
    return Renderer(ROOT / "templates").site(load_records([SEED.parent]))


def test_pages_match_golden() -> None:
    check_tree(GOLDEN, seed_pages())


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
