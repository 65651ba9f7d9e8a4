"""What earlier instructions leave in effect for later ones: the user, and ENV variables."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from .stages import Dockerfile, Instruction, Stage


@dataclass(frozen=True)
class Context:
    """What earlier instructions left in effect: the user, and the ENV variables asked about."""

    user: str | None = None
    user_line: int | None = None
    #: Watched variables only, with the line that set each: a copy per stage stays small.
    env: tuple[tuple[str, str, int], ...] = ()

    def get(self, key: str) -> tuple[str, int] | None:
        return next(((value, line) for k, value, line in self.env if k == key), None)

    def after(self, ins: Instruction, watch: frozenset[str]) -> Context:
        """The context once `ins` has run."""
        if ins.keyword == "USER":
            return replace(self, user=ins.value.strip() or None, user_line=ins.line)
        if ins.keyword == "ENV" and watch:
            env = {k: (value, line) for k, value, line in self.env}
            env.update((key, (value, ins.line)) for key, value in ins.env() if key in watch)
            return replace(self, env=tuple((k, v, n) for k, (v, n) in env.items()))
        return self


def walk_with_context(
    df: Dockerfile, stages: Iterable[Stage], watch: frozenset[str] = frozenset()
) -> Iterator[tuple[Stage, Instruction, Context]]:
    """Each instruction of `stages` with the context just before it, in one forward pass.

    Every stage starts where its base stage ended, so each instruction is read once per call
    instead of once for every later instruction.
    """
    starts = _starts(df, watch)
    for stage in stages:
        context = starts[stage.index]
        for ins in stage.instructions:
            yield stage, ins, context
            context = context.after(ins, watch)


def _starts(df: Dockerfile, watch: frozenset[str]) -> dict[int, Context]:
    # A base stage comes before the stages built on it, so one pass in file order suffices.
    starts: dict[int, Context] = {}
    ends: dict[int, Context] = {}
    for stage in df.stages:
        start = ends.get(stage.parent.index, Context()) if stage.parent else Context()
        starts[stage.index] = end = start
        for ins in stage.instructions:
            end = end.after(ins, watch)
        ends[stage.index] = end
    return starts


def final_user(df: Dockerfile) -> tuple[str | None, int | None]:
    """The user the image runs as (None: no USER, so root unless the base image says else)."""
    user: tuple[str | None, int | None] = (None, None)
    for ins in df.final.walk():
        if ins.keyword == "USER":
            user = (ins.value.strip() or None, ins.line)
    return user


def is_root(user: str | None) -> bool:
    return user is None or user.split(":", 1)[0].strip() in ("root", "0")


def under_root(path: str) -> bool:
    """True for /root and anything below it."""
    clean = re.sub(r"/+", "/", path.strip().strip("\"'"))
    return clean.rstrip("/") == "/root" or clean.startswith("/root/")
