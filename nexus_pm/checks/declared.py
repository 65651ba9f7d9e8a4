"""Declared rules made executable: a RuleSpec becomes a Rule, with the file kinds it reads."""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..record_rules import Missing, RuleSpec
from ..rule_query import (
    MISSING,
    Place,
    Query,
    compile_re2,
    describe,
    glob_regex,
    parse_query,
    place_text,
    select,
)
from . import dockerfile
from .base import Hit, Kind, ParseError, Rule
from .dockervars import substitute, walk_vars
from .stages import Dockerfile

if TYPE_CHECKING:
    import yaml

# PyYAML, the careful loader and the locator are imported where a YAML file is read: the
# Dockerfile rules that most records link need none of them.

#: File extensions and the snippet language, and document format, each stands for.
SUFFIX_LANGUAGE = {
    "yaml": "yaml",
    "yml": "yaml",
    "json": "json",
    "toml": "toml",
    "sh": "bash",
    "bash": "bash",
    "py": "python",
    "tf": "hcl",
    "ini": "ini",
    "cfg": "ini",
    "conf": "text",
    "txt": "text",
}
FORMAT_LANGUAGES = {"yaml": ("yaml", "yml"), "json": ("json",), "toml": ("toml",)}


@dataclass(frozen=True)
class Lines:
    """A file read as lines, for regular expressions."""

    path: str
    lines: tuple[str, ...]

    @classmethod
    def split(cls, text: str, path: str) -> Lines:
        """`text` cut at each newline."""
        return cls(path, tuple(text.split("\n")))


@dataclass(frozen=True)
class Documents:
    """A YAML (one or more documents), JSON or TOML file, as plain data."""

    path: str
    text: str
    format: str
    docs: tuple[Any, ...]

    @functools.cached_property
    def nodes(self) -> list[yaml.Node]:
        # Composed only when a finding needs its line; the data above was read safely first.
        if self.format != "yaml":
            return []
        import yaml

        from ..yamlsafe import FastSafeLoader

        return list(yaml.compose_all(self.text, Loader=FastSafeLoader))


def format_of(path: str) -> str | None:
    suffix = path.rsplit("/", 1)[-1].rpartition(".")[2].lower() if "." in path else ""
    language = SUFFIX_LANGUAGE.get(suffix)
    return language if language in FORMAT_LANGUAGES else None


def parse_documents(text: str, path: str, fmt: str | None = None) -> Documents:
    """Read `text` as `fmt` (default: by the path's extension); raises ParseError."""
    import yaml

    from ..yamlsafe import SafeLoader

    fmt = fmt or format_of(path)
    try:
        if fmt == "yaml":
            # The records' loader: no tags, no anchors or aliases, a cap on values.
            docs = tuple(yaml.load_all(text, Loader=SafeLoader))
        elif fmt == "json":
            docs = (json.loads(text),)
        elif fmt == "toml":
            docs = (tomllib.loads(text),)
        else:
            raise ParseError(1, "cannot tell YAML, JSON or TOML by the name; set query.format")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ParseError(
            mark.line + 1 if mark else 1, f"is not valid YAML: {exc.problem}"
        ) from None
    except json.JSONDecodeError as exc:
        raise ParseError(exc.lineno, f"is not valid JSON: {exc.msg}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParseError(1, f"is not valid TOML: {exc}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ParseError(1, f"cannot be read as {fmt}: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise ParseError(1, "nesting is too deep") from None
    return Documents(path, text, fmt, docs)


def _kind(name: str, parse: Any, languages: tuple[str, ...] = ()) -> Kind[Any]:
    # No name patterns: declared rules choose their files by glob, not by kind.
    return Kind(name, (), (), languages, parse, parse)


KINDS: tuple[Kind[Any], ...] = (
    _kind("lines", Lines.split),
    _kind("document", parse_documents, ("yaml", "yml", "json", "toml")),
    *(
        _kind(fmt, functools.partial(parse_documents, fmt=fmt), langs)
        for fmt, langs in FORMAT_LANGUAGES.items()
    ),
)


@dataclass(frozen=True)
class Paths:
    """A rule's globs, as one RE2 pattern matched against repo-relative paths."""

    globs: tuple[str, ...]
    regex: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = "|".join(f"(?:{glob_regex(g)})" for g in self.globs)
        object.__setattr__(self, "regex", compile_re2(pattern))

    def __call__(self, path: str) -> bool:
        return self.regex.fullmatch(path) is not None


class Chooser:
    """Which declared rules read a repo-relative path: each distinct set of globs is tried once."""

    def __init__(self, rules: Sequence[Rule[Any]]) -> None:
        groups: dict[tuple[str, ...], list[Rule[Any]]] = {}
        for rule in rules:
            if rule.wants is not None:
                groups.setdefault(rule.files, []).append(rule)
        # Rules that share their globs (a team's rules often do) share one match per file.
        self.groups = [(group[0].wants, group) for group in groups.values()]
        self.seen: dict[str, list[Rule[Any]]] = {}

    def __bool__(self) -> bool:
        return bool(self.groups)

    def __call__(self, rel: str) -> list[Rule[Any]]:
        found = self.seen.get(rel)
        if found is None:
            found = [r for wants, group in self.groups if wants and wants(rel) for r in group]
            self.seen[rel] = found
        return found


def compile_rule(spec: RuleSpec, origin: str) -> Rule[Any]:
    """The Rule that `spec` describes; `origin` is where it is written (`path:line`)."""
    wants = Paths(tuple(spec.files))
    languages = {SUFFIX_LANGUAGE.get(g.rpartition(".")[2].lower(), "") for g in spec.files}
    languages |= {g.lower() for g in spec.languages}
    if spec.regex is not None:
        kind, func = "lines", _regex(spec, compile_re2(spec.regex))
    elif spec.query is not None:
        kind = spec.query.format.value if spec.query.format else "document"
        func = _query(spec)
    else:
        kind, func = "dockerfile", _dockerfile(spec)
        if any(
            g.rpartition("/")[2].lower().startswith(("dockerfile", "containerfile"))
            for g in spec.files
        ):
            languages.add("dockerfile")
    rationale = (
        f"{spec.message}. Fix: {spec.fix}"
        if not spec.message.endswith(".")
        else (f"{spec.message} Fix: {spec.fix}")
    )
    return Rule(
        spec.id,
        spec.title,
        rationale,
        kind,
        func,
        files=tuple(spec.files),
        languages=tuple(sorted(languages - {""})),
        severity=spec.severity.value,
        fix=spec.fix,
        origin=origin,
        wants=wants,
    )


def _regex(spec: RuleSpec, pattern: Any) -> Any:
    def run(parsed: Lines) -> Iterator[Hit]:
        for number, line in enumerate(parsed.lines, 1):
            if pattern.search(line):
                yield number, spec.message

    return run


def _query(spec: RuleSpec) -> Any:
    assert spec.query is not None
    require = parse_query(spec.query.require)
    where = [parse_query(text) for text in spec.query.where]
    lenient = spec.query.missing is Missing.PASS

    def run(parsed: Documents) -> Iterator[Hit]:
        for index, doc in enumerate(parsed.docs):
            if not all(any(q.holds(v) for _, v in select(doc, q.path)) for q in where):
                continue
            for place, value in select(doc, require.path):
                if value is MISSING and lenient and require.test not in ("exists", "absent"):
                    continue
                if not require.holds(value):
                    yield (
                        _line(parsed, index, place),
                        f"{spec.message}: {_detail(require, place, value)}",
                    )

    return run


def _detail(query: Query, place: Place, value: Any) -> str:
    shown = query.path_text if value is MISSING else place_text(place)
    want = {"exists": "must be set", "absent": "must not be set"}.get(
        query.test, f"must be {query.test} {json.dumps(query.value, ensure_ascii=False)}"
    )
    return f"{shown} is {describe(value)}; it {want}"


def _line(parsed: Documents, index: int, place: Place) -> int:
    """The line of the deepest part of `place` in document `index`."""
    if parsed.format == "yaml":
        from ..locate import line_in

        nodes = parsed.nodes
        return line_in(nodes[index] if index < len(nodes) else None, place)
    # The standard library keeps no positions: follow the keys down the text, in order.
    at, line = 0, 1
    for step in place:
        if not isinstance(step, str):
            continue
        needle = f'"{step}"' if parsed.format == "json" else step
        found = parsed.text.find(needle, at)
        if found < 0:
            break
        at = found + len(needle)
        line = parsed.text.count("\n", 0, found) + 1
    return line


def _dockerfile(spec: RuleSpec) -> Any:
    match = spec.dockerfile
    assert match is not None
    keyword = match.instruction.upper()
    flags = {name: compile_re2(p) for name, p in match.flags.items()}
    arguments = compile_re2(match.arguments) if match.arguments else None

    def run(df: Dockerfile) -> Iterator[Hit]:
        stages = df.final.chain() if match.final_stage else df.stages
        for _, ins, env in walk_vars(df, stages):
            if ins.keyword != keyword:
                continue
            if not all(
                n in ins.flags and p.search(substitute(ins.flags[n], env)) for n, p in flags.items()
            ):
                continue
            if arguments is None or arguments.search(substitute(ins.rest, env)):
                yield ins.line, spec.message

    return run


#: Every kind a rule may have, by name: built-in ones first.
ALL_KINDS: dict[str, Kind[Any]] = {k.name: k for k in (dockerfile.KIND, *KINDS)}
