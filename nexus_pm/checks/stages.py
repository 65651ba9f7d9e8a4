"""Dockerfiles as stages: dockerfile-parse gives instructions, this adds names, users and copies."""

from __future__ import annotations

import io
import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

from dockerfile_parse import DockerfileParser
from dockerfile_parse.util import extract_key_values

from .base import ParseError

KEYWORDS = frozenset(
    {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL"}
    | {"MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)
_HEREDOC = re.compile(r"(?<!<)<<-?(?!<)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
_FLAG = re.compile(r"^--([a-z-]+)(?:=(\S*))?$")
# A snippet's trailing remark, such as `  # ✅ System-wide`; real files keep theirs,
# since Docker passes `#` after an instruction on to the shell or the value.
_REMARK = re.compile(r"\s+#.*$")
_STAGE_MARK = re.compile(r"^\s*#\s*stage\s+\d+\b\s*[:.)-]?\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Instruction:
    """One instruction: keyword, its `--flags`, and its arguments."""

    keyword: str
    value: str
    line: int
    flags: dict[str, str] = field(default_factory=dict, compare=False)
    #: The words after the flags: the JSON list in exec form, shell-split otherwise.
    args: tuple[str, ...] = ()
    #: The text after the flags, as written.
    rest: str = ""
    exec_form: bool = False

    def env(self) -> list[tuple[str, str]]:
        """`ENV` pairs, values unexpanded."""
        try:
            return [(str(k), str(v)) for k, v in extract_key_values(False, {}, {}, self.value)]
        except (ValueError, IndexError):
            # Docker refuses such an ENV (say, `ENV A=b  # note`); read the pairs it holds
            # anyway, so that a rule still sees what the author meant to set.
            pairs = (word.partition("=") for word in self.rest.split() if "=" in word)
            return [(key, value.strip("\"'")) for key, _, value in pairs if key]


@dataclass
class Stage:
    """A build stage: `FROM base AS name` and what follows, up to the next FROM."""

    index: int
    name: str | None
    base: str
    line: int
    instructions: list[Instruction] = field(default_factory=list)
    parent: Stage | None = None

    @property
    def label(self) -> str:
        return f"stage {self.name}" if self.name else f"stage {self.index}"

    def chain(self) -> list[Stage]:
        """This stage and the stages it is built on, the first base first."""
        stages: list[Stage] = []
        stage: Stage | None = self
        while stage is not None:
            stages.insert(0, stage)
            stage = stage.parent
        return stages

    def walk(self) -> Iterator[Instruction]:
        """Every instruction that shapes this stage, inherited ones first."""
        for stage in self.chain():
            yield from stage.instructions


@dataclass
class Dockerfile:
    """A parsed Dockerfile, or a fragment of one quoted in a record."""

    path: str
    stages: list[Stage]
    fragment: bool = False

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def stage(self, ref: str, before: int) -> Stage | None:
        """The stage that `ref` (a name or an index) names, among the first `before` stages."""
        for stage in self.stages[:before]:
            if ref.lower() == stage.name or ref == str(stage.index):
                return stage
        return None

    def reaching(self) -> list[Stage]:
        """Stages whose files end up in the final image: its bases, and what it copies from."""
        reached: dict[int, Stage] = {}
        todo = self.final.chain()
        while todo:
            stage = todo.pop()
            if stage.index in reached:
                continue
            reached[stage.index] = stage
            for ins in stage.instructions:
                source = ins.flags.get("from")
                if ins.keyword in ("COPY", "ADD") and source:
                    other = self.stage(source, stage.index)
                    if other is not None:
                        todo.extend(other.chain())
        return [reached[i] for i in sorted(reached)]


def user_before(stage: Stage, line: int) -> tuple[str | None, int | None]:
    """The user in effect just before `line` in `stage`, and the line that set it."""
    user: tuple[str | None, int | None] = (None, None)
    for ins in _before(stage, line):
        if ins.keyword == "USER":
            user = (ins.value.strip() or None, ins.line)
    return user


def env_before(stage: Stage, line: int) -> dict[str, tuple[str, int]]:
    """Variables set by ENV before `line` in `stage`, with the line that set each."""
    env: dict[str, tuple[str, int]] = {}
    for ins in _before(stage, line):
        if ins.keyword == "ENV":
            env.update((key, (value, ins.line)) for key, value in ins.env())
    return env


def _before(stage: Stage, line: int) -> Iterator[Instruction]:
    for owner in stage.chain():
        for ins in owner.instructions:
            if owner is stage and ins.line >= line:
                return
            yield ins


def final_user(df: Dockerfile) -> tuple[str | None, int | None]:
    """The user the image runs as (None: no USER, so root unless the base image says else)."""
    return user_before(df.final, 1 << 30)


def is_root(user: str | None) -> bool:
    return user is None or user.split(":", 1)[0].strip() in ("root", "0")


def under_root(path: str) -> bool:
    """True for /root and anything below it."""
    clean = re.sub(r"/+", "/", path.strip().strip("\"'"))
    return clean.rstrip("/") == "/root" or clean.startswith("/root/")


def parse(text: str, path: str) -> Dockerfile:
    """A whole Dockerfile: every instruction belongs to a stage opened by FROM."""
    instructions = _instructions(text)
    stages: list[Stage] = []
    for ins in instructions:
        if ins.keyword == "FROM":
            stages.append(_from(ins, stages))
        elif stages:
            stages[-1].instructions.append(ins)
        elif ins.keyword != "ARG":
            raise ParseError(ins.line, f"{ins.keyword} before the first FROM")
    if not stages:
        raise ParseError(1, "no FROM instruction; a Dockerfile opens each stage with FROM")
    return Dockerfile(path, stages)


def parse_snippet(text: str, path: str) -> Dockerfile:
    """A record's snippet: trailing remarks dropped; without FROM, `# Stage N` comments split it."""
    lines = [
        line if line.lstrip().startswith("#") else _REMARK.sub("", line)
        for line in text.split("\n")
    ]
    cleaned = "\n".join(lines)
    instructions = _instructions(cleaned)
    if any(ins.keyword == "FROM" for ins in instructions):
        return parse(cleaned, path)
    stages: list[Stage] = []
    marks = {n: m.group(1) for n, line in enumerate(lines, 1) if (m := _STAGE_MARK.match(line))}
    for ins in instructions:
        opened = [n for n in marks if n < ins.line and (not stages or n > stages[-1].line)]
        if opened or not stages:
            label = marks[opened[-1]] if opened else ""
            name = re.sub(r"[^a-z0-9_.-]+", "-", label.strip().lower()).strip("-") or None
            stages.append(Stage(len(stages), name, "", opened[-1] if opened else 1))
        stages[-1].instructions.append(ins)
    if not stages:
        raise ParseError(1, "has no instructions")
    return Dockerfile(path, stages, fragment=True)


def _from(ins: Instruction, earlier: list[Stage]) -> Stage:
    words = [w for w in ins.args if w]
    if not words:
        raise ParseError(ins.line, "FROM names no image")
    name = None
    if len(words) >= 3 and words[1].lower() == "as":
        name = words[2].lower()
    elif len(words) > 1:
        raise ParseError(ins.line, f"FROM expects 'image [AS name]', got {ins.rest!r}")
    base = words[0]
    parent = next((s for s in earlier if s.name is not None and s.name == base.lower()), None)
    return Stage(len(earlier), name, base, ins.line, parent=parent)


def _instructions(text: str) -> list[Instruction]:
    try:
        parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
        structure = parser.structure
    except (ValueError, TypeError, IndexError) as exc:
        raise ParseError(1, f"cannot be parsed: {exc}") from None
    raw_lines = text.split("\n")
    result: list[Instruction] = []
    skip_to = -1
    for entry in structure:
        keyword = str(entry["instruction"]).upper()
        start, end = int(entry["startline"]), int(entry["endline"])
        if keyword == "COMMENT" or start <= skip_to:
            continue
        value = str(entry["value"])
        heredoc = _HEREDOC.search(value) if keyword in ("RUN", "COPY", "ADD") else None
        if heredoc:
            # dockerfile-parse predates heredocs; their body would read as instructions.
            body, skip_to = _heredoc(raw_lines, start, end + 1, heredoc.group(2))
            value = f"{value}\n{body}"
        if keyword not in KEYWORDS:
            raise ParseError(start + 1, f"unknown instruction {keyword!r}")
        result.append(_instruction(keyword, value, start + 1))
    return result


def _heredoc(lines: list[str], start: int, first: int, word: str) -> tuple[str, int]:
    for index in range(first, len(lines)):
        if lines[index].strip() == word:
            return "\n".join(lines[first:index]), index
    raise ParseError(start + 1, f"heredoc <<{word} is never closed")


def _instruction(keyword: str, value: str, line: int) -> Instruction:
    flags: dict[str, str] = {}
    rest = value.strip()
    while rest.startswith("--"):
        word, _, after = rest.partition(" ")
        match = _FLAG.match(word)
        if not match:
            break
        flags[match.group(1)] = match.group(2) or ""
        rest = after.strip()
    args, exec_form = _words(rest, keyword)
    return Instruction(keyword, value, line, flags, args, rest, exec_form)


def _words(rest: str, keyword: str) -> tuple[tuple[str, ...], bool]:
    if rest.startswith("[") and keyword in (
        "RUN",
        "CMD",
        "ENTRYPOINT",
        "COPY",
        "ADD",
        "SHELL",
        "VOLUME",
    ):
        try:
            parsed = json.loads(rest)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(word, str) for word in parsed):
            return tuple(parsed), True
    try:
        return tuple(shlex.split(rest, comments=False)), False
    except ValueError:
        return tuple(rest.split()), False
