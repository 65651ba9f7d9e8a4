"""`nexus-pm check`: load the records, scan the files, and report in the chosen format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import NexusError
from ..loader import Record
from .base import Rule
from .declared import Chooser
from .files import discover, load_config
from .links import IncidentRef, SiteSettings, incident_refs, site_settings
from .report import json_report, sarif_report, text_report
from .ruleset import build, load_shared
from .scan import Outcome, scan


class Format(StrEnum):
    """How findings are written."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


@dataclass(frozen=True)
class Run:
    """One check run and what its report needs."""

    outcome: Outcome
    refs: dict[str, list[IncidentRef]]
    site: SiteSettings
    rules: dict[str, Rule[Any]]


def run_check(
    paths: Sequence[Path],
    *,
    root: Path,
    load: Callable[[], Sequence[Record]],
    config_file: Path,
    site_url: str | None = None,
) -> Run:
    """Scan `paths` (default: `root`) against the rules that the records `load` returns link; raises NexusError for bad settings."""
    settings = site_settings(config_file, root)
    if site_url is not None:
        settings = replace(settings, site_url=site_url or None)
    # Records load after the settings are read, so a broken mkdocs.yml is reported first.
    records = load()
    shared, bad = load_shared(root)
    ruleset = build(records, shared)
    if bad or ruleset.problems:
        raise NexusError([*bad, *ruleset.problems])
    rules = ruleset.rules
    refs, guards = incident_refs(
        records, settings.site_url, directory_urls=settings.directory_urls, rules=rules
    )
    config = load_config(root)
    chosen = list(paths) or [root]
    choose = Chooser(ruleset.declared)
    files, problems = discover(
        chosen, root, config, (lambda rel: bool(choose(rel))) if choose else None
    )
    walked = [p for p in chosen if p.is_dir()]
    outcome = scan(files, refs, guards, root=root, walked=walked, config=config, rules=rules)
    outcome.errors = sorted(outcome.errors + problems)
    return Run(outcome, refs, settings, rules)


def render(result: Run, fmt: Format) -> str:
    if fmt is Format.JSON:
        return json_report(result.outcome)
    if fmt is Format.SARIF:
        return sarif_report(result.outcome, result.refs, result.site, result.rules)
    return text_report(result.outcome)
