"""Dockerfiles as stages: dockerfile-parse gives instructions, this adds names, users and copies."""

from __future__ import annotations

import functools
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
# A heredoc opens a word (`<<EOF`, `2<<EOF`), as BuildKit reads it: `$((1<<SHIFT))` is arithmetic.
_HEREDOC = re.compile(r"(?:^|(?<=\s))[0-9]*<<-?(?!<)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
_FLAG = re.compile(r"^--([a-z-]+)(?:=(\S*))?$")
_SPACE = re.compile(r"\s*")
# A snippet's trailing remark, such as `  # ✅ System-wide`; real files keep theirs,
# since Docker passes `#` after an instruction on to the shell or the value.
_REMARK = re.compile(r"\s+#.*$")
# What shlex reads otherwise than str.split(): quotes, a backslash, and white space other than
# the four both know.
_NOT_PLAIN_WORDS = re.compile(r"['\"\\]|(?![ \t\r\n])\s")
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
        return list(self._env)

    @functools.cached_property
    def _env(self) -> tuple[tuple[str, str], ...]:
        # Read once per instruction: several rules ask, and a long ENV takes seconds to split.
        try:
            pairs = extract_key_values(False, {}, {}, self.value)
            return tuple((str(k), str(v)) for k, v in pairs)
        except (ValueError, IndexError):
            # Docker refuses such an ENV (say, `ENV A=b  # note`); read the pairs it holds
            # anyway, so that a rule still sees what the author meant to set.
            split = (word.partition("=") for word in self.rest.split() if "=" in word)
            return tuple((key, value.strip("\"'")) for key, _, value in split if key)


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
            stages.append(stage)
            stage = stage.parent
        return stages[::-1]

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
        # Looked up in a table, not by a walk: a file may hold thousands of stages and copies.
        names, numbers = self._refs
        found = [s for s in (names.get(ref.lower()), numbers.get(ref)) if s and s.index < before]
        return min(found, key=lambda s: s.index) if found else None

    @functools.cached_property
    def _refs(self) -> tuple[dict[str, Stage], dict[str, Stage]]:
        names: dict[str, Stage] = {}
        for stage in self.stages:
            if stage.name is not None:
                names.setdefault(stage.name, stage)
        return names, {str(stage.index): stage for stage in self.stages}

    def reaching(self) -> list[Stage]:
        """Stages whose files end up in the final image: its bases, and what it copies from."""
        reached: dict[int, Stage] = {}
        # Each stage is queued alone and queues its own base, so no chain is copied per COPY.
        todo = [self.final]
        while todo:
            stage = todo.pop()
            if stage.index in reached:
                continue
            reached[stage.index] = stage
            if stage.parent is not None:
                todo.append(stage.parent)
            for ins in stage.instructions:
                source = ins.flags.get("from")
                if ins.keyword in ("COPY", "ADD") and source:
                    other = self.stage(source, stage.index)
                    if other is not None:
                        todo.append(other)
        return [reached[i] for i in sorted(reached)]


def parse(text: str, path: str) -> Dockerfile:
    """A whole Dockerfile: every instruction belongs to a stage opened by FROM."""
    return _staged(_instructions(text), path)


def _staged(instructions: list[Instruction], path: str) -> Dockerfile:
    stages: list[Stage] = []
    names: dict[str, Stage] = {}
    for ins in instructions:
        if ins.keyword == "FROM":
            stages.append(_from(ins, stages, names))
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
        return _staged(instructions, path)
    stages: list[Stage] = []
    marks = [(n, m.group(1)) for n, line in enumerate(lines, 1) if (m := _STAGE_MARK.match(line))]
    # Marks and instructions are both in line order: walk them side by side, once.
    next_mark = 0
    for ins in instructions:
        opened: tuple[int, str] | None = None
        while next_mark < len(marks) and marks[next_mark][0] < ins.line:
            if not stages or marks[next_mark][0] > stages[-1].line:
                opened = marks[next_mark]
            next_mark += 1
        if opened or not stages:
            label = opened[1] if opened else ""
            name = re.sub(r"[^a-z0-9_.-]+", "-", label.strip().lower()).strip("-") or None
            stages.append(Stage(len(stages), name, "", opened[0] if opened else 1))
        stages[-1].instructions.append(ins)
    if not stages:
        raise ParseError(1, "has no instructions")
    return Dockerfile(path, stages, fragment=True)


def _from(ins: Instruction, earlier: list[Stage], names: dict[str, Stage]) -> Stage:
    """A stage opened by FROM; `names` maps each earlier stage name to its first stage."""
    words = [w for w in ins.args if w]
    if not words:
        raise ParseError(ins.line, "FROM names no image")
    name = None
    if len(words) >= 3 and words[1].lower() == "as":
        name = words[2].lower()
    elif len(words) > 1:
        raise ParseError(ins.line, f"FROM expects 'image [AS name]', got {ins.rest!r}")
    base = words[0]
    stage = Stage(len(earlier), name, base, ins.line, parent=names.get(base.lower()))
    if name is not None:
        names.setdefault(name, stage)
    return stage


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
        words = _HEREDOC.finditer(value) if keyword in ("RUN", "COPY", "ADD") else ()
        # dockerfile-parse predates heredocs; their body would read as instructions. One
        # line may open several (`RUN <<A <<B`): their bodies follow one after another.
        bodies, after = [], end + 1
        for heredoc in words:
            body, skip_to = _heredoc(raw_lines, start, after, heredoc.group(2))
            bodies.append(body)
            after = skip_to + 1
        if bodies:
            value = "\n".join((value, *bodies))
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
    # Flags are read by position: cutting each off the front would copy the line per flag.
    start = 0
    while rest.startswith("--", start):
        space = rest.find(" ", start)
        end = len(rest) if space < 0 else space
        match = _FLAG.match(rest[start:end])
        if not match:
            break
        flags[match.group(1)] = match.group(2) or ""
        space_run = _SPACE.match(rest, end)
        start = space_run.end() if space_run else end
    rest = rest[start:]
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
    if not _NOT_PLAIN_WORDS.search(rest):
        # No quote, backslash or odd white space: shlex would split it just as str.split does,
        # at many times the cost.
        return tuple(rest.split()), False
    try:
        return tuple(shlex.split(rest, comments=False)), False
    except ValueError:
        return tuple(rest.split()), False
