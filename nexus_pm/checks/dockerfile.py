"""Dockerfile rules: the lessons of container incidents, checked on every Dockerfile."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .base import Hit, Kind, Rule
from .context import final_user, is_root, under_root, walk_with_context
from .dockervars import substitute, walk_vars
from .stages import Dockerfile, Instruction, Stage, parse, parse_snippet

RULES: list[Rule[Dockerfile]] = []

_PIP = re.compile(r"^pip(?:3(?:\.\d+)?)?$")
_PYTHON = re.compile(r"^python(?:3(?:\.\d+)?)?$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_TRUE = ("1", "true", "yes", "on")
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;"})


def rule(
    rule_id: str, title: str, rationale: str
) -> Callable[[Callable[[Dockerfile], Iterable[Hit]]], Rule[Dockerfile]]:
    """Register a Dockerfile rule."""

    def register(func: Callable[[Dockerfile], Iterable[Hit]]) -> Rule[Dockerfile]:
        made = Rule(rule_id, title, " ".join(rationale.split()), "dockerfile", func)
        RULES.append(made)
        return made

    return register


def _runtime(df: Dockerfile) -> str | None:
    """The non-root user the image runs as, or None when it runs as root."""
    user, _ = final_user(df)
    return None if is_root(user) else user


@rule(
    "dockerfile/pip-user-install",
    "pip install --user in an image that runs as another user",
    """`pip install --user` (or `PIP_USER=1`) puts packages in the installing user's home:
    `/root/.local` when the build runs as root. When those files reach an image that runs as
    a non-root user, that user cannot read root's home (mode 0700), and Python fails with
    `No module named ...` at start. Install system-wide (no `--user`) and copy `/usr/local`.""",
)
def pip_user_install(df: Dockerfile) -> Iterator[Hit]:
    runtime = _runtime(df)
    if runtime is None:
        return
    # One forward pass carries the user and PIP_USER along, instead of a walk back per RUN.
    for stage, ins, context in walk_with_context(df, df.reaching(), _WATCHED):
        if ins.keyword != "RUN":
            continue
        installer = context.user
        if installer is not None and installer == runtime:
            continue
        for args, inline_env in _pip_installs(ins):
            how = _user_install(args, inline_env, context.get("PIP_USER"))
            if how:
                home = "/root/.local" if is_root(installer) else f"the home of {installer}"
                yield (
                    ins.line,
                    (
                        f"{how} in {_where(df, stage)} puts packages in {home}, which the runtime "
                        f"user {runtime} cannot read; install system-wide (drop --user) "
                        "and copy /usr/local"
                    ),
                )


_WATCHED = frozenset({"PIP_USER"})


def _user_install(
    args: list[str], inline_env: dict[str, str], pip_user: tuple[str, int] | None
) -> str:
    if "--user" in args:
        return "`pip install --user`"
    if inline_env.get("PIP_USER", "").lower() in _TRUE:
        return "`pip install` with PIP_USER set"
    value, line = pip_user or ("", 0)
    if value.lower() in _TRUE:
        return f"`pip install` with PIP_USER set (line {line})"
    return ""


def _pip_installs(ins: Instruction) -> Iterator[tuple[list[str], dict[str, str]]]:
    """The arguments of each `pip install` in a RUN, and variables set inline for it."""
    for command in _commands(ins):
        inline_env: dict[str, str] = {}
        # Assignments are counted off the front, not popped: each pop(0) moves every word.
        start = _assignments(command, 0, inline_env)
        if start < len(command) and command[start].rsplit("/", 1)[-1] == "env":
            start = _assignments(command, start + 1, inline_env)
        words = command[start:]
        if not words:
            continue
        program = words[0].rsplit("/", 1)[-1]
        if _PYTHON.match(program) and words[1:3] == ["-m", "pip"]:
            words = words[2:]
        elif not _PIP.match(program):
            continue
        rest = [w for w in words[1:] if not w.startswith("-")]
        if rest[:1] == ["install"]:
            yield words[1:], inline_env


def _assignments(words: list[str], start: int, env: dict[str, str]) -> int:
    """Read `NAME=value` words from `start` into `env`; the index of the first other word."""
    while start < len(words) and _ASSIGNMENT.match(words[start]):
        key, _, value = words[start].partition("=")
        env[key] = value
        start += 1
    return start


def _commands(ins: Instruction) -> Iterator[list[str]]:
    if ins.exec_form:
        yield list(ins.args)
        return
    for line in ins.rest.split("\n"):
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words = list(lexer)
        except ValueError:
            words = re.sub(r"(&&|\|\||;|\|)", r" \1 ", line).split()
        command: list[str] = []
        for word in words:
            if word in _SEPARATORS:
                if command:
                    yield command
                command = []
            else:
                command.append(word)
        if command:
            yield command


def _where(df: Dockerfile, stage: Stage) -> str:
    return "the final stage" if stage is df.final else stage.label


@rule(
    "dockerfile/copy-from-root",
    "COPY --from a stage's /root into an image that runs as non-root",
    """Files under `/root` belong to root's home, which other users cannot enter. Copying
    `/root/...` out of a build stage (or into `/root` of the image) hands the runtime user files
    it cannot read. Copy from system directories such as `/usr/local` instead.""",
)
def copy_from_root(df: Dockerfile) -> Iterator[Hit]:
    runtime = _runtime(df)
    if runtime is None:
        return
    # `${APP_HOME}/.local` is read as the path it names, with the ARG and ENV values in effect.
    for _, ins, env in walk_vars(df, df.reaching()):
        source_stage = ins.flags.get("from")
        if ins.keyword not in ("COPY", "ADD") or not source_stage or len(ins.args) < 2:
            continue
        words = [substitute(word, env) for word in ins.args]
        sources, dest = words[:-1], words[-1]
        bad = [s for s in sources if under_root(s)]
        if bad:
            yield (
                ins.line,
                (
                    f"copies {', '.join(bad)} from {source_stage}, but the image runs as "
                    f"{runtime}, who cannot read root's home; copy from /usr/local instead"
                ),
            )
        elif under_root(dest):
            yield (
                ins.line,
                (
                    f"copies into {dest}, but the image runs as {runtime}, who cannot read "
                    "root's home; copy to /usr/local instead"
                ),
            )


_SEARCH_PATHS = ("PATH", "PYTHONPATH")


@rule(
    "dockerfile/env-path-root",
    "PATH or PYTHONUSERBASE points into /root in an image that runs as non-root",
    """An `ENV PATH`, `PYTHONPATH` or `PYTHONUSERBASE` entry under `/root` points the runtime
    user at a directory it cannot enter: commands and modules there stay invisible to it.
    Install into system directories that are already on the default paths.""",
)
def env_path_root(df: Dockerfile) -> Iterator[Hit]:
    runtime = _runtime(df)
    if runtime is None:
        return
    for _, ins, env in walk_vars(df, df.final.chain()):
        if ins.keyword != "ENV":
            continue
        for key, written in ins.env():
            value = substitute(written, env)
            entries = value.split(":") if key in _SEARCH_PATHS else [value]
            if key not in (*_SEARCH_PATHS, "PYTHONUSERBASE"):
                continue
            bad = [entry for entry in entries if under_root(entry)]
            if bad:
                yield (
                    ins.line,
                    (
                        f"{key} points into {bad[0]}, which the runtime user {runtime} cannot "
                        "enter; use system directories such as /usr/local"
                    ),
                )


@rule(
    "dockerfile/root-user",
    "Final stage runs as root",
    """A service that runs as root turns any bug into root access in the container, and it
    hides permission mistakes until someone adds a `USER` later. End the final stage with
    `USER <non-root user>` and test the image as that user.""",
)
def root_user(df: Dockerfile) -> Iterator[Hit]:
    user, line = final_user(df)
    if not is_root(user):
        return
    if line is not None:
        yield line, f"USER {user} makes the image run as root; switch to a non-root user"
    else:
        yield (
            df.final.line,
            (
                "the final stage sets no USER, so the image runs as root unless its base image "
                "says otherwise; add USER with a non-root user"
            ),
        )


@rule(
    "dockerfile/missing-healthcheck",
    "Service image without a HEALTHCHECK",
    """An image that runs a service (it has `CMD`, `ENTRYPOINT` or `EXPOSE`) should say how to
    tell it is healthy. Without a `HEALTHCHECK`, a container whose process is up but broken is
    reported as running, and orchestration cannot catch the failure early.""",
)
def missing_healthcheck(df: Dockerfile) -> Iterator[Hit]:
    service: Instruction | None = None
    health: Instruction | None = None
    for ins in df.final.walk():
        if ins.keyword in ("CMD", "ENTRYPOINT", "EXPOSE"):
            service = ins if service is None or ins.keyword != "EXPOSE" else service
        elif ins.keyword == "HEALTHCHECK":
            health = ins
    if service is None:
        return
    if health is None:
        yield service.line, f"the image runs a service ({service.keyword}) but has no HEALTHCHECK"
    elif health.args[:1] and health.args[0].upper() == "NONE":
        yield health.line, "HEALTHCHECK NONE turns off the health check of a service image"


KIND: Kind[Any] = Kind(
    name="dockerfile",
    patterns=("Dockerfile", "*.Dockerfile", "Dockerfile.*", "Containerfile", "*.Containerfile"),
    not_patterns=("*.dockerignore",),
    languages=("dockerfile", "docker", "containerfile"),
    parse=lambda text, path: parse(text, path),
    parse_snippet=lambda text, path: parse_snippet(text, path),
    rules=tuple(RULES),
)
