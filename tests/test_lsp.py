"""The JSON Schema in VS Code's YAML extension: the real yaml-language-server, driven over stdio."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from nexus_pm.init import EXAMPLE_STEM, SCHEMA, Plan, initialise

from .components import need, node_prefix
from .conftest import ROOT

SERVER = Path("node_modules", "yaml-language-server", "bin", "yaml-language-server")
#: A liveness bound on each wait for the server: a hang fails the test instead of blocking CI.
REPLY_TIMEOUT = 60.0
MODELINE = "# yaml-language-server: $schema="

Message = dict[str, Any]


def server_command() -> list[str]:
    node = shutil.which("node")
    server = node_prefix() / SERVER
    problem = (
        "no `node` on PATH"
        if node is None
        else f"{server} is missing (run .ci/node-setup.sh)"
        if not server.is_file()
        else ""
    )
    need("yaml-language-server", not problem, problem)
    assert node is not None
    return [node, str(server), "--stdio"]


def _read_messages(stream: BinaryIO, inbox: queue.Queue[Message | None]) -> None:
    """Parse Content-Length framed JSON-RPC messages until the stream ends."""
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                inbox.put(None)
                return
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        assert length is not None, "a message without Content-Length"
        inbox.put(json.loads(stream.read(length).decode("utf-8")))


class Client:
    """A minimal LSP client: it frames requests and answers what the server asks."""

    def __init__(self, process: subprocess.Popen[bytes], settings: Message, log: Path) -> None:
        self.process = process
        self.log = log
        self.settings = settings
        self.next_id = 0
        self.inbox: queue.Queue[Message | None] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(
            target=_read_messages, args=(process.stdout, self.inbox), daemon=True
        ).start()

    def send(self, message: Message) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Message) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Message) -> Any:
        self.next_id += 1
        number = self.next_id
        self.send({"id": number, "method": method, "params": params})
        reply = self.receive(
            lambda message: message.get("id") == number and "method" not in message
        )
        assert "error" not in reply, reply
        return reply.get("result")

    def receive(self, wanted: Callable[[Message], bool]) -> Message:
        """The next message `wanted` accepts; the server's own requests are answered meanwhile."""
        while True:
            try:
                message = self.inbox.get(timeout=REPLY_TIMEOUT)
            except queue.Empty:
                pytest.fail(
                    f"yaml-language-server sent nothing for {REPLY_TIMEOUT:.0f} s{self._said()}"
                )
            if message is None:
                pytest.fail(
                    f"yaml-language-server exited (code {self.process.wait()}){self._said()}"
                )
            if "method" in message and "id" in message:
                self._answer(message)
            elif wanted(message):
                return message

    def _said(self) -> str:
        """The end of what the server wrote to stderr, to explain a failure."""
        said = self.log.read_text("utf-8", errors="replace")[-2000:]
        return f"; its stderr:\n{said}" if said else ""

    def _answer(self, message: Message) -> None:
        result: Any = None
        if message["method"] == "workspace/configuration":
            sections = [item.get("section") for item in message["params"]["items"]]
            result = [
                self.settings.get(section) if section else self.settings for section in sections
            ]
        self.send({"id": message["id"], "result": result})

    def diagnostics(self, path: Path, text: str) -> list[Message]:
        """Open `path` holding `text`; the diagnostics the server publishes for it."""
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        published = self.receive(
            lambda message: (
                message.get("method") == "textDocument/publishDiagnostics"
                and message["params"]["uri"] == uri
            )
        )
        found: list[Message] = published["params"]["diagnostics"]
        return found


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[[Path, Message], Client]]:
    """Start yaml-language-server on a workspace folder, configured as VS Code would."""
    command = server_command()
    started: list[subprocess.Popen[bytes]] = []

    def start(folder: Path, yaml_settings: Message) -> Client:
        log = tmp_path / f"server-{len(started)}.stderr"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=tmp_path
            )
        started.append(process)
        settings = {"yaml": {"validate": True, **yaml_settings}}
        client = Client(process, settings, log)
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": folder.as_uri(),
                "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}],
                "capabilities": {
                    "textDocument": {"publishDiagnostics": {"relatedInformation": True}},
                    "workspace": {"configuration": True, "workspaceFolders": True},
                },
            },
        )
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": settings})
        return client

    yield start
    for process in started:
        if process.stdin is not None:
            process.stdin.close()
        process.kill()
        process.wait(timeout=REPLY_TIMEOUT)


def knowledge_base(folder: Path) -> tuple[Path, Message]:
    """A knowledge base made by `init`: its example record and its VS Code YAML settings."""
    initialise(folder, Plan(site_name="Example team"))
    settings: Message = json.loads((folder / ".vscode" / "settings.json").read_text("utf-8"))
    yaml_settings = {key.removeprefix("yaml."): value for key, value in settings.items()}
    return folder / "incidents" / f"{EXAMPLE_STEM}.yaml", yaml_settings


def broken(text: str) -> tuple[str, int, int]:
    """`text` with an unknown key and a severity of the wrong type; their 0-based lines."""
    lines = text.splitlines(keepends=True)
    severity = next(n for n, line in enumerate(lines) if line.startswith("severity:"))
    lines[severity] = "severity: 2\n"
    title = next(n for n, line in enumerate(lines) if line.startswith("title:"))
    lines.insert(title + 1, "colour: red\n")
    severity += severity > title
    return "".join(lines), title + 1, severity


def without_modeline(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(MODELINE))


def schema_problems(diagnostics: list[Message]) -> list[tuple[int, str]]:
    return sorted((item["range"]["start"]["line"], item["message"]) for item in diagnostics)


def validate_lines(path: Path, root: Path | None = None) -> dict[str, int]:
    """The 1-based line `nexus-pm validate`, run in `root`, names for each field it rejects."""
    cwd = root or path.parent
    name = path.relative_to(cwd).as_posix()
    done = subprocess.run(
        [sys.executable, "-m", "nexus_pm", "validate", name],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=REPLY_TIMEOUT,
        check=False,
    )
    assert done.returncode == 1, done
    found = {}
    for line in done.stderr.splitlines():
        if line.startswith(f"{name}:"):
            _, number, field, _ = line.split(":", 3)
            found[field.strip()] = int(number)
    return found


def check_broken(client: Client, path: Path, text: str, schema: Path) -> None:
    """The server flags the unknown key and the bad severity on their lines, as `validate` does."""
    bad_text, unknown, severity = broken(text)
    path.write_text(bad_text, encoding="utf-8")
    diagnostics = client.diagnostics(path, bad_text)
    problems = schema_problems(diagnostics)
    lines = bad_text.splitlines()
    assert lines[unknown] == "colour: red" and lines[severity] == "severity: 2"
    # A number for severity is off the scale as well as the wrong type: one line, two messages.
    assert sorted({line for line, _ in problems}) == sorted([unknown, severity]), problems
    messages = {line: " ".join(m for n, m in problems if n == line) for line, _ in problems}
    assert "colour" in messages[unknown] and "not allowed" in messages[unknown]
    assert "string" in messages[severity].lower(), messages[severity]
    for item in diagnostics:
        assert item["source"].startswith("yaml-schema"), item
        assert item["data"]["schemaUri"] == [schema.as_uri()], item
    # LSP lines count from 0, the file's (and the CLI's) from 1.
    assert validate_lines(path) == {"colour": unknown + 1, "severity": severity + 1}


def test_records_made_by_init_are_checked_through_their_modeline(
    tmp_path: Path, start_server: Callable[[Path, Message], Client]
) -> None:
    # No settings: only the modeline `init` and `new` write at the top of a record.
    example, _ = knowledge_base(tmp_path)
    text = example.read_text("utf-8")
    assert text.startswith(MODELINE)
    client = start_server(tmp_path, {})
    assert client.diagnostics(example, text) == []
    check_broken(client, example.with_name("broken.yaml"), text, tmp_path / SCHEMA)


def test_records_made_by_init_are_checked_through_its_vscode_settings(
    tmp_path: Path, start_server: Callable[[Path, Message], Client]
) -> None:
    # A record without the modeline still gets the schema from .vscode/settings.json.
    example, yaml_settings = knowledge_base(tmp_path)
    assert yaml_settings["schemas"], yaml_settings
    text = without_modeline(example.read_text("utf-8"))
    example.write_text(text, encoding="utf-8")
    client = start_server(tmp_path, yaml_settings)
    assert client.diagnostics(example, text) == []
    check_broken(client, example.with_name("broken.yaml"), text, tmp_path / SCHEMA)


def test_a_severity_off_the_teams_scale_is_flagged_where_validate_flags_it(
    tmp_path: Path, start_server: Callable[[Path, Message], Client]
) -> None:
    # `init` writes the team's scale into the schema, so the editor knows it too.
    initialise(tmp_path, Plan(site_name="Example team", severities=("P0", "P1", "P2")))
    example = tmp_path / "incidents" / f"{EXAMPLE_STEM}.yaml"
    text = example.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith("severity:"))
    assert lines[at] != "severity: SEV2\n"
    lines[at] = "severity: SEV2\n"
    client = start_server(tmp_path, {})
    assert client.diagnostics(example, text) == []
    bad = tmp_path / "incidents" / "off-scale.yaml"
    bad.write_text("".join(lines), encoding="utf-8")
    problems = schema_problems(client.diagnostics(bad, "".join(lines)))
    assert [line for line, _ in problems] == [at], problems
    assert "P0" in problems[0][1], problems
    # Run where the team's pyproject.toml is, as the scale is read from there.
    assert validate_lines(bad, tmp_path) == {"severity": at + 1}


def test_the_repository_records_pass_their_schema(
    tmp_path: Path, start_server: Callable[[Path, Message], Client]
) -> None:
    records = sorted((ROOT / "incidents").glob("*.yaml"))
    assert records
    client = start_server(ROOT, {})
    for record in records:
        text = record.read_text("utf-8")
        assert text.startswith(MODELINE), record
        assert client.diagnostics(record, text) == [], record
    # The same server flags a broken copy beside them, so an empty list means checked.
    copy = tmp_path / "incidents" / records[0].name
    copy.parent.mkdir()
    (tmp_path / "schemas").mkdir()
    shutil.copy(ROOT / SCHEMA, tmp_path / SCHEMA)
    check_broken(client, copy, records[0].read_text("utf-8"), tmp_path / SCHEMA)
