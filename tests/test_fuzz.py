"""Fuzzing the loader and renderer: any text gives a valid model or a one-line NexusError."""

from __future__ import annotations

import contextlib
import copy
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from nexus_pm.errors import NexusError
from nexus_pm.loader import MAX_BYTES, Record, load_file, parse_incident
from nexus_pm.models import Incident
from nexus_pm.record_files import read_text
from nexus_pm.render import Renderer
from nexus_pm.yamlsafe import UNCARRIED

from .conftest import ROOT, SEED
from .yaml_paths import assert_paths_agree

# CI runs a fixed, modest number of examples; NEXUS_PM_FUZZ_EXAMPLES raises it
# for a long local run. No deadline: a slow shared machine is not a failure.
settings.register_profile(
    "nexus-fuzz",
    max_examples=int(os.environ.get("NEXUS_PM_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("nexus-fuzz")
PROBLEM = re.compile(r"^[^:\n]+:\d+: \S+: [^\n]+$")
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_DATA: dict[str, Any] = yaml.safe_load(SEED_TEXT)
RENDERER = Renderer(ROOT / "templates")

# Pieces of YAML syntax, valid and not, so that generated text reaches deep
# into the parser instead of failing on its first character.
TOKENS = [
    "{", "}", "[", "]", ":", ": ", ", ", "- ", "? ", "\n", "\n  ", "\n    ", "\t", " ",
    "&a ", "*a", "&b ", "*b", "<<: ", "!!str ", "!!int ", "!!float ", "!!binary ", "!!set ",
    "!!timestamp ", "!!python/object/apply:os.system ", "!!python/name:os.getcwd", "!custom ",
    "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "'", '"', "\\", "#", "|", ">-",
    "|+", "~", "null", "yes", "no", "on", ".inf", ".nan", "0x1F", "0o17", "1e3", "-5",
    "99999999999999999999", "2025-02-30", "2025-11-09T10:00:00Z", "12:30:00", "id", "title",
    "summary", "date", "severity", "services", "times", "started", "detected", "metrics",
    "total", "related", "symptom", "root_cause", "steps", "fix", "changes", "path", "before",
    "INC-0001", "SEV1", "voice-service", "\u00e9", "\u202e", "\U0001f680", "\ufeff", "\x00",
    "\x1b[31m", "\r\n", "\u2028", "{{ x }}", "<script>", "|", "`",
    # Format 2's own names and values.
    "format", "2", "status", "published", "draft", "timezone", "UTC", "PDT", "-07:00",
    "timeline", "at", "kind", "text", "who", "as_written", "2025-11-09 10:00", "14:54",
    "effort", "minutes", "impact", "figures", "errors", "output", "cause", "root_causes",
    "action_items", "ticket", "lessons", "groups", "items", "sections", "blocks", "table",
    "columns", "rows", "image", "links", "url", "incidents", "TODO", "javascript:alert(1)",
]  # fmt: skip


def check_load(text: str) -> Incident | None:
    """Load `text`; only a model or a well-formed NexusError may come out, the same from the
    fast path and the careful one."""
    assert_paths_agree(text)
    try:
        return parse_incident(text, "incidents/fuzz.yaml")
    except NexusError as exc:
        assert_well_formed(exc)
        return None


def assert_well_formed(exc: NexusError) -> None:
    assert exc.problems, f"a NexusError with no problem: {exc.message!r}"
    for problem in exc.problems:
        assert PROBLEM.match(str(problem)), str(problem)
        assert problem.line >= 1


# Line breaks other than \n, which Jinja's `indent` or Markdown would split on after escaping.
OTHER_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def check_render(incident: Incident, text: str) -> None:
    record = Record(path=Path("incidents/fuzz.yaml"), incident=incident, text=text)
    pages = RENDERER.site([record])
    assert f"incidents/{incident.id.lower()}.md" in pages
    for uri, page in pages.items():
        assert not OTHER_BREAKS.search(page), uri
        if page.startswith("---"):
            # MkDocs renders front matter its YAML reader refuses as Markdown.
            assert get_data(page)[1], f"{uri}: front matter MkDocs cannot read"


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@FUZZ
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    check_load(text)


@FUZZ
# Found by this test: PyYAML's own constructors failed with AttributeError
# and TypeError, which reached the user as tracebacks.
@example("!!timestamp ")
@example("!!set ~")
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=5), max_size=60).map("".join))
def test_yaml_token_soup(text: str) -> None:
    check_load(text)


yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=12) | st.sampled_from(sorted(SEED_DATA)), children, max_size=4
        )
    ),
    max_leaves=20,
)


@FUZZ
@given(yaml_values)
def test_arbitrary_yaml_documents(value: Any) -> None:
    incident = check_load(dump(value))
    assert incident is None or isinstance(incident, Incident)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside the seed, as keys and indexes."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def parent_and_key(data: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    return get(data, path[:-1]), path[-1]


MARKUP = ["<", ">", "&", "|", "`", "{{", "{%", "<!--", "\n", "\t", "\u202e", "#", "<script>"]
MARKUP += ["\r", "\x85", "\u2028", "\u2029", "\x80", "\ufffe", "??? ", "    ", "===", "---"]
strange_text = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8)
    | st.sampled_from(MARKUP),
    min_size=1,
    max_size=8,
).map("".join)
retyped = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.lists(st.integers(), max_size=2)
)


@st.composite
def seed_mutations(draw: st.DrawFn) -> str:
    data = copy.deepcopy(SEED_DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(data) or [("id",)]))
        parent, key = parent_and_key(data, path)
        action = draw(st.sampled_from(["drop", "retype", "inject", "replace"]))
        if action == "drop":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(retyped | st.dictionaries(st.text(max_size=5), st.integers()))
        elif isinstance(parent[key], str):
            old = parent[key]
            at = draw(st.integers(0, len(old)))
            new = draw(strange_text)
            parent[key] = old[:at] + new + old[at:] if action == "inject" else new
    text = dump(data)
    if draw(st.booleans()):
        # Duplicate one line: a repeated key, or a repeated list item.
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines) - 1))
        text = "".join(lines[: at + 1] + lines[at:])
    return text


def seed_without(*keys: str) -> str:
    return dump({key: value for key, value in SEED_DATA.items() if key not in keys})


@FUZZ
# Found by this test: a record without a severity (optional in format 2) failed to render
# the group pages, and one without lessons its own page.
@example(seed_without("severity"))
@example(seed_without("lessons"))
@given(seed_mutations())
def test_seed_mutations(text: str) -> None:
    incident = check_load(text)
    if incident is not None:
        check_render(incident, text)


@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(SEED_TEXT.encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        choice = draw(st.integers(0, 2))
        if choice == 0:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif choice == 1:
            data[at : at + draw(st.integers(1, 50))] = b""
        else:
            data[at:at] = draw(st.sampled_from([b"\xef\xbb\xbf", b"\r\n", b"\t", b"\x00", b"\xff"]))
    return bytes(data)


@FUZZ
@given(byte_mutations())
def test_byte_mutations_through_the_file_reader(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "incidents"
        folder.mkdir()
        path = folder / "fuzz.yaml"
        path.write_bytes(data)
        with contextlib.suppress(NexusError):  # refused as a file, before any YAML is read
            assert_paths_agree(read_text(path, root=folder))
        try:
            record = load_file(path, max_bytes=MAX_BYTES, root=folder)
        except NexusError as exc:
            assert_well_formed(exc)
            return
        check_render(record.incident, record.text)


# Where each strange text goes in the seed, with a timeline and impact figures added.
PLACES: dict[str, tuple[Any, ...]] = {
    "title": ("title",),
    "summary": ("summary",),
    "detection": ("detection",),
    "commander": ("commander",),
    "impact": ("impact", "text"),
    "figure": ("impact", "figures", 0, "value"),
    "trigger": ("cause", "trigger"),
    "event": ("timeline", 0, "text"),
    "who": ("timeline", 0, "who"),
    "as_written": ("timeline", 0, "as_written"),
    "action": ("action_items", 0, "text"),
    "priority": ("action_items", 0, "priority"),
    "section": ("sections", 0, "title"),
    "cell": ("sections", 1, "blocks", 0, "rows", 0, 0),
    "group": ("lessons", "groups", 0, "title"),
}


# Strange text a record may hold: what YAML cannot carry is refused, and tested above.
valid_text = strange_text.filter(lambda text: text.strip() and not UNCARRIED.search(text))


@FUZZ
@given(
    st.fixed_dictionaries({}, optional={key: valid_text for key in PLACES}),
    st.lists(valid_text, max_size=3),
)
def test_valid_records_with_strange_text_always_render(
    fields: dict[str, str], lessons: list[str]
) -> None:
    data = copy.deepcopy(SEED_DATA)
    data["timezone"] = "UTC"
    data["timeline"] = [{"at": "2025-11-09 10:00", "kind": "started", "text": "It broke."}]
    data["impact"]["figures"] = [{"label": "Failed requests", "value": "100 %"}]
    for key, text in fields.items():
        parent, name = parent_and_key(data, PLACES[key])
        parent[name] = text
    data["lessons"]["learned"] = lessons
    data["errors"][0]["output"] = fields.get("summary", "x")
    text = dump(data)
    incident = check_load(text)
    if incident is not None:
        check_render(incident, text)
