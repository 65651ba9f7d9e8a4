"""`nexus-pm new` driven through its prompts in a real pseudo-terminal, as a person would."""

from __future__ import annotations

import shlex
import signal
import time
from pathlib import Path

import pexpect
import pytest

from nexus_pm.validate import load_records

from .test_new import console_script, snapshot

# Only a guard against a hang (a prompt never shown): a loaded machine may take
# many seconds to start the child, so nothing here is timed more tightly.
HANG_SECONDS = 60


def spawn(project: Path, *args: str) -> pexpect.spawn:
    command, *rest = console_script()
    child = pexpect.spawn(
        command,
        [*rest, *args],
        cwd=str(project),
        encoding="utf-8",
        timeout=HANG_SECONDS,
        dimensions=(50, 200),
    )
    return child


def wait_until_reading(child: pexpect.spawn) -> None:
    """Wait until the child sleeps, as it does in the read() after showing a prompt.

    A SIGINT that lands after Python last checks for signals but before read() starts is
    only acted on once read() returns: the child would wait for input, not exit. A person
    never presses Ctrl-C that fast; so where /proc shows the state, wait for it.
    """
    stat = Path(f"/proc/{child.pid}/stat")
    if not stat.exists():
        time.sleep(0.5)
        return
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline:
        # The state follows the command name in parentheses, which may hold spaces.
        if stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0] == "S":
            return
        time.sleep(0.01)


def test_prompts_end_to_end(project: Path) -> None:
    child = spawn(project, "new", "--date", "2026-11-27")
    child.expect_exact("Title: ")
    child.sendline("   ")  # blank: asked again, silently
    child.expect_exact("Title: ")
    child.sendline("???")
    child.expect_exact("Error: '???' has no letters or digits to name the file after")
    child.expect_exact("Title: ")
    child.sendline('Voice service OOM: "worker" #2')
    child.expect_exact("SEV1  Critical")
    child.expect_exact("Severity (SEV1, SEV2, SEV3, SEV4) [SEV3]: ")
    child.sendline("SEV7")
    child.expect_exact("Error: 'SEV7' is not one of SEV1, SEV2, SEV3, SEV4")
    child.expect_exact("[SEV3]: ")
    child.sendline("sev2")
    child.expect_exact("Known services: voice-service")
    child.expect_exact("Services (comma-separated) [voice-service]: ")
    child.sendline("")  # the default
    child.expect_exact("incidents/2026-11-27-voice-service-oom-worker-2.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    [record] = [r for r in load_records([project / "incidents"]) if r.incident.id == "INC-0002"]
    i = record.incident
    assert (i.title, i.severity, i.services) == (
        'Voice service OOM: "worker" #2',
        "SEV2",
        ["voice-service"],
    )


@pytest.mark.parametrize("answered", [0, 1, 2], ids=["at-title", "at-severity", "at-services"])
def test_ctrl_c_at_a_prompt_leaves_incidents_unchanged(project: Path, answered: int) -> None:
    before = snapshot(project / "incidents")
    child = spawn(project, "new")
    prompts = ["Title: ", "[SEV3]: ", "[voice-service]: "]
    answers = ["Half-typed incident", "SEV2"]
    for prompt, answer in zip(prompts[:answered], answers, strict=False):
        child.expect_exact(prompt)
        child.sendline(answer)
    child.expect_exact(prompts[answered])
    wait_until_reading(child)
    child.sendintr()  # Ctrl-C, through the terminal's line discipline: a real SIGINT
    child.expect_exact("nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert snapshot(project / "incidents") == before


def test_sigint_signal_at_a_prompt(project: Path) -> None:
    before = snapshot(project / "incidents")
    child = spawn(project, "new", "Some title")
    child.expect_exact("[SEV3]: ")
    wait_until_reading(child)
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert snapshot(project / "incidents") == before


def test_command_substitution_gets_only_the_path(project: Path) -> None:
    # Prompts go to stderr, so $(nexus-pm new) captures the path and nothing else.
    command = shlex.join([*console_script(), "new", "--date", "2026-11-27"])
    child = pexpect.spawn(
        "bash",
        ["--norc", "--noprofile", "-c", f'p=$({command}); echo "captured=[$p]"'],
        cwd=str(project),
        encoding="utf-8",
        timeout=HANG_SECONDS,
    )
    child.expect_exact("Title: ")
    child.sendline("Disk full")
    child.expect_exact("[SEV3]: ")
    child.sendline("SEV4")
    child.expect_exact("[voice-service]: ")
    child.sendline("storage")
    child.expect_exact("captured=[incidents/2026-11-27-disk-full.yaml]")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
