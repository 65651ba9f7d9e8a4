"""`nexus-pm new`: scripted and prompted drafts, safe names and ids, nothing ever lost.

Prompts are forced in CliRunner tests with `--input`, the documented switch that
makes `nexus-pm new` ask for missing values even when stdin is not a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nexus_pm import claim
from nexus_pm.errors import display_path
from nexus_pm.loader import parse_yaml
from nexus_pm.models import find_placeholders
from nexus_pm.new import PLACEHOLDER_SUMMARY, slugify, yaml_string
from nexus_pm.render import Renderer
from nexus_pm.validate import load_records
from nexus_pm.yamlsafe import UNCARRIED

from .conftest import CliInvoke
from .goldens import check_golden

GOLDEN = Path(__file__).parent / "golden" / "new"
OOM = ("new", "Voice service OOM", "--severity", "SEV2", "--service", "voice-service")
DAY = ("--date", "2026-11-27")


def golden(name: str, actual: str) -> None:
    """Compare with tests/golden/new/NAME; UPDATE_GOLDEN=1 rewrites it."""
    check_golden(GOLDEN / name, actual)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder, hidden ones included, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def console_script() -> list[str]:
    """The installed `nexus-pm` next to this interpreter, else `python -m nexus_pm`."""
    script = Path(sys.executable).parent / "nexus-pm"
    return [str(script)] if script.exists() else [sys.executable, "-m", "nexus_pm"]


def test_scripted_draft_matches_golden_and_validates(project: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke(*OOM, *DAY, "--no-input")
    assert result.stdout == "incidents/2026-11-27-voice-service-oom.yaml\n"
    text = (project / result.stdout.strip()).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/incident.schema.json\n")
    golden("voice-service-oom.yaml", text)
    records = {r.incident.id: r.incident for r in load_records([project / "incidents"])}
    draft = records["INC-0002"]
    assert (draft.title, draft.severity, draft.services) == (
        "Voice service OOM",
        "SEV2",
        ["voice-service"],
    )
    assert (draft.format, draft.status, draft.summary, draft.date.isoformat()) == (
        2,
        "draft",
        PLACEHOLDER_SUMMARY,
        "2026-11-27",
    )
    # A draft guides its author with TODO placeholders, which only a draft may hold.
    assert find_placeholders(draft)[:2] == ["summary", "timeline.0.text"]
    assert "timeline.2.text" in find_placeholders(draft)
    assert cli_invoke("validate").stdout == "2 records valid\n"


def test_every_option_lands_in_the_record(project: Path, cli_invoke: CliInvoke) -> None:
    out = cli_invoke(
        "new",
        "Auth tokens expired early",
        "--severity",
        "sev1",
        "--service",
        "auth",
        "--service",
        "api-gateway,auth",
        "--tag",
        "jwt",
        "--tag",
        "clock",
        "--author",
        "Ann O'Neil",
        "--author",
        "Ops team",
        "--summary",
        "Tokens expired\r\nafter 5 minutes.",
        "--status",
        "In-Review",
        "--related",
        "INC-0001",
        "--date",
        "2026-01-02",
        "--no-input",
    ).stdout.strip()
    [record] = [r for r in load_records([project / "incidents"]) if r.incident.id == "INC-0002"]
    i = record.incident
    assert record.path == project / out
    assert (i.severity, i.status, i.date.isoformat()) == ("SEV1", "in-review", "2026-01-02")
    assert (i.services, i.tags) == (["auth", "api-gateway"], ["jwt", "clock"])
    assert (i.authors, i.related.incidents) == (["Ann O'Neil", "Ops team"], ["INC-0001"])
    assert i.summary == "Tokens expired\nafter 5 minutes."
    # Past draft, the record gets only what was given: no guide sections, no TODO.
    assert find_placeholders(i) == []
    assert (i.timeline, i.impact, i.cause, i.fix, i.action_items, i.lessons) == (
        [],
        None,
        None,
        None,
        [],
        None,
    )
    values = [line for line in record.text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in values if "TODO" in line]


@pytest.mark.parametrize("status", ["in-review", "published"])
def test_past_draft_without_a_summary_fails_and_writes_nothing(
    status: str, project: Path, cli_invoke: CliInvoke
) -> None:
    # The summary would be the TODO placeholder, which a record past draft may not hold:
    # the rendered draft is checked before it is written, and refused as the loader
    # refuses such a record, naming the field.
    before = snapshot(project / "incidents")
    result = cli_invoke(*OOM, *DAY, "--status", status, "--no-input", exit_code=1)
    assert result.stdout == ""
    template = resources.files("nexus_pm").joinpath("templates", "incident.yaml.j2")
    assert result.stderr.splitlines() == [
        f"{display_path(Path(str(template)))} (rendered):11: summary: still a placeholder "
        f"(TODO) in a record that is {status}: write it, or set `status: draft`",
        "1 problem in 1 file",
    ]
    assert snapshot(project / "incidents") == before
    # With a summary it is written, and validates as it is.
    out = cli_invoke(*OOM, *DAY, "--status", status, "--summary", "It ran out.", "--no-input")
    [record] = [r for r in load_records([project / "incidents"]) if r.incident.id == "INC-0002"]
    assert (record.path, record.incident.status) == (project / out.stdout.strip(), status)


def test_a_note_names_the_day_when_no_date_is_given(project: Path, cli_invoke: CliInvoke) -> None:
    before = dt.date.today()
    result = cli_invoke(*OOM, "--no-input")
    days = {before, dt.date.today()}  # a run across midnight takes either day
    notes = {f"note: dated {day.isoformat()} (today); --date sets another day\n" for day in days}
    assert result.stderr in notes
    day = result.stderr.split()[2]
    assert result.stdout == f"incidents/{day}-voice-service-oom.yaml\n"
    assert cli_invoke(*OOM, *DAY, "--no-input").stderr == ""


def test_same_command_twice_makes_a_second_file(project: Path, cli_invoke: CliInvoke) -> None:
    first = cli_invoke(*OOM, *DAY, "--no-input").stdout.strip()
    before = (project / first).read_bytes()
    second = cli_invoke(*OOM, *DAY, "--no-input").stdout.strip()
    assert second == "incidents/2026-11-27-voice-service-oom-2.yaml"
    assert (project / first).read_bytes() == before
    ids = sorted(r.incident.id for r in load_records([project / "incidents"]))
    assert ids == ["INC-0001", "INC-0002", "INC-0003"]


def test_a_taken_name_is_never_overwritten(project: Path, cli_invoke: CliInvoke) -> None:
    # Even a file that is not a record, or a dangling symlink, keeps its name.
    incidents = project / "incidents"
    (incidents / "2026-11-27-voice-service-oom.yaml").write_text("# mine\n", encoding="utf-8")
    (incidents / "2026-11-27-voice-service-oom-2.yaml").symlink_to(project / "nowhere.yaml")
    (incidents / "2026-11-27-voice-service-oom-3.yml").write_text("# mine too\n", encoding="utf-8")
    out = cli_invoke(*OOM, *DAY, "--no-input").stdout.strip()
    assert out == "incidents/2026-11-27-voice-service-oom-4.yaml"
    assert (incidents / "2026-11-27-voice-service-oom.yaml").read_text(
        encoding="utf-8"
    ) == "# mine\n"
    assert not (project / "nowhere.yaml").exists()


def test_missing_values_exit_2_and_name_them_all(project: Path, cli_invoke: CliInvoke) -> None:
    before = snapshot(project / "incidents")
    result = cli_invoke("new", "--no-input", exit_code=2)
    assert result.stdout == ""
    golden("missing.txt", result.stderr)
    assert "TITLE, --severity, --service" in result.stderr
    some = cli_invoke("new", "Title only", "--service", "x", exit_code=2)
    assert "missing required values: --severity " in some.stderr
    assert snapshot(project / "incidents") == before


BAD = [
    ("severity", ["--severity", "SEV9"]),
    ("date", ["--date", "2026-02-30"]),
    ("date-format", ["--date", "27.11.2026"]),
    ("status", ["--status", "done"]),
    ("service", ["--service", "Voice Service!"]),
    ("tag", ["--tag", "UPPER"]),
    ("related-unknown", ["--related", "INC-0099"]),
    ("related-malformed", ["--related", "42"]),
    ("summary-empty", ["--summary", "   "]),
    ("author-newline", ["--author", "a\nb"]),
    ("incidents-dir-file", ["--incidents-dir", "mkdocs.yml"]),
    ("templates-dir", ["--templates-dir", "mkdocs.yml"]),
]


@pytest.mark.parametrize(("name", "extra"), BAD, ids=[b[0] for b in BAD])
def test_bad_values_exit_2_and_write_nothing(
    name: str, extra: list[str], project: Path, cli_invoke: CliInvoke
) -> None:
    before = snapshot(project / "incidents")
    result = cli_invoke(
        "new",
        "Fine title",
        "--severity",
        "SEV3",
        "--service",
        "svc",
        *extra,
        "--no-input",
        exit_code=2,
    )
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(project / "incidents") == before
    golden(f"bad-{name}.txt", result.stderr)


@pytest.mark.parametrize("title", ["!!!", "   ", "日本語", "line\nbreak", "bell\x07"])
def test_bad_titles_exit_2(title: str, project: Path, cli_invoke: CliInvoke) -> None:
    before = snapshot(project / "incidents")
    result = cli_invoke(
        "new", title, "--severity", "SEV3", "--service", "svc", "--no-input", exit_code=2
    )
    assert result.stderr.startswith("nexus-pm new: TITLE: ")
    assert snapshot(project / "incidents") == before


TRICKY = [
    "../../etc/passwd",
    "Voice: down # really 'quoted' \"double\" {braces} [brackets] & *star !tag | > % @ `tick`",
    "- list? no: key: value",
    "yes",
    "null",
    "2026-11-27",
    "0x1F",
    "ünïcödé — ✓ 😀 \u2028 \x85 \ufeff",
    "back\\slash\ttab",
]


@pytest.mark.parametrize("title", TRICKY)
def test_hostile_titles_round_trip_and_stay_inside(
    title: str, project: Path, cli_invoke: CliInvoke
) -> None:
    # `--` ends the options, so that a title may start with a dash.
    out = cli_invoke(
        "new", "--severity", "SEV4", "--service", "svc", *DAY, "--no-input", "--", title
    ).stdout
    path = (project / out.strip()).resolve()
    assert path.parent == (project / "incidents").resolve()
    assert path.name.startswith("2026-11-27-") and path.suffix == ".yaml"
    [record] = [r for r in load_records([project / "incidents"]) if r.incident.id == "INC-0002"]
    assert record.incident.title == title


def test_hostile_title_slug() -> None:
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Straße: Ünïcode") == "strae-unicode"
    assert len(slugify("word " * 40)) <= 60 and not slugify("word " * 40).endswith("-")


# No deadline: Hypothesis' default of 200 ms per example is wall time, which a
# loaded machine exceeds without the code being any slower.
@settings(deadline=None)
@given(st.text(max_size=200))
def test_yaml_string_reads_back_exactly(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return  # lone surrogates cannot be written to a file; `new` refuses them
    if UNCARRIED.search(value):
        return  # records may not hold these; `new` refuses them as control characters
    assert parse_yaml(f"key: {yaml_string(value)}\n", "x.yaml") == {"key": value}


def test_symlinked_incidents_dir_is_refused(
    project: Path, tmp_path: Path, cli_invoke: CliInvoke
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "linked").symlink_to(outside)
    result = cli_invoke(*OOM, "--incidents-dir", "linked", "--no-input", exit_code=2)
    assert "linked leads through the symlink linked" in result.stderr
    result = cli_invoke(*OOM, "--incidents-dir", "linked/sub", "--no-input", exit_code=2)
    assert "symlink linked" in result.stderr
    assert list(outside.iterdir()) == []


def test_missing_incidents_dir_is_created(project: Path, cli_invoke: CliInvoke) -> None:
    out = cli_invoke(*OOM, *DAY, "--incidents-dir", "fresh/incidents", "--no-input").stdout
    assert out == "fresh/incidents/2026-11-27-voice-service-oom.yaml\n"
    assert [r.incident.id for r in load_records([project / "fresh" / "incidents"])] == ["INC-0001"]


def test_prompts_ask_for_what_is_missing(project: Path, cli_invoke: CliInvoke) -> None:
    answers = "!!!\nKafka lag: consumers # stuck\nsev9\nsev1\nKafka Broker\nkafka, voice-servic\n"
    result = cli_invoke("new", *DAY, "--input", input=answers)
    assert result.stdout == "incidents/2026-11-27-kafka-lag-consumers-stuck.yaml\n"
    golden("prompts.txt", result.stderr)
    [record] = [r for r in load_records([project / "incidents"]) if r.incident.id == "INC-0002"]
    i = record.incident
    assert (i.title, i.severity, i.services) == (
        "Kafka lag: consumers # stuck",
        "SEV1",
        ["kafka", "voice-servic"],
    )


def test_prompts_offer_defaults(project: Path, cli_invoke: CliInvoke) -> None:
    # Enter takes the default: SEV3, and the service most records name.
    result = cli_invoke("new", "Slow search", "--input", input="\n\n")
    assert "[SEV3]" in result.stderr and "[voice-service]" in result.stderr
    assert "Known services: voice-service" in result.stderr
    [record] = [r for r in load_records([project / "incidents"]) if r.incident.id == "INC-0002"]
    assert (record.incident.severity, record.incident.services) == ("SEV3", ["voice-service"])


def test_only_missing_values_are_asked(project: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("new", "Slow search", "--service", "search", "--input", input="SEV4\n")
    assert "Title" not in result.stderr and "Services" not in result.stderr
    assert "Severity" in result.stderr


def test_no_terminal_means_no_prompts(project: Path, cli_invoke: CliInvoke) -> None:
    # CliRunner's stdin is not a terminal, so without --input nothing is asked.
    result = cli_invoke("new", input="Title\nSEV1\nsvc\n", exit_code=2)
    assert "missing required values: TITLE, --severity, --service" in result.stderr


def test_end_of_input_at_a_prompt_writes_nothing(project: Path, cli_invoke: CliInvoke) -> None:
    before = snapshot(project / "incidents")
    result = cli_invoke("new", "--input", input="A title\n", exit_code=130)
    assert result.stdout == ""
    assert "nothing was written" in result.stderr
    assert snapshot(project / "incidents") == before


def test_interrupt_while_writing_leaves_no_trace(
    project: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project / "incidents")

    def interrupted(*args: object) -> Path:
        assert any(name.endswith(".tmp") for name in os.listdir(project / "incidents"))
        raise KeyboardInterrupt

    monkeypatch.setattr(claim, "_link_free_name", interrupted)
    result = cli_invoke(*OOM, "--no-input", exit_code=130)
    assert result.stdout == ""
    assert snapshot(project / "incidents") == before


def test_no_temp_or_lock_files_are_left(project: Path, cli_invoke: CliInvoke) -> None:
    cli_invoke(*OOM, *DAY, "--no-input")
    names = sorted(os.listdir(project / "incidents"))
    assert names == [
        "2025-11-09-voice-service-no-module-named-uvicorn.yaml",
        "2026-11-27-voice-service-oom.yaml",
    ]


def test_id_reservation_skips_a_held_lock(project: Path, cli_invoke: CliInvoke) -> None:
    # A lock left by a run that was killed outright costs one id, never a clash.
    lock = project / "incidents" / ".INC-0002.lock"
    lock.write_text("1\n", encoding="utf-8")
    cli_invoke(*OOM, *DAY, "--no-input")
    assert lock.exists()
    assert sorted(r.incident.id for r in load_records([project / "incidents"])) == [
        "INC-0001",
        "INC-0003",
    ]


def test_id_taken_while_reserving_is_given_up(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another writer links INC-0002 just before this one's lock: the scan after
    # locking sees it, and this writer moves on to INC-0003.
    incidents = project / "incidents"
    seed = next(incidents.glob("*.yaml")).read_text(encoding="utf-8")
    real_scan = claim.scan
    calls = []

    def racing_scan(directory: Path) -> claim.Known:
        calls.append(directory)
        if len(calls) == 2:
            (incidents / "other.yaml").write_text(
                seed.replace("INC-0001", "INC-0002"), encoding="utf-8"
            )
        return real_scan(directory)

    monkeypatch.setattr(claim, "scan", racing_scan)
    lock, incident_id = claim._reserve_id(incidents)
    assert incident_id == "INC-0003"
    assert lock.name == ".INC-0003.lock" and not (incidents / ".INC-0002.lock").exists()
    lock.unlink()


def test_broken_records_still_hold_their_ids(project: Path, cli_invoke: CliInvoke) -> None:
    (project / "incidents" / "broken.yaml").write_text(
        "id: INC-0007\ntitle: [unclosed\n", encoding="utf-8"
    )
    out = cli_invoke(*OOM, *DAY, "--no-input").stdout.strip()
    assert '\nid: "INC-0008"\n' in (project / out).read_text(encoding="utf-8")


def test_two_processes_at_once_make_distinct_valid_records(project: Path) -> None:
    command = [*console_script(), *OOM, *DAY, "--no-input"]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    paths = sorted(out.strip() for out, _ in outs)
    assert paths == [
        "incidents/2026-11-27-voice-service-oom-2.yaml",
        "incidents/2026-11-27-voice-service-oom.yaml",
    ]
    records = load_records([project / "incidents"])
    assert sorted(r.incident.id for r in records) == ["INC-0001", "INC-0002", "INC-0003"]
    assert not [n for n in os.listdir(project / "incidents") if n.startswith(".")]


def test_many_processes_with_different_titles_get_distinct_ids(project: Path) -> None:
    procs = [
        subprocess.Popen(
            [
                *console_script(),
                "new",
                f"Outage number {n}",
                "--severity",
                "SEV3",
                "--service",
                "svc",
                "--no-input",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    ids = [r.incident.id for r in load_records([project / "incidents"])]
    assert sorted(ids) == [f"INC-{n:04d}" for n in range(1, 8)]


def test_new_record_is_rendered_into_the_index(project: Path, cli_invoke: CliInvoke) -> None:
    cli_invoke(*OOM, *DAY, "--no-input")
    pages = Renderer(project / "templates").site(load_records([project / "incidents"]))
    assert "incidents/inc-0002.md" in pages
    assert "[INC-0002: Voice service OOM](inc-0002.md)" in pages["incidents/index.md"]


def test_acceptance_build_in_a_copy(project: Path, cli_invoke: CliInvoke) -> None:
    first = cli_invoke(*OOM, "--no-input").stdout.strip()
    second = cli_invoke(*OOM, "--no-input").stdout.strip()
    assert first != second and (project / first).exists() and (project / second).exists()
    cli_invoke("validate")
    # Drafts are left out of a published build, and shown with --drafts.
    cli_invoke("build")
    index = (project / "site" / "incidents" / "index.html").read_text(encoding="utf-8")
    assert "INC-0001: Voice service down" in index and "INC-0002" not in index
    assert not (project / "site" / "incidents" / "inc-0002").exists()
    cli_invoke("build", "--drafts")
    index = (project / "site" / "incidents" / "index.html").read_text(encoding="utf-8")
    assert "INC-0002: Voice service OOM" in index and "INC-0003: Voice service OOM" in index
    page = (project / "site" / "incidents" / "inc-0003" / "index.html").read_text(encoding="utf-8")
    assert "This postmortem is a draft" in page


def write_editor(tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\nfrom pathlib import Path\npath = Path(sys.argv[1])\n" + body, encoding="utf-8"
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")


def test_edit_then_valid(
    project: Path, tmp_path: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_editor(
        tmp_path,
        "path.write_text(path.read_text().replace('TODO: replace', 'Filled in; replace'))\n",
        monkeypatch,
    )
    out = cli_invoke(*OOM, *DAY, "--no-input", "--edit").stdout.strip()
    assert "Filled in" in (project / out).read_text(encoding="utf-8")


def test_edit_then_invalid_keeps_the_file(
    project: Path, tmp_path: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_editor(
        tmp_path,
        "path.write_text(path.read_text().replace('severity: \"SEV2\"', 'severity: SEV9'))\n",
        monkeypatch,
    )
    result = cli_invoke(*OOM, *DAY, "--no-input", "--edit", exit_code=1)
    path = "incidents/2026-11-27-voice-service-oom.yaml"
    assert result.stdout == f"{path}\n"
    assert "severity: SEV9" in (project / path).read_text(encoding="utf-8")
    golden("edit-invalid.txt", result.stderr)


def test_edit_with_failing_editor_keeps_the_file(
    project: Path, tmp_path: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_editor(tmp_path, "sys.exit(3)\n", monkeypatch)
    result = cli_invoke(*OOM, *DAY, "--no-input", "--edit", exit_code=1)
    assert "Editing failed" in result.stderr and "is kept" in result.stderr
    assert (project / result.stdout.strip()).is_file()


def test_draft_passes_the_editor_schema(project: Path, cli_invoke: CliInvoke) -> None:
    # The first line points YAML editors at this schema: the draft must not show red there.
    schema = json.loads((project / "schemas" / "incident.schema.json").read_text(encoding="utf-8"))
    for status in ("draft", "published"):
        out = cli_invoke(
            *OOM, *DAY, "--tag", "oom", "--related", "INC-0001", "--status", status,
            "--summary", "It ran out of memory.", "--no-input",
        ).stdout  # fmt: skip
        data = parse_yaml((project / out.strip()).read_text(encoding="utf-8"), "draft")
        jsonschema.validate(data, schema)
