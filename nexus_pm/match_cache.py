"""What `nexus-pm match` keeps of each valid record under .cache/nexus-pm/, by its file's bytes."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .cache_files import (
    CACHE_DIR,
    cache_folder,
    code_digest,
    digest,
    file_hash,
    is_dir,
    make_cache_folders,
    read_cache,
    rules_digest,
)
from .errors import NexusError
from .files import write_atomic
from .loader import MAX_BYTES, Record, collect, load_file
from .match_entries import Known, cross_checked, decode, encode, entry_hash, known_of
from .seen import Shown, check_patterns
from .signature_index import Index, assemble
from .signature_store import index_data, index_of
from .validate import load_records

__all__ = ["CACHE_DIR", "FORMAT", "SWITCH", "enabled", "load"]

#: Bumped when what an entry holds, or how it is written, changes.
FORMAT = 1
#: NEXUS_PM_CACHE=0 reads every record afresh and leaves the cache alone.
SWITCH = "NEXUS_PM_CACHE"
# checks.ruleset.RULES_DIR, which imports the rule models: a warm run needs none of them.
_RULES = "rules"


def enabled() -> bool:
    """Whether `match` may use the cache (NEXUS_PM_CACHE=0 turns it off)."""
    return os.environ.get(SWITCH, "1") != "0"


def load(
    paths: Sequence[Path],
    context: dict[str, object],
    *,
    cache: bool = True,
    root: Path = Path("."),
) -> tuple[Index, dict[str, Shown]]:
    """The match index of the records under `paths`, and what hits show, by id.

    The same as `index_records(load_records(...))`, problems included: the cache only
    spares reading the records whose bytes it has seen valid, under the same code,
    settings and rules. Whatever it cannot vouch for is loaded as before.
    """
    # Many small objects and no cycles, as in load_records: the collector would only rescan
    # them (a third of a warm run's time at 5,000 records).
    collecting = gc.isenabled()
    gc.disable()
    try:
        state = _State.open(paths, context, root) if cache and enabled() else None
        if state is None:
            return _loaded(paths, context, root, None)
        # No file changed: the whole index of the last run. Some did: their entries beside
        # the others'. Too many, or a problem: everything loaded as without a cache.
        whole = state.whole_index()
        if whole is not None:
            return whole
        state.read()
        result = state.quick() or _loaded(paths, context, root, state)
        state.keep_whole(result)
        return result
    finally:
        if collecting:
            gc.enable()


def _loaded(
    paths: Sequence[Path], context: dict[str, object], root: Path, state: _State | None
) -> tuple[Index, dict[str, Shown]]:
    records = load_records(paths, context=context, root=root)
    check_patterns(records)
    knowns = {str(record.path): known_of(record) for record in records}
    if state is not None:
        state.save_loaded(knowns)
    return _result(knowns.values())


def _result(knowns: Iterable[Known]) -> tuple[Index, dict[str, Shown]]:
    # Sorted by id, as index_records sorts: the index, and every tie, whatever the order.
    ordered = sorted(knowns, key=lambda known: known.shown.id)
    index = assemble(known.prepared for known in ordered)
    return index, {known.shown.id: known.shown for known in ordered}


class _State:
    """The cache file of one set of record paths, and the hashes of their files now."""

    def __init__(self, file: Path, paths: Sequence[Path], key: str, **given: Any) -> None:
        self.file = file
        self.key = key
        self.context: dict[str, object] = given["context"]
        self.root: Path = given["root"]
        self.whole = file.with_name(file.stem + "-index.json")
        #: False once a file loaded in this run turned out to change meanwhile.
        self.steady = True
        self.stored: dict[str, Any] = {}
        self.inline: object = None
        #: Record files in the order load_all reads them, with the root load_file gets.
        self.files: list[tuple[str, Path, Path | None]] = []
        self.listed = True
        #: Each file's hash now; None for one never kept (a symlink, unreadable, too large).
        self.hashes: dict[str, str | None] = {}
        for top in paths:
            problems: list[Any] = []
            found, _ = collect([top], problems)
            self.listed = self.listed and not problems
            folder = top if is_dir(top) else None
            for path in found:
                self.files.append((str(path), path, folder))
                self.hashes[str(path)] = file_hash(path)
        hashes = sorted(self.hashes.items())
        usable = self.listed and all(hashed is not None for _, hashed in hashes)
        #: What the whole index was made from: these files' bytes under this key.
        self.made_from = digest(json.dumps([key, hashes])) if usable else None

    def read(self) -> None:
        """Read the entries of the last run, if it ran under the same key."""
        stored = read_cache(self.file, FORMAT)
        if stored is not None and stored.get("key") == self.key:
            files, inline = stored.get("files"), stored.get("inline")
            if isinstance(files, dict) and isinstance(inline, str):
                self.stored, self.inline = files, inline

    def whole_index(self) -> tuple[Index, dict[str, Shown]] | None:
        """The index of the last run, if it was made from the files as they are now."""
        data = read_cache(self.whole, FORMAT) if self.made_from is not None else None
        if data is None or data.get("made_from") != self.made_from:
            return None
        index = index_of(data.get("index"))
        shown = data.get("shown")
        if index is None or type(shown) is not list or len(shown) != len(index.incidents):
            return None
        try:
            found = {
                ident: Shown(ident, title, fix)
                for ident, (title, fix) in zip(index.incidents, shown, strict=True)
                if type(title) is str and (fix is None or type(fix) is str)
            }
        except (TypeError, ValueError):
            return None
        return (index, found) if len(found) == len(index.incidents) else None

    def keep_whole(self, result: tuple[Index, dict[str, Shown]]) -> None:
        """Keep the index whole, for runs where no file changed."""
        if self.made_from is None or not self.steady:
            return
        index, shown = result
        texts = [[shown[ident].title, shown[ident].fix] for ident in index.incidents]
        data = {"format": FORMAT, "made_from": self.made_from}
        _write(self.whole, {**data, "index": index_data(index), "shown": texts})

    @classmethod
    def open(cls, paths: Sequence[Path], context: dict[str, object], root: Path) -> _State | None:
        """The state, or None when there is no safe place for a cache or no key to trust."""
        folder = cache_folder(root)
        rules = rules_digest(root / _RULES)
        code = code_digest()
        if folder is None or rules is None or code is None:
            return None
        key = digest(json.dumps([FORMAT, code, context, MAX_BYTES, rules], sort_keys=True))
        where = "\0".join(os.path.abspath(path) for path in paths)
        file = folder / f"match-{digest(where)[:16]}.json"
        return cls(file, paths, key, context=context, root=root)

    def quick(self) -> tuple[Index, dict[str, Shown]] | None:
        """The result from the cache and the changed files, or None if they cannot vouch."""
        if not self.listed or self.inline is None:
            return None
        knowns: dict[str, Known] = {}
        changed = []
        for name, path, folder in self.files:
            entry, hashed = self.stored.get(name), self.hashes[name]
            known = decode(entry) if hashed is not None and entry_hash(entry) == hashed else None
            if known is None:
                if isinstance(entry, dict) and entry.get("rules") is True:
                    return None  # a record that wrote rules changed: every proof is redone
                changed.append((name, path, folder))
            else:
                knowns[name] = known
        # Many changes (a pull, a new branch) are loaded as without a cache, which is no
        # slower and, when one of them is bad, does not load them twice.
        if len(changed) > max(_FEW, len(self.files) // 10):
            return None
        loaded: dict[str, Record] = {}
        for name, path, folder in changed:
            try:
                record = self._load(path, folder)
                check_patterns([record])
            except NexusError:
                return None  # the full load says what is wrong, as it always has
            loaded[name] = record
            knowns[name] = known_of(record)
        inline = self._inline(knowns)
        if inline is None or inline != self.inline or not cross_checked(knowns.values()):
            return None  # a rule written in a record changed, or an id: the full load says
        if loaded and not self._proved(knowns, loaded):
            return None
        try:
            result = _result(knowns.values())
        except ValueError:
            return None  # a hand-made entry: a pattern with no word in it
        if loaded or set(self.stored) != set(knowns):
            self._save(knowns, inline, fresh=set(loaded))
        return result

    def save_loaded(self, knowns: dict[str, Known]) -> None:
        """Keep the records that the full load found valid."""
        inline = self._inline(knowns)
        if self.listed and inline is not None:
            self._save(knowns, inline, fresh=set(knowns))

    def _load(self, path: Path, folder: Path | None) -> Record:
        # As load_all reads each file.
        return load_file(path, max_bytes=MAX_BYTES, root=folder, context=self.context)

    def _inline(self, knowns: dict[str, Known]) -> str | None:
        """A digest of the files of records that write rules; None if one has no hash."""
        writers = [(name, self.hashes.get(name)) for name, known in knowns.items() if known.rules]
        if any(hashed is None for _, hashed in writers):
            return None
        return digest(json.dumps(sorted(writers)))

    def _proved(self, knowns: dict[str, Known], loaded: dict[str, Record]) -> bool:
        """Whether the changed records' linked rules flag their before snippets and pass
        their after ones, and every rule id is still written once, as `validate` requires."""
        from .checks.links import record_check_problems
        from .checks.ruleset import load_shared

        records = []
        for name, path, folder in self.files:
            if name in loaded:
                records.append(loaded[name])
            elif knowns[name].rules:
                # Its rules may be what a changed record links: they are read again.
                try:
                    records.append(self._load(path, folder))
                except NexusError:
                    return False
        shared, bad = load_shared(self.root)
        return not bad and not record_check_problems(records, shared)

    def _save(self, knowns: dict[str, Known], inline: str, fresh: set[str]) -> None:
        files = {}
        for name, known in knowns.items():
            hashed = self.hashes.get(name)
            # A record loaded now is kept only if its file still has the bytes hashed before
            # it was loaded, so that the entry is surely theirs.
            if hashed is None or (name in fresh and file_hash(Path(name)) != hashed):
                self.steady = False
                continue
            files[name] = encode(known, hashed)
        _write(self.file, {"format": FORMAT, "key": self.key, "inline": inline, "files": files})


def _write(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
    try:
        if make_cache_folders(path.parent):
            write_atomic(path, text)
    except OSError:
        pass  # a read-only checkout: no cache, the same answers


# Up to this many changed records are loaded one by one beside the cached rest.
_FEW = 50
