"""Values worked out from one record, kept while a `serve` session holds the same record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class ByRecord(Generic[T]):
    """A value per record object, made again only for a record not seen in the last use.

    `serve` keeps a record object for as long as its file's bytes stay the same (see
    `rebuild_cache.RecordCache`), so the same object means the same content. The value
    must depend on the record alone (and on `extra`, which is compared by identity).
    """

    def __init__(self) -> None:
        # By id(record); the record is held with its value, so its id cannot be reused.
        self._kept: dict[int, tuple[object, tuple[object, ...], T]] = {}
        #: How many values were made rather than reused, over the object's life.
        self.made = 0

    def all(
        self,
        records: Iterable[R],
        make: Callable[[R], T],
        extra: Callable[[R], tuple[object, ...]] | None = None,
    ) -> list[T]:
        """`make(r)` for each record, in order; only these records are kept afterwards."""
        kept: dict[int, tuple[object, tuple[object, ...], T]] = {}
        values = []
        for record in records:
            also = extra(record) if extra is not None else ()
            old = self._kept.get(id(record)) or kept.get(id(record))
            if old is not None and old[0] is record and _same(old[1], also):
                value = old[2]
            else:
                value = make(record)
                self.made += 1
            kept[id(record)] = (record, also, value)
            values.append(value)
        self._kept = kept
        return values


def _same(old: Sequence[object], new: Sequence[object]) -> bool:
    return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))


class Last(Generic[T]):
    """The last value made, with what it was made from: the same inputs give it back."""

    def __init__(self) -> None:
        self._kept: tuple[object, T] | None = None
        #: How many values were made rather than reused, over the object's life.
        self.made = 0

    def get(self, key: object, make: Callable[[], T]) -> T:
        """`make()`, unless the last call's `key` equals this one (`key` must hold every input)."""
        if self._kept is not None and self._kept[0] == key:
            return self._kept[1]
        value = make()
        self.made += 1
        self._kept = (key, value)
        return value


@dataclass
class Memos:
    """What a `serve` session keeps per record from one build to the next."""

    #: Each published record's entry in `incidents.json`, as the export writes it.
    export: ByRecord[str] = field(default_factory=ByRecord)
    #: What each record can share with others (`similar.features`).
    features: ByRecord[Any] = field(default_factory=ByRecord)
    #: The rule-proof problems of each record, given the rules its checklist links.
    proofs: ByRecord[Any] = field(default_factory=ByRecord)
    #: Similar incidents, for the features, dates and relations they were worked out from.
    similar: Last[Any] = field(default_factory=Last)
    #: The signature file, for the ids, titles and errors it was written from.
    signatures: Last[dict[str, str]] = field(default_factory=Last)
