"""Claim the next incident id and a free record file name, and publish a new record there."""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NexusError, display_path
from .files import link_new, make_folders, naming, remove_folders, take_lock, write_new
from .loader import collect, parse_yaml, read_text
from .models import ID_PATTERN

_LOCK = re.compile(r"^\.(INC-[0-9]+)\.lock$")


@dataclass
class Known:
    """What the records already in the folder tell: ids in use and services by use."""

    ids: set[str] = field(default_factory=set)
    services: list[str] = field(default_factory=list)

    @property
    def numbers(self) -> set[int]:
        return {int(i.removeprefix("INC-")) for i in self.ids}


def scan(directory: Path) -> Known:
    """Read ids and services leniently: a broken record still holds its id."""
    ids: set[str] = set()
    services: Counter[str] = Counter()
    for path in collect([directory])[0] if directory.is_dir() else []:
        found = _read_known(directory, path)
        if found is None:
            continue
        rid, listed = found
        services.update(listed)
        if rid is not None:
            ids.add(rid)
    ranked = sorted(services, key=lambda s: (-services[s], s))
    return Known(ids=ids, services=ranked)


# What each record file held, by its stat: `nexus-pm import` claims an id per file, and
# each claim scans the folder again (records may appear meanwhile); an unchanged file is
# not read and parsed again. A symlink is always read, as its target may change.
_KNOWN: dict[tuple[str, str], tuple[tuple[int, int, int], str | None, list[str]]] = {}


def _read_known(directory: Path, path: Path) -> tuple[str | None, list[str]] | None:
    """The id and services one record file holds; None when it cannot be read."""
    try:
        info = os.lstat(path)
    except OSError:
        info = None
    key = (str(directory), str(path))
    stamp = (info.st_mtime_ns, info.st_size, info.st_ino) if info else None
    cacheable = info is not None and not stat.S_ISLNK(info.st_mode)
    cached = _KNOWN.get(key)
    if cacheable and cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    try:
        text = read_text(path, root=directory)
    except NexusError:
        return None
    try:
        data = parse_yaml(text, display_path(path))
    except NexusError:
        data = None
    listed: list[str] = []
    if isinstance(data, dict):
        rid, services = data.get("id"), data.get("services")
        listed = [s for s in services or [] if isinstance(s, str)]
    else:
        # Unparsable: the id line alone still reserves its number.
        match = re.search(r"^id:\s*[\"']?(INC-[0-9]+)", text, re.MULTILINE)
        rid = match.group(1) if match else None
    kept = rid if isinstance(rid, str) and re.fullmatch(ID_PATTERN, rid) else None
    if cacheable and stamp is not None:
        _KNOWN[key] = (stamp, kept, listed)
    return kept, listed


def publish(directory: Path, stem: str, make_text: Callable[[str], str]) -> Path:
    """Write `make_text(next free id)` to `stem.yaml`, or `stem-2.yaml`, ...; never overwrite.

    The text goes to a temporary file that is hard-linked to its final name, so
    the record appears whole or not at all; an interruption or a full disk leaves
    nothing behind, not even the folders made for it.
    """
    made = make_folders(directory)
    lock = written = published = None
    tmp = directory / f".new-{secrets.token_hex(8)}.tmp"
    # The lock and temporary names are ours; an error names the folder instead.
    try:
        with naming(directory):
            lock, incident_id = _reserve_id(directory)
            written = tmp
            write_new(tmp, make_text(incident_id))
            published = _link_free_name(tmp, directory, stem)
        return published
    finally:
        # Only what is there: on a read-only disk even unlinking a missing file fails.
        with naming(directory):
            for path in (written, lock):
                if path is not None and os.path.lexists(path):
                    path.unlink(missing_ok=True)
        if published is None:
            remove_folders(made)


def _reserve_id(directory: Path) -> tuple[Path, str]:
    # A lock file per id, made with O_EXCL, is the reservation. Once it is held
    # the folder is scanned again: a record that appeared meanwhile was linked
    # before its writer let go of the lock, so the scan sees it.
    locked = {int(m.group(1)[4:]) for p in directory.iterdir() if (m := _LOCK.match(p.name))}
    number = max(scan(directory).numbers | locked, default=0) + 1
    for _ in range(1000):
        incident_id = f"INC-{number:04d}"
        if not re.fullmatch(ID_PATTERN, incident_id):
            raise NexusError(message=f"{display_path(directory)}: no incident ids are left")
        lock = directory / f".{incident_id}.lock"
        if not take_lock(lock):
            number += 1
            continue
        try:
            numbers = scan(directory).numbers
        except BaseException:
            lock.unlink(missing_ok=True)
            raise
        if number not in numbers:
            return lock, incident_id
        lock.unlink(missing_ok=True)
        number = max(numbers) + 1
    raise NexusError(message=f"{display_path(directory)}: could not reserve an incident id")


def _link_free_name(tmp: Path, directory: Path, stem: str) -> Path:
    for n in range(1, 10000):
        name = stem if n == 1 else f"{stem}-{n}"
        final = directory / f"{name}.yaml"
        if (directory / f"{name}.yml").exists() or final.is_symlink():
            continue
        if link_new(tmp, final):
            return final
    raise NexusError(message=f"{display_path(directory)}: no free file name for {stem}")
