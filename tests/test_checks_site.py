"""The site shows which checklist items are enforced, linked to a generated Rules page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

from nexus_pm.checks.registry import RULES
from nexus_pm.render import Renderer
from nexus_pm.validate import load_records

from .conftest import ROOT

NEXUS_PM = Path(sys.executable).with_name("nexus-pm")


def pages() -> dict[str, str]:
    return Renderer(ROOT / "templates").site(load_records([ROOT / "incidents"]))


def test_rules_page_has_an_anchored_section_per_rule_with_its_incidents() -> None:
    rules = pages()["rules.md"]
    for rule_id, rule in RULES.items():
        anchor = re.sub(r"[^a-z0-9]+", "-", rule_id)
        assert f"\n## {rule_id} {{ #{anchor} }}\n" in rules
        assert f"**{rule.title}.**" in rules.replace("&#45;", "-")
    section = rules.split("## dockerfile/pip-user-install")[1].split("\n## ")[0]
    assert (
        "[INC-0001: Voice service down&#58; No module named uvicorn](incidents/inc-0001.md)"
        in section
    )
    assert "Install packages system-wide &#40;no --user&#41;" in section
    healthcheck = rules.split("## dockerfile/missing-healthcheck")[1].split("\n## ")[0]
    assert "No incident links this rule yet" in healthcheck


def test_checklist_items_say_whether_they_are_enforced() -> None:
    site = pages()
    incident = site["incidents/inc-0001.md"]
    assert (
        "- [ ] Install packages system-wide &#40;no --user&#41; — **enforced** by "
        "[<code>dockerfile/pip-user-install</code>](../rules.md#dockerfile-pip-user-install)"
    ) in incident
    assert "- [ ] Check logs for startup errors — manual" in incident
    checklist = site["checklist.md"]
    assert (
        "[<code>dockerfile/copy-from-root</code>](rules.md#dockerfile-copy-from-root)" in checklist
    )
    assert "- [ ] Test with non-root user — manual" in checklist


def test_strict_build_links_every_enforced_item_to_its_rule(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build = subprocess.run(
        [str(NEXUS_PM), "build", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    rules_html = (site / "rules" / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', rules_html))
    links = 0
    for page in ("incidents/inc-0001/index.html", "checklist/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]*rules/#[^"]+)"', html):
            target = urljoin(f"https://site.test/{page}", href)
            assert target.startswith("https://site.test/rules/#"), href
            assert target.split("#", 1)[1] in ids, href
            links += 1
    assert links == 6  # three enforced items, on the incident page and on the checklist
    # The Rules page is in the navigation.
    assert 'href="rules/"' in (site / "index.html").read_text(encoding="utf-8")
