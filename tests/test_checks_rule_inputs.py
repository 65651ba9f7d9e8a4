"""Declared rules as bad and hostile input: one line per problem, and bounded work per file."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from nexus_pm.checks.declared import Lines, compile_rule, parse_documents
from nexus_pm.checks.registry import kind_for
from nexus_pm.checks.scan import check_text
from nexus_pm.record_rules import RuleSpec
from nexus_pm.rule_query import MISSING, check_glob, compare, parse_query, select

from .conftest import CliInvoke

FIXTURE = Path(__file__).parent / "fixtures" / "rules" / "repo"
RECORD = "2025-09-29-flags-connect-timeout.yaml"
REQUIRE = "require: database.connect_timeout_ms >= 1000"
QUERY = f"        query:\n          {REQUIRE}\n          missing: pass"

BAD_RULES = [
    (
        "bad-path",
        REQUIRE,
        "require: database..connect_timeout_ms >= 1000",
        "incidents/r.yaml:41: prevention.checklist.0.rule.query.require: at column 10: "
        "expected a key name (got 'database..connect_timeout_ms >= 1000')",
    ),
    (
        "bad-operator",
        REQUIRE,
        "require: database.connect_timeout_ms >== 1000",
        "incidents/r.yaml:41: prevention.checklist.0.rule.query.require: cannot read the value "
        "'= 1000': write a number, a \"quoted string\", true, false or null "
        "(got 'database.connect_timeout_ms >== 1000')",
    ),
    (
        "glob-leaves-repo",
        'files: ["config/*.toml", "services/*/config.toml"]',
        'files: ["../secrets/*.toml"]',
        "incidents/r.yaml:39: prevention.checklist.0.rule.files.0: glob '../secrets/*.toml' may "
        "not hold '..', '.' or an empty part: it must stay in the repo (got '../secrets/*.toml')",
    ),
    (
        "misses-its-before",
        REQUIRE,
        "require: database.connect_timeout_ms >= 100",
        "incidents/r.yaml:34: prevention.checklist.0.rule: rule config/db-connect-timeout does not "
        "flag the incident's before snippet (fix.changes.0.before); the lesson is not encoded",
    ),
    (
        "flags-its-after",
        REQUIRE,
        "require: database.connect_timeout_ms >= 5000",
        "incidents/r.yaml:34: prevention.checklist.0.rule: rule config/db-connect-timeout flags "
        "the incident's after snippet (fix.changes.0.after) at its line 5: the database "
        "connection timeout is too short to connect under load: database.connect_timeout_ms is "
        "1000; it must be >= 5000; the fix does not pass the rule",
    ),
    (
        "backtracking-regex",
        QUERY,
        '        regex: "(a+)+(?=b)"',
        "incidents/r.yaml:40: prevention.checklist.0.rule.regex: invalid regular expression "
        "(RE2 syntax): invalid perl operator: (?= (got '(a+)+(?=b)')",
    ),
    (
        "two-matchers",
        QUERY,
        QUERY + '\n        regex: "x"',
        "incidents/r.yaml:34: prevention.checklist.0.rule: give exactly one matcher: regex, query "
        "or dockerfile (got regex, query)",
    ),
    (
        "check-names-another-rule",
        "      rule:\n",
        "      check: config/other\n      rule:\n",
        "incidents/r.yaml:33: prevention.checklist.0: check names 'config/other' but the rule "
        "here is 'config/db-connect-timeout'",
    ),
]


@pytest.mark.parametrize(
    "old, new, expected", [c[1:] for c in BAD_RULES], ids=[c[0] for c in BAD_RULES]
)
def test_a_broken_inline_rule_fails_validate_at_its_line(
    old: str,
    new: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli_invoke: CliInvoke,
) -> None:
    text = (FIXTURE / "incidents" / RECORD).read_text(encoding="utf-8")
    assert text.count(old) == 1
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "r.yaml").write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli_invoke("validate", exit_code=1)
    assert result.stderr.splitlines()[:-1] == [expected]


def test_broken_rule_files_fail_validate_and_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    shutil.copytree(FIXTURE, tmp_path / "repo")
    repo = tmp_path / "repo"
    (repo / "rules" / "bad.yaml").write_text(
        'id: x/bad\ntitle: t\nmessage: m\nfix: f\nfiles: ["/etc/*"]\nregex: "a(b"\nextra: 1\n',
        encoding="utf-8",
    )
    (repo / "rules" / "clash.yaml").write_text(
        'id: dockerfile/root-user\ntitle: t\nmessage: m\nfix: f\nfiles: ["x"]\nregex: "x"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(repo)
    expected = [
        "rules/bad.yaml:5: files.0: glob '/etc/*' must be relative to the repo root",
        "rules/bad.yaml:6: regex: invalid regular expression (RE2 syntax): missing ): a(b",
        "rules/bad.yaml:7: extra: unknown field; a rule has id, title, message, severity, fix, "
        "files, regex, query, dockerfile, languages",
        "rules/clash.yaml:1: id: rule id 'dockerfile/root-user' is already defined as a built-in "
        "rule; give this rule its own id",
    ]
    assert cli_invoke("validate", exit_code=1).stderr.splitlines()[:-1] == expected
    # check loads the records through validate, so it stops on the same lines, with exit 2.
    assert cli_invoke("check", exit_code=2).stderr.splitlines()[: len(expected)] == expected


def test_queries_read_paths_tests_and_values() -> None:
    query = parse_query("spec.template.spec.containers[*].resources.limits exists")
    assert query.path == ("spec", "template", "spec", "containers", None, "resources", "limits")
    data = {"spec": {"template": {"spec": {"containers": [{"resources": {"limits": {}}}, {}]}}}}
    places = list(select(data, query.path))
    assert [(p, query.holds(v)) for p, v in places] == [
        (("spec", "template", "spec", "containers", 0, "resources", "limits"), True),
        (("spec", "template", "spec", "containers", 1), False),
    ]
    assert parse_query('metadata.annotations["app.kubernetes.io/name"] == "boskos"').path == (
        "metadata",
        "annotations",
        "app.kubernetes.io/name",
    )
    assert compare(300, ">=", 1000) is False and compare(1000.0, ">=", 1000) is True
    # Values of different types are never equal and never ordered: "1000" is no number.
    assert compare("1000", ">=", 1000) is False and compare(True, "==", 1) is False
    assert parse_query("a.b absent").holds(MISSING)
    for bad in ("", "a.b", "a.b >= [1]", "a.b ~= 1", "a[x] exists", "a.b >= true"):
        with pytest.raises(ValueError):
            parse_query(bad)


@pytest.mark.parametrize(
    "glob", ["k8s/**/*.yaml", "**/Dockerfile", ".github/workflows/*.yml", "config/*.{toml,json}"]
)
def test_globs_inside_the_repo_are_accepted(glob: str) -> None:
    assert check_glob(glob) == glob


@pytest.mark.parametrize(
    "glob", ["/etc/passwd", "../x", "a/../../b", "~/x", "C:/x", "a//b", "a/./b", "a\\b", "a[b"]
)
def test_globs_that_could_leave_the_repo_are_refused(glob: str) -> None:
    with pytest.raises(ValueError):
        check_glob(glob)


def _rule(**matcher: object) -> RuleSpec:
    return RuleSpec.model_validate(
        {"id": "t/t", "title": "t", "message": "m", "fix": "f", "files": ["**"], **matcher}
    )


def test_a_regex_that_would_backtrack_stays_linear_on_a_megabyte() -> None:
    # (a*)*b takes exponential time in a backtracking engine on a run of a's without a b.
    rule = compile_rule(_rule(regex="(a*)*b"), "t:1")
    lines = Lines.split("a" * (1024 * 1024 - 1), "f")
    start = time.process_time()
    assert rule.check(lines) == []
    assert time.process_time() - start < 1.0


def test_hostile_documents_are_errors_not_tracebacks() -> None:
    with pytest.raises(Exception) as deep:
        parse_documents("[" * 100_000 + "]" * 100_000, "x.json")
    assert type(deep.value).__name__ == "ParseError"
    for text, name in (
        ("a: &x 1\nb: *x\n", "x.yaml"),
        ("!!python/object:os.system {}", "x.yaml"),
        ("a = [", "x.toml"),
    ):
        with pytest.raises(Exception) as bad:
            parse_documents(text, name)
        assert type(bad.value).__name__ == "ParseError", text


def test_a_wildcard_query_over_a_large_document_is_bounded() -> None:
    rule = compile_rule(_rule(query={"require": "*.*.x exists"}), "t:1")
    data = {f"k{i}": {f"j{j}": {} for j in range(100)} for i in range(199)}
    docs = parse_documents(json.dumps(data), "x.json")
    start = time.process_time()
    found = rule.check(docs)
    assert 0 < len(found) <= 19_900
    assert time.process_time() - start < 1.0


def test_a_dockerfile_matcher_reads_substituted_arguments() -> None:
    rule = compile_rule(
        _rule(dockerfile={"instruction": "copy", "flags": {"from": ".*"}, "arguments": r"^/root/"}),
        "t:1",
    )
    kind = kind_for("Dockerfile")
    assert kind is not None
    text = "FROM a AS b\nFROM c\nARG HOME=/root\nCOPY --from=b ${HOME}/.local /usr/local\nCOPY x /root/y\n"
    assert [f.line for f in check_text(text, "Dockerfile", None, [rule])] == [4]


BUILTIN_VARIANTS = [
    (
        "FROM python AS builder\nRUN pip install --user x\nFROM python\nARG APP_HOME=/root\n"
        "COPY --from=builder ${APP_HOME}/.local /usr/local\nUSER app\n",
        {("dockerfile/copy-from-root", 5), ("dockerfile/pip-user-install", 2)},
    ),
    (
        "FROM python\nENV APP_HOME=/root\nENV PYTHONUSERBASE=$APP_HOME/.local\nUSER app\n",
        {("dockerfile/env-path-root", 3)},
    ),
    # An ARG ends with its stage; ENV goes on into stages built on it.
    (
        "FROM python AS base\nENV HOME_DIR=/root\nFROM base\nENV PATH=${HOME_DIR}/.local/bin:$PATH\nUSER app\n",
        {("dockerfile/env-path-root", 4)},
    ),
    ("FROM python\nENV APP_HOME=/home/app\nENV PYTHONUSERBASE=$APP_HOME/.local\nUSER app\n", set()),
]


@pytest.mark.parametrize("text, expected", BUILTIN_VARIANTS)
def test_builtin_rules_follow_arg_and_env_substitution(
    text: str, expected: set[tuple[str, int]]
) -> None:
    kind = kind_for("Dockerfile")
    assert kind is not None
    found = {(f.rule, f.line) for f in check_text(text, "Dockerfile", kind)}
    assert found - {("dockerfile/missing-healthcheck", n) for n in range(9)} == expected


def test_arithmetic_shift_is_no_heredoc() -> None:
    kind = kind_for("Dockerfile")
    assert kind is not None
    text = "FROM python\nRUN echo $((1<<SHIFT))\nRUN pip install --user x\nUSER app\n"
    assert ("dockerfile/pip-user-install", 3) in {
        (f.rule, f.line) for f in check_text(text, "Dockerfile", kind)
    }
    # A real heredoc still opens at the start of a word, and its body is no instruction.
    heredoc = "FROM python\nRUN <<EOF\nUSER root\nEOF\nUSER app\nHEALTHCHECK CMD true\n"
    assert check_text(heredoc, "Dockerfile", kind) == []
