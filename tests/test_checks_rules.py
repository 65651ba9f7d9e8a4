"""Dockerfile rules on small Dockerfiles: what each flags, what it lets pass, and why."""

from __future__ import annotations

import string
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nexus_pm.checks.base import ParseError
from nexus_pm.checks.context import final_user
from nexus_pm.checks.registry import RULES, kind_for
from nexus_pm.checks.scan import check_text
from nexus_pm.checks.stages import parse, parse_snippet

from .conftest import SEED

DOCKERFILE = kind_for("Dockerfile")
assert DOCKERFILE is not None


def findings(text: str) -> list[tuple[int, str]]:
    """(line, rule id) of every finding on a Dockerfile's text."""
    return [
        (f.line, f.rule) for f in check_text(dedent(text).lstrip("\n"), "Dockerfile", DOCKERFILE)
    ]


def rules_hit(text: str) -> set[str]:
    return {rule for _, rule in findings(text)}


# The rules that judge what `--user` installs do to a non-root image.
USER_RULES = {
    "dockerfile/pip-user-install",
    "dockerfile/copy-from-root",
    "dockerfile/env-path-root",
}

CLEAN = """
    FROM python:3.11-slim AS builder
    RUN pip install --no-cache-dir -r requirements.txt
    FROM python:3.11-slim
    COPY --from=builder /usr/local /usr/local
    USER nexus
    HEALTHCHECK CMD python -c "print(1)"
    CMD ["uvicorn", "app.main:app"]
"""


def test_a_clean_multi_stage_file_passes_every_rule() -> None:
    assert findings(CLEAN) == []


def test_the_incident_pattern_is_flagged_on_the_lines_that_carry_it() -> None:
    text = """
        FROM python:3.11-slim AS builder
        RUN pip install --user -r requirements.txt
        FROM python:3.11-slim
        COPY --from=builder /root/.local /root/.local
        USER nexus
        ENV PATH=/root/.local/bin:$PATH PYTHONUSERBASE=/root/.local
        HEALTHCHECK CMD true
        CMD ["python", "-m", "uvicorn", "app.main:app"]
    """
    assert findings(text) == [
        (2, "dockerfile/pip-user-install"),
        (4, "dockerfile/copy-from-root"),
        (6, "dockerfile/env-path-root"),
        (6, "dockerfile/env-path-root"),
    ]


@pytest.mark.parametrize(
    "run",
    [
        "pip install --user uvicorn",
        "pip3 install --user uvicorn",
        "pip3.11 install --no-cache-dir --user uvicorn",
        "python -m pip install --user uvicorn",
        "/usr/local/bin/python3 -m pip install --user uvicorn",
        "apt-get update && pip install --user uvicorn && rm -rf /tmp/x",
        "PIP_USER=1 pip install uvicorn",
        "env PIP_USER=yes pip install uvicorn",
        '["pip", "install", "--user", "uvicorn"]',
        "set -e; \\\n    pip install \\\n      --user uvicorn",
    ],
)
def test_every_spelling_of_a_user_install_is_caught(run: str) -> None:
    text = (
        f"FROM python AS b\nRUN {run}\nFROM python\nCOPY --from=b /usr/local /usr/local\nUSER app\n"
    )
    assert "dockerfile/pip-user-install" in rules_hit(text)


@pytest.mark.parametrize(
    "run",
    [
        "pip install uvicorn",
        "pip download --user-agent x uvicorn",
        "pip uninstall --user-data x",
        "echo pip install --user",
        "pip list --user",
        "PIP_USER=0 pip install uvicorn",
    ],
)
def test_system_installs_and_other_commands_pass(run: str) -> None:
    text = (
        f"FROM python AS b\nRUN {run}\nFROM python\nCOPY --from=b /usr/local /usr/local\nUSER app\n"
    )
    assert "dockerfile/pip-user-install" not in rules_hit(text)


def test_pip_user_set_by_env_counts_for_later_installs_in_the_stage() -> None:
    text = """
        FROM python AS b
        ENV PIP_USER=true
        RUN pip install uvicorn
        FROM python
        COPY --from=b /usr/local /usr/local
        USER app
    """
    assert findings(text)[:1] == [(3, "dockerfile/pip-user-install")]


def test_a_user_install_only_matters_when_it_reaches_a_non_root_image() -> None:
    # The builder's files never reach the final image: it copies from another stage.
    unused = """
        FROM python AS scratchpad
        RUN pip install --user black
        FROM python AS builder
        RUN pip install uvicorn
        FROM python
        COPY --from=builder /usr/local /usr/local
        USER app
    """
    assert "dockerfile/pip-user-install" not in rules_hit(unused)
    # The same install in an image that stays root is not this incident.
    as_root = 'FROM python\nRUN pip install --user uvicorn\nCMD ["x"]\n'
    assert not rules_hit(as_root) & USER_RULES


def test_files_reach_the_final_image_through_chains_of_stages() -> None:
    text = """
        FROM python AS deps
        RUN pip install --user uvicorn
        FROM deps AS build
        RUN true
        FROM python AS collect
        COPY --from=build /usr/local /usr/local
        FROM python
        COPY --from=2 /usr/local /usr/local
        USER 1000
    """
    assert (2, "dockerfile/pip-user-install") in findings(text)


def test_installing_as_the_runtime_user_into_its_own_home_passes() -> None:
    text = """
        FROM python
        RUN useradd app
        USER app
        RUN pip install --user uvicorn
        ENV PATH=/home/app/.local/bin:$PATH
    """
    assert not rules_hit(text) & USER_RULES


def test_the_final_user_is_inherited_from_the_stage_it_builds_on() -> None:
    df = parse("FROM python AS base\nUSER app\nFROM base AS final\nRUN true\n", "Dockerfile")
    assert final_user(df) == ("app", 2)
    assert final_user(parse("FROM python\nUSER app\nFROM python\n", "Dockerfile")) == (None, None)


def test_copying_into_root_from_a_stage_is_flagged_too() -> None:
    text = "FROM python AS b\nFROM python\nCOPY --from=b /opt/venv /root/venv\nUSER app\n"
    assert (3, "dockerfile/copy-from-root") in findings(text)
    build_context = "FROM python\nCOPY root/ /srv/root/\nUSER app\n"
    assert "dockerfile/copy-from-root" not in rules_hit(build_context)


def test_paths_that_merely_start_with_root_are_not_root_home() -> None:
    text = "FROM python AS b\nFROM python\nCOPY --from=b /rootfs/bin /usr/local/bin\nENV PATH=/rootfs/bin:$PATH\nUSER app\n"
    assert not rules_hit(text) & USER_RULES


def test_env_with_a_trailing_comment_is_still_read() -> None:
    text = "FROM python\nUSER app\nENV PATH=/root/.local/bin:$PATH  # nexus cannot read this\n"
    assert (3, "dockerfile/env-path-root") in findings(text)


def test_env_in_legacy_form_and_pythonpath_are_read() -> None:
    assert (3, "dockerfile/env-path-root") in findings(
        "FROM python\nUSER app\nENV PYTHONPATH /srv:/root/lib\n"
    )


@pytest.mark.parametrize(
    ("tail", "line"),
    [("", 1), ("USER root\n", 2), ("USER 0:0\n", 2), ("USER app\nUSER root:root\n", 3)],
)
def test_a_final_stage_that_runs_as_root_is_flagged(tail: str, line: int) -> None:
    assert (line, "dockerfile/root-user") in findings("FROM python\n" + tail)


def test_only_the_final_stage_user_counts_for_root_user() -> None:
    assert "dockerfile/root-user" in rules_hit("FROM python AS b\nUSER app\nFROM python\n")
    assert "dockerfile/root-user" not in rules_hit("FROM python AS b\nFROM python\nUSER app\n")


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ('CMD ["serve"]\n', 3),
        ("EXPOSE 80\n", 3),
        ('EXPOSE 80\nENTRYPOINT ["serve"]\n', 4),
        ('HEALTHCHECK NONE\nCMD ["serve"]\n', 3),
    ],
)
def test_a_service_image_without_a_healthcheck_is_flagged(body: str, line: int) -> None:
    assert (line, "dockerfile/missing-healthcheck") in findings("FROM python\nUSER app\n" + body)


def test_images_without_a_service_need_no_healthcheck() -> None:
    assert "dockerfile/missing-healthcheck" not in rules_hit("FROM python\nUSER app\nRUN make\n")
    inherited = "FROM python AS base\nHEALTHCHECK CMD true\nFROM base\nUSER app\nCMD x\n"
    assert "dockerfile/missing-healthcheck" not in rules_hit(inherited)


def test_heredoc_bodies_are_read_as_part_of_their_run() -> None:
    text = """
        FROM python AS b
        RUN <<EOF
        set -e
        pip install --user uvicorn
        EOF
        FROM python
        COPY --from=b /usr/local /usr/local
        USER app
    """
    assert (2, "dockerfile/pip-user-install") in findings(text)


def test_one_line_may_open_several_heredocs() -> None:
    # BuildKit reads both bodies, one after the other; neither is an instruction.
    builder = ["FROM python AS b", "RUN <<-'ONE' <<TWO", "\tset -e", "\tONE"]
    builder += ["pip install --user uvicorn", "TWO"]
    runtime = ["FROM python", "COPY --from=b /usr/local /usr/local", "USER app"]
    assert (2, "dockerfile/pip-user-install") in findings("\n".join(builder + runtime) + "\n")
    df = parse("FROM python\nRUN <<A <<B\nUSER root\nA\nUSER root\nB\nUSER app\n", "Dockerfile")
    assert [i.keyword for i in df.final.instructions] == ["RUN", "USER"]


def test_a_here_string_is_not_a_heredoc() -> None:
    df = parse('FROM python\nRUN cat <<< "x"\nUSER app\n', "Dockerfile")
    assert [i.keyword for i in df.final.instructions] == ["RUN", "USER"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "no FROM instruction"),
        ("# just a comment\n", 1, "no FROM instruction"),
        ("RUN true\nFROM python\n", 1, "RUN before the first FROM"),
        ("FROM python\nRUNN true\n", 2, "unknown instruction 'RUNN'"),
        ("FROM\n", 1, "FROM names no image"),
        ("FROM python builder\n", 1, "FROM expects 'image [AS name]'"),
        ("FROM python\nRUN <<EOF\necho\n", 2, "heredoc <<EOF is never closed"),
    ],
)
def test_files_docker_could_not_build_are_parse_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text, "Dockerfile")
    assert (caught.value.line, caught.value.message[: len(message)]) == (line, message)


def test_arg_before_from_is_allowed() -> None:
    assert findings("ARG BASE=python\nFROM $BASE\nUSER app\n") == []


def test_snippets_split_into_stages_at_stage_comments() -> None:
    df = parse_snippet(
        "# Stage 1: Builder\nRUN pip install --user x  # ❌ no\n\n# Stage 2: Runtime\nUSER nexus\n",
        "before",
    )
    assert [(s.name, [i.keyword for i in s.instructions]) for s in df.stages] == [
        ("builder", ["RUN"]),
        ("runtime", ["USER"]),
    ]
    # The trailing remark is the snippet's, not part of the instruction.
    assert df.stages[0].instructions[0].args == ("pip", "install", "--user", "x")
    assert df.fragment


def test_a_snippet_without_stage_comments_is_one_stage() -> None:
    df = parse_snippet("RUN true\nUSER app\n", "after")
    assert len(df.stages) == 1 and final_user(df) == ("app", 2)


def test_the_seed_snippets_prove_exactly_the_linked_rules() -> None:
    import yaml

    change = yaml.safe_load(SEED.read_text(encoding="utf-8"))["fix"]["changes"][0]
    before = parse_snippet(change["before"]["code"], "before")
    after = parse_snippet(change["after"]["code"], "after")
    flagged = {rid for rid, rule in RULES.items() if rule.check(before)}
    passing = {rid for rid, rule in RULES.items() if not rule.check(after)}
    assert flagged & passing == USER_RULES
    # A fragment has no HEALTHCHECK either side, so that rule cannot be proved on it.
    assert "dockerfile/missing-healthcheck" not in passing


dockerfile_text = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "FROM python AS b",
                "FROM b",
                "USER app",
                "USER root",
                "RUN pip install --user x",
                "COPY --from=b /root/.local /root/.local",
                "ENV PATH=/root/x:$PATH",
                "CMD x",
                "HEALTHCHECK NONE",
                "RUN <<EOF",
                "EOF",
                "ENV",
                "COPY --from=",
                "# nexus-pm: ignore[x]",
                "RUN a \\",
                'ENV A="b',
                "ARG X",
                "FROM",
                "EXPOSE",
            ]
        ),
        st.text(alphabet=string.printable + "é✅\t", max_size=40),
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(dockerfile_text)
def test_any_text_gives_findings_or_a_parse_error_never_a_crash(text: str) -> None:
    try:
        found = check_text(text, "Dockerfile", DOCKERFILE)
    except ParseError as exc:
        assert exc.line >= 1 and exc.message
        return
    assert all(f.line >= 1 and f.rule in RULES for f in found)


@settings(max_examples=300, deadline=None)
@given(dockerfile_text)
def test_any_snippet_runs_every_rule_or_is_a_parse_error(text: str) -> None:
    try:
        parsed = parse_snippet(text, "snippet")
    except ParseError as exc:
        assert exc.line >= 1 and exc.message
        return
    for rule in RULES.values():
        assert all(f.path == "snippet" for f in rule.check(parsed))
