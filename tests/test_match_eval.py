"""Error matching on the evaluation set: stacks and records the matcher's own test set lacks."""

from __future__ import annotations

from functools import cache

import pytest

from nexus_pm.seen import index_records
from nexus_pm.signatures import Index, match
from nexus_pm.validate import load_records

from .match_eval import CASES, EVAL_DIR, Case


@cache
def index() -> Index:
    return index_records(load_records([EVAL_DIR]))


def top(text: str) -> str | None:
    found = match(text, index())
    return found[0].incident if found else None


def test_the_records_are_thirty_incidents_with_an_error_or_two() -> None:
    records = load_records([EVAL_DIR])
    assert len(records) == 30
    assert all(1 <= len(record.incident.errors) <= 2 for record in records)
    # Every incident has pastes of its own errors.
    expected = {case.expected for case in CASES} - {None}
    assert expected == {record.incident.id for record in records}


@pytest.mark.parametrize("case", CASES, ids=[f"{n:02d}" for n in range(len(CASES))])
def test_each_paste_finds_its_incident_or_none(case: Case) -> None:
    assert top(case.text) == case.outcome, (case.note, match(case.text, index())[:2])


def _figures(cases: list[Case]) -> tuple[float, float, str]:
    right = wrong = missed = 0
    for case in cases:
        got = case.outcome
        right += got is not None and got == case.expected
        wrong += got is not None and got != case.expected
        missed += case.expected is not None and got != case.expected
    precision, recall = right / (right + wrong), right / (right + missed)
    shown = f"precision {precision:.2f} ({right}/{right + wrong}), recall {recall:.2f} ({right}/{right + missed})"
    return precision, recall, shown


def test_precision_and_recall_on_both_halves(capsys: pytest.CaptureFixture[str]) -> None:
    # The outcomes are pinned above; these are the figures they make, half by half.
    tuned = _figures([case for case in CASES if not case.held_out])
    held_out = _figures([case for case in CASES if case.held_out])
    with capsys.disabled():
        print(f"\nevaluation set, tuned half: {tuned[2]}; held-out half: {held_out[2]}")
    assert tuned[0] >= 0.9 and tuned[1] >= 0.95
    assert held_out[0] >= 0.8 and held_out[1] >= 0.95


def test_one_error_in_a_10000_line_log_is_found_on_its_line() -> None:
    logs = [case for case in CASES if case.note == "10,000-line log"]
    assert len(logs) == 2
    for case in logs:
        assert len(case.text.splitlines()) == 10_000
        found = match(case.text, index())
        assert (found[0].incident, found[0].line_no) == (case.expected, 6_422)
        # Nothing in the noise matches: retries, slow queries and GC pauses are no incident.
        assert {hit.line_no for hit in found} == {6_422}
