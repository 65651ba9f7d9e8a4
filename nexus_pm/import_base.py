"""The state a postmortem's mapping shares: the command line's values, the fields so far, the notes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import import_blocks as ib
from .importer import Block, Document, Part

Data = dict[str, Any]
# A code block's info string names its language when it looks like one (`python`, `c++`).
LANGUAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#._-]{0,39}")
_PARENS = re.compile(r"\(([^()]*)\)\s*$")


@dataclass
class Given:
    """Values from the command line, used where the source gives none."""

    date: dt.date | None = None
    severity: str | None = None
    services: list[str] = field(default_factory=list)
    status: str = "draft"
    scale: tuple[str, ...] = ("SEV1", "SEV2", "SEV3", "SEV4")


@dataclass
class Mapped:
    """The record's values (all but the id), what the source lacked, and notes by line."""

    data: Data
    missing: list[str]
    notes: list[tuple[int, str]]


class MapperState:
    """What every part of the mapping reads and fills; `Mapper` dispatches sections to them."""

    day: dt.date

    def __init__(self, doc: Document, stem: str, given: Given) -> None:
        self.doc, self.given, self.stem = doc, given, stem
        self.d: Data = {}
        self.summary: list[str] = []
        self.sections: list[Data] = []
        self.notes: list[tuple[int, str]] = []
        self.facts: list[Data] = []
        self.zone: str | None = None
        self.timeline_rest: list[Block] = []

    def _part(self, part: Part, parent: str | None = None) -> None:
        raise NotImplementedError  # Mapper's, which dispatches by the section's name

    def _subparts(self, part: Part) -> None:
        for sub in part.parts:
            self._part(sub, part.title)

    def _error(self, block: Block, where: str) -> None:
        language = block.info if LANGUAGE.fullmatch(block.info) else "text"
        for piece in ib.chunks(block.text, ib.VERBATIM_MAX):
            self.d.setdefault("errors", []).append(
                {"where": where, "language": language, "output": piece}
            )
