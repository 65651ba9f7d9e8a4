"""`nexus-pm schema`: print the JSON Schema, write it, or check a written one is current."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..edge import err
from ..errors import InvalidValue, display_path
from ..files import write_output
from . import settings


def _is_schema(text: str) -> bool:
    """An earlier `schema -o`, of this version or an older one: a JSON Schema, or `{}`."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and (
        not data or str(data.get("$schema", "")).startswith("http://json-schema.org/")
    )


def run(output: Path | None, *, check: bool) -> int:
    from ..reference import json_schema_text

    text = json_schema_text(settings())
    if output is None:
        if check:
            raise InvalidValue("--check", "--check needs --output")
        sys.stdout.write(text)
        return 0
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            err(f"{display_path(output)}:1: schema: stale; run nexus-pm schema -o {output}")
            return 1
        return 0
    write_output(output, text, _is_schema, "a record schema nexus-pm wrote")
    err(f"wrote {display_path(output)}")
    return 0
