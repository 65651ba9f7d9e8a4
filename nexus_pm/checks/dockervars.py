"""ARG and ENV substitution in Dockerfiles, so `${APP_HOME}/.local` is read as the path it names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from .stages import Dockerfile, Instruction, Stage

# `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}` (Docker's own forms). dockerfile-parse's
# WordSplitter reads the first two only, and splits words besides, so substitution is done here.
_VARIABLE = re.compile(
    r"\\\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
#: A value that grows past this by substitution (`ENV A=$A$A`, again and again) stays as written.
MAX_VALUE = 10_000

Vars = Mapping[str, str]


def substitute(text: str, env: Vars) -> str:
    """`text` with the variables of `env` replaced; an unknown variable is left as written."""
    if "$" not in text or not env:
        return text

    def one(match: re.Match[str]) -> str:
        if match.group() == "\\$":
            return match.group()
        name = match.group(1) or match.group(4)
        modifier, word = match.group(2), match.group(3) or ""
        if name not in env:
            return word if modifier in ("-", ":-") else "" if modifier else match.group()
        value = env[name]
        if modifier in ("+", ":+"):
            return word if value or modifier == "+" else ""
        if modifier == ":-" and not value:
            return word
        return value

    result = _VARIABLE.sub(one, text)
    return result if len(result) <= MAX_VALUE else text


def _after(ins: Instruction, env: dict[str, str]) -> dict[str, str]:
    """The variables once `ins` has run (the same dict when it sets none)."""
    if ins.keyword == "ENV":
        pairs = ins.env()
    elif ins.keyword == "ARG":
        # `ARG NAME` without a default takes its value from the build: unknown here.
        pairs = [tuple(w.split("=", 1)) for w in ins.args if "=" in w]  # type: ignore[misc]
    else:
        return env
    if not pairs:
        return env
    changed = dict(env)
    # Docker substitutes an instruction's values with what was set before it.
    changed.update((key, substitute(value, env)) for key, value in pairs)
    return changed


def walk_vars(df: Dockerfile, stages: Iterable[Stage]) -> Iterator[tuple[Stage, Instruction, Vars]]:
    """Each instruction of `stages` with the ARG and ENV values in effect just before it."""
    starts = _starts(df)
    for stage in stages:
        env = starts[stage.index]
        for ins in stage.instructions:
            yield stage, ins, env
            env = _after(ins, env)


def _starts(df: Dockerfile) -> dict[int, dict[str, str]]:
    # A stage built on another inherits its ENV (an ARG ends with its stage); bases come first.
    starts: dict[int, dict[str, str]] = {}
    ends: dict[int, dict[str, str]] = {}
    for stage in df.stages:
        start = ends.get(stage.parent.index, {}) if stage.parent else {}
        starts[stage.index] = start
        env = start
        only_args: set[str] = set()
        for ins in stage.instructions:
            env = _after(ins, env)
            names = {key for key, _ in ins.env()} if ins.keyword == "ENV" else set()
            only_args = (only_args - names) | (
                {w.split("=", 1)[0] for w in ins.args} if ins.keyword == "ARG" else set()
            )
        ends[stage.index] = (
            {k: v for k, v in env.items() if k not in only_args} if only_args else env
        )
    return starts
