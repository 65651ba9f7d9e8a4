"""Rendered Markdown pinned as golden files, and the escaping filters."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import threading
from pathlib import Path

import markdown
import pytest
import yaml
from mkdocs.config import load_config

from nexus_pm.markdown import LANGUAGES, cell, escape, fence, inline, one, to_json
from nexus_pm.render import Renderer
from nexus_pm.validate import load_records

from .conftest import ROOT, SEED
from .goldens import check_tree

GOLDEN = Path(__file__).parent / "golden" / "pages"


def seed_pages() -> dict[str, str]:
    # A fixed day: the overview and follow-ups pages are dated.
    return Renderer(ROOT / "templates", today=dt.date(2026, 1, 1)).site(load_records([SEED.parent]))


def test_pages_match_golden() -> None:
    check_tree(GOLDEN, seed_pages())


# Set and dict order of strings follows the hash seed, which is fixed per process: two
# renders in one process would agree even if a page depended on it.
RENDER_SEED = (
    "import json, sys; from pathlib import Path; from nexus_pm.validate import load_records;"
    " from nexus_pm.render import Renderer;"
    " json.dump(Renderer().site(load_records([Path(a) for a in sys.argv[1:]])), sys.stdout)"
)
# The seed, and the records that set every field and none, with their services and tags.
RENDERED = (SEED.parent, ROOT / "tests" / "golden" / "full")


def test_rendering_is_deterministic() -> None:
    def render(seed: str) -> dict[str, str]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", RENDER_SEED, *map(str, RENDERED)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        pages: dict[str, str] = json.loads(done.stdout)
        return pages

    first = render("0")
    assert first == Renderer().site(load_records(list(RENDERED)))
    assert {"incidents/inc-0001.md", "incidents/inc-0102.md", "tags/volumes.md"} <= set(first)
    assert render("12345") == first


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


@pytest.mark.parametrize("language", ["c#", "x++", "java", "yaml", "console", "javascript", "x"])
def test_fence_shows_languages_not_known_to_be_linear_as_text(language: str) -> None:
    assert fence("a\n" * 3, language).startswith("```text\n")


def test_fence_keeps_known_languages_in_any_case() -> None:
    assert fence("pip install x", "bash").startswith("```bash\n")
    assert fence("import os", " Python ").startswith("```python\n")


# Runs of these made one lexer or another take seconds to minutes on 20,000 characters:
# `a\n` (c#, java), `a` (console, make), a backtick (yaml), `a:` and `a=` (ini), `a.`
# (javascript), `"a\` (go), `<?` (html, xml). The rest are a few more shapes of text.
PATHOLOGICAL = [
    "a\n",
    "a",
    "`",
    "a:",
    "a::",
    "a=",
    "a.",
    '"a\\',
    "<?",
    "(",
    "{",
    " ",
    "@",
    "\u00e9",
]
SIZE = 100_000
# Linear lexers take at most about a second on each input; the quadratic ones took 20 s
# and more. CPU time, not wall time: a busy machine makes a child wait, not work.
CPU_SECONDS_EACH = 6.0
HIGHLIGHT = """
import json, random, sys, time
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

lexer = get_lexer_by_name(sys.argv[1])
size = int(sys.argv[2])
rng = random.Random(1)
texts = [(unit * (size // len(unit) + 1))[:size] for unit in json.loads(sys.argv[3])]
texts.append("".join(rng.choice("ab \\n\\t\\"'`()[]{}<>/*#\\\\:.=-$@%!&|,;0x1") for _ in range(size)))
for text in texts:
    start = time.process_time()
    highlight(text, lexer, HtmlFormatter())
    cpu = time.process_time() - start
    print(json.dumps([text[:4], cpu]), flush=True)
    if cpu > float(sys.argv[4]):
        sys.exit(3)  # one slow input is enough to know
"""


def test_every_allowed_language_highlights_pathological_input_in_linear_time() -> None:
    from pygments.lexers import get_lexer_by_name

    # One child per lexer (aliases share one), all at once, each under a CPU limit.
    lexers = {type(get_lexer_by_name(name)).__name__: name for name in sorted(LANGUAGES)}
    limit = int(CPU_SECONDS_EACH * (len(PATHOLOGICAL) + 1)) + 5
    bound = str(CPU_SECONDS_EACH)

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))

    children = {
        name: subprocess.Popen(
            [sys.executable, "-c", HIGHLIGHT, name, str(SIZE), json.dumps(PATHOLOGICAL), bound],
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=bounded,
        )
        for name in lexers.values()
    }
    slow = {}
    for name, child in children.items():
        guard = threading.Timer(900, child.kill)  # a hang guard only; CPU time is the bound
        guard.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            guard.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        assert child.stdout is not None
        timings = [json.loads(line) for line in child.stdout.read().splitlines()]
        child.stdout.close()
        over = [(start, round(cpu, 2)) for start, cpu in timings if cpu > CPU_SECONDS_EACH]
        if child.returncode != 0 or len(timings) != len(PATHOLOGICAL) + 1 or over:
            cpu = usage.ru_utime + usage.ru_stime
            slow[name] = (child.returncode, f"{cpu:.1f}s", over or timings[-1:])
    assert slow == {}


# Every line break str.splitlines() knows, which Jinja's `indent` splits on; Markdown itself
# also reads a lone CR as one.
BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
# Lines Markdown or one of the site's extensions reads as the start of a block.
BLOCK_STARTS = [
    "??? note",
    "    indented",
    "\tindented",
    "===",
    "---",
    "| a | b |",
    "1. item",
    "- item",
    "+ item",
    "```",
    "~~~",
    "> quote",
    "# heading",
    "!!! danger",
    '=== "Tab"',
    "<details>",
    "[ ] task",
]
# Where records' text goes: an admonition's body through `indent`, a table cell, a list
# item, a paragraph.
PLACES = (
    "!!! note\n\n    {{ v | t | indent(4) }}\n\n| A |\n| --- |\n| {{ v | cell }} |\n\n"
    "- {{ v | one }}\n\n{{ v | text }}\n"
)


@pytest.mark.parametrize("brk", BREAKS, ids=[f"U+{ord(b[-1]):04X}" for b in BREAKS])
def test_no_kind_of_line_break_starts_a_markdown_block(brk: str) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    renderer = Renderer(ROOT / "templates")
    value = brk.join(["start", *BLOCK_STARTS])
    for convert in (escape, inline, one, cell):
        out = convert(value)
        assert out.splitlines() == out.split("\n"), convert.__name__
    assert fence(value).splitlines() == fence(value).split("\n")
    page = renderer.env.from_string(PLACES).render(v=value)
    md = markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )
    html = md.convert(page)
    tags = re.findall(r"<(\w+)", html)
    assert set(tags) == {"div", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "br"}
    # The admonition's title and body, and the last paragraph; one row; one item.
    assert (tags.count("p"), tags.count("tr"), tags.count("li")) == (3, 2, 1), html
