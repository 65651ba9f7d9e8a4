"""Hostile records and Dockerfiles cannot drive the terminal or add links, images, HTML to SARIF."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

from nexus_pm.checks.escape import code_span, fence, markdown_text, plain

from .conftest import ROOT, SEED, CliInvoke

EVIDENCE = "incidents/evidence/voice-service/Dockerfile.broken"
# Clear the screen, set the window title, hide text, a C1 CSI, a bidi override, a bell.
NASTY = "\x1b[2J\x1bc\x1b]0;pwned\x07\x1b[8m\x9b31m\u202e\x7f"
# The loader refuses C0, C1 and DEL in records, so what a record can still carry to a
# terminal is bidi overrides and isolates; Dockerfiles and file names carry the rest.
RECORD_NASTY = "\u202e\u2066\u202a"
HOSTILE_TITLE = (
    "Down ![x](https://evil.example/i.png) [click](https://evil.example) "
    '<img src=x onerror=alert(1)> <a href="https://evil.example">a</a> '
    "https://evil.example/auto www.evil.example &lt;b&gt; *em* `tick` \\"
)
HOSTILE_CODE = (
    "RUN pip install --no-cache-dir -r requirements.txt\n"
    "```\n"
    "[link](https://evil.example)\n"
    "![img](https://evil.example/x.png)\n"
    '<img src="https://evil.example/y.png">\n'
    "~~~\n"
    "`````````\n"
    "USER nexus\n"
)


def hostile_record(title: str, fix_title: str, code: str, language: str) -> str:
    data: dict[str, Any] = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["title"] = title
    change = data["fix"]["changes"][0]
    change["title"] = fix_title
    change["after"]["code"] = code
    change["after"]["language"] = language
    # safe_dump writes control characters as double-quoted escapes, as YAML requires.
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1 << 20)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / "incidents").mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "incidents" / "evidence", root / "incidents" / "evidence")
    monkeypatch.chdir(root)
    monkeypatch.delenv("SITE_URL", raising=False)
    return root


def assert_inert(text: str) -> None:
    for char in ("\x1b", "\x07", "\x9b", "\u202e", "\x7f"):
        assert char not in text, (char, text[:2000])


def test_text_output_escapes_control_characters(repo: Path, cli_invoke: CliInvoke) -> None:
    # The after snippet is a Dockerfile, so it must still pass the rules: the escapes go in
    # a comment line.
    code = f"RUN pip install --no-cache-dir -r requirements.txt\n# {RECORD_NASTY}\nUSER nexus\n"
    record = hostile_record(f"Down {RECORD_NASTY}", f"Fixed {RECORD_NASTY}", code, "dockerfile")
    (repo / "incidents" / SEED.name).write_text(record, encoding="utf-8")
    dockerfile = (repo / EVIDENCE).read_text(encoding="utf-8")
    (repo / EVIDENCE).write_text(
        dockerfile.replace("USER nexus", f"USER nexus{NASTY}")
        + f"# nexus-pm: ignore[{NASTY}] {NASTY}\nEXPOSE 80\n",
        encoding="utf-8",
    )
    odd = repo / f"odd{NASTY}"
    odd.mkdir()
    (odd / "Dockerfile").write_text(f"{NASTY}\n", encoding="utf-8")
    result = cli_invoke("check", EVIDENCE, str(odd.relative_to(repo) / "Dockerfile"), exit_code=2)
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    # Escaped, not dropped: the reader still sees what the file holds.
    assert "(repeats INC-0001: Down \\u202e\\u2066\\u202a)" in result.stdout
    assert "    # \\u202e\\u2066" in result.stdout
    assert "unknown rule '\\x1b[2J" in result.stdout
    assert "odd\\x1b[2J" in result.stderr


def test_json_and_sarif_leave_no_raw_control_characters(repo: Path, cli_invoke: CliInvoke) -> None:
    record = hostile_record(
        f"Down {RECORD_NASTY}", f"Fixed {RECORD_NASTY}", f"RUN x\n# {RECORD_NASTY}\n", "text"
    )
    (repo / "incidents" / SEED.name).write_text(record, encoding="utf-8")
    result = cli_invoke("check", "--format", "json", EVIDENCE, exit_code=1)
    assert_inert(result.stdout)
    # The same data, written as \u escapes.
    assert (
        json.loads(result.stdout)["findings"][0]["incidents"][0]["title"] == f"Down {RECORD_NASTY}"
    )
    result = cli_invoke("check", "--format", "sarif", EVIDENCE, exit_code=1)
    assert_inert(result.stdout)
    message = json.loads(result.stdout)["runs"][0]["results"][0]["message"]["text"]
    assert message.endswith(f"(repeats INC-0001: Down {RECORD_NASTY})")


def test_a_record_holding_terminal_escapes_is_refused_without_echoing_them(
    repo: Path, cli_invoke: CliInvoke
) -> None:
    record = hostile_record(f"Down {NASTY}", "Fixed", "RUN x\n", "text")
    (repo / "incidents" / SEED.name).write_text(record, encoding="utf-8")
    result = cli_invoke("check", EVIDENCE, exit_code=2)
    assert_inert(result.stdout + result.stderr)
    assert "character U+001B (written as an escape): YAML cannot carry it" in result.stderr


class Tags(HTMLParser):
    """Every start tag in some HTML, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


SITE = "https://example.github.io/nexus-pm/incidents/inc-0001/"


def help_markdown(repo: Path, cli_invoke: CliInvoke, language: str) -> str:
    record = hostile_record(HOSTILE_TITLE, "Fixed", HOSTILE_CODE, language)
    (repo / "incidents" / SEED.name).write_text(record, encoding="utf-8")
    result = cli_invoke("check", "--format", "sarif", EVIDENCE, exit_code=1)
    rules = {r["id"]: r for r in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    text: str = rules["dockerfile/pip-user-install"]["help"]["markdown"]
    return text


# A language the record schema accepts but the SARIF fence does not take as its info string.
@pytest.mark.parametrize("language", ["text", "Docker_File.v2"])
def test_sarif_help_markdown_renders_no_link_image_or_html_from_records(
    repo: Path, cli_invoke: CliInvoke, language: str
) -> None:
    from markdown_it import MarkdownIt

    text = help_markdown(repo, cli_invoke, language)
    # CommonMark, as GitHub renders it.
    tokens = MarkdownIt("commonmark").parse(text)
    flat = [t for token in tokens for t in [token, *(token.children or [])]]
    assert [t.type for t in flat if t.type in ("html_block", "html_inline", "image")] == []
    assert [t.attrGet("href") for t in flat if t.type == "link_open"] == [SITE]
    fences = [t for t in tokens if t.type == "fence"]
    assert [t.content for t in fences] == [HOSTILE_CODE]
    assert [t.info for t in fences] == ["text"]  # the odd language is not the info string
    link_text = next(t for t in tokens if t.type == "inline" and t.content.startswith("["))
    shown = "".join(
        c.content for c in link_text.children or [] if c.type in ("text", "code_inline")
    )
    assert shown == f"INC-0001: {HOSTILE_TITLE}"
    # Python-Markdown, as MkDocs renders it: only the tags the help text itself makes.
    html = markdown.markdown(text, extensions=["fenced_code"])
    parser = Tags()
    parser.feed(html)
    assert {tag for tag, _ in parser.tags} <= {"p", "ul", "li", "a", "code", "pre"}
    assert [attrs.get("href") for tag, attrs in parser.tags if tag == "a"] == [SITE]


def test_a_language_that_would_unmake_the_fence_never_reaches_sarif(
    repo: Path, cli_invoke: CliInvoke
) -> None:
    # Format 1 took any language and the fence fell back to `text`; format 2 refuses it at load.
    language = "docker`file <img src=x>\n```"
    record = hostile_record(HOSTILE_TITLE, "Fixed", HOSTILE_CODE, language)
    (repo / "incidents" / SEED.name).write_text(record, encoding="utf-8")
    result = cli_invoke("check", "--format", "sarif", EVIDENCE, exit_code=2)
    assert '"runs"' not in result.stdout
    [problem] = [line for line in result.output.splitlines() if "fix.changes.0.after" in line]
    assert problem.startswith(f"incidents/{SEED.name}:")
    assert "fix.changes.0.after.language: String should match pattern" in problem
    assert problem.endswith(f"(got {language!r})")


def test_escapes_keep_plain_text_as_it_was() -> None:
    assert plain("FROM python:3.11 # ok") == "FROM python:3.11 # ok"
    assert plain("a\x1b[2Jb\x9b\u202ec\td\n") == "a\\x1b[2Jb\\x9b\\u202ec\\td\\n"
    assert markdown_text("Voice service down: No module named uvicorn") == (
        "Voice service down: No module named uvicorn"
    )
    assert markdown_text("[a](b) <i> & \\") == "\\[a\\]\\(b\\) &lt;i&gt; &amp; \\\\"
    assert code_span("Dockerfile") == "`Dockerfile`"
    assert code_span("a`b") == "``a`b``"
    assert code_span("`a") == "`` `a ``"
    assert fence("RUN x\n", "dockerfile") == "```dockerfile\nRUN x\n```"
    assert fence("```\n````", "a b") == "`````text\n```\n````\n`````"
