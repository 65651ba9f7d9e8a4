"""Check that a postmortem's Dockerfile snippet agrees, line by line, with a real Dockerfile."""

from __future__ import annotations

import json
import re

#: Stands in for `...` while an exec-form list is parsed as JSON.
_ELLIPSIS = "\x00ellipsis\x00"

#: A snippet's trailing remark, such as `  # ✅ System-wide`. Only snippets get
#: this treatment: in a real Dockerfile, `#` after an instruction is passed on
#: to the shell or the value, so it is part of the instruction.
_TRAILING_REMARK = re.compile(r"\s+#.*$")

#: A bare `...` element of an exec-form list, as in `CMD ["uvicorn", ...]`.
_BARE_ELLIPSIS = re.compile(r"(?<=[\[,])\s*\.\.\.\s*(?=[\],])")


def instructions(text: str) -> list[str]:
    """The instructions of Dockerfile text: comments dropped, continuations joined."""
    result: list[str] = []
    pending: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        # Docker drops comment lines even inside a continued instruction.
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        result.append(" ".join(pending))
        pending = []
    if pending:
        result.append(" ".join(pending))
    return result


def normalize(instruction: str) -> str:
    """Canonical form: upper-case keyword, single spaces, exec-form lists re-serialised."""
    keyword, _, args = " ".join(instruction.split()).partition(" ")
    args = args.strip()
    if args.startswith("["):
        try:
            parsed = json.loads(_BARE_ELLIPSIS.sub(lambda _: json.dumps(_ELLIPSIS), args))
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            args = json.dumps(parsed, ensure_ascii=False).replace(json.dumps(_ELLIPSIS), "...")
    return f"{keyword.upper()} {args}".strip()


def snippet_lines(snippet_code: str) -> list[str]:
    """The instructions a snippet asserts, with trailing `# ...` remarks removed."""
    cleaned = "\n".join(_TRAILING_REMARK.sub("", line) for line in snippet_code.splitlines())
    return instructions(cleaned)


def _pattern(snippet_instruction: str) -> re.Pattern[str]:
    # `...` in a snippet elides the rest of an argument list; anything else is literal.
    parts = [re.escape(part) for part in normalize(snippet_instruction).split("...")]
    return re.compile(".*".join(parts))


def snippet_matches(snippet_code: str, dockerfile_text: str) -> list[str]:
    """Snippet instructions not found, in order, among the Dockerfile's instructions.

    Each snippet instruction must equal (after normalising whitespace and JSON
    spacing; `...` matches anything) a Dockerfile instruction that comes after
    the one matched by the previous snippet line. An empty list means agreement.
    """
    targets = [normalize(line) for line in instructions(dockerfile_text)]
    missing: list[str] = []
    position = 0
    for line in snippet_lines(snippet_code):
        pattern = _pattern(line)
        for index in range(position, len(targets)):
            if pattern.fullmatch(targets[index]):
                position = index + 1
                break
        else:
            missing.append(line)
    return missing
