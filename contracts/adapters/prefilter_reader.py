"""Reading every file once for the prefilter, with its records remembered between runs.

The facts of a file (``domain.prefilter``) are cached beside import-linter's cache, keyed by
each file's size and modification time and by what was asked, so a warm run reads only the
files that changed. On a large tree a forked child reads half of the files.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from ..domain.prefilter import UNREADABLE_RECORD, FactFinder, Record, Request, content_digest
from .files import store_json
from .forks import ForkedWork, can_fork

__all__ = ["PrefilterReader", "can_fork", "read_one_process", "request_key"]

CACHE_VERSION = 11
# What became of one file: (state, [mtime_ns, size, inode], words, tops, imported, paths,
# digest).
_UNREADABLE, _CACHED, _READ = 0, 1, 2
_Result = tuple[int, list[int], list[str], list[str], list[str], list[str], str]
_NOTHING: _Result = (_UNREADABLE, [], [], [], [], [], "")
# Below this many files a second process costs more than it saves.
PARALLEL_MINIMUM = 500


def request_key(request: Request) -> str:
    text = json.dumps(
        [
            CACHE_VERSION,
            sorted(request.words),
            sorted(request.patterns),
            sorted(request.import_words),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class PrefilterReader:
    """The application's ``Prefilter`` port: the record of every file, remembered between runs
    in ``cache_dir`` (None: nothing is remembered)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.problems: list[tuple[Path, str]] = []
        # The entries of the last scan and its request, for a later scan by the same process
        # (``fix`` checks twice): used when there is no cache file.
        self._last: tuple[str, dict[str, list], Request | None] = ("", {}, None)

    def scan(self, files: Iterable[Path], request: Request, part: str = "") -> dict[Path, Record]:
        """The record of every file, from the cache where the file has not changed; ``part``
        names a set of files remembered apart (the files outside the root packages)."""
        paths = list(files)
        key = part + request_key(request)
        cache_file = self._file(f"prescan-{key}.json")
        extra = None
        if cache_file is not None:
            cached = _load(cache_file, self.problems)
        elif self._last[0] == key:
            cached = self._last[1]
        elif self._last[2] is not None and part == "":
            # Asked for more than the last scan of the tree (``fix`` made the canonical module
            # export more names): an unchanged file is searched for what is new only.
            cached, extra = self._last[1], request.beyond(self._last[2])
        else:
            cached = {}
        reader = _Reader(request, cached, digests=cache_file is not None, extra=extra)
        results = _read_all(reader, [str(path) for path in paths])
        records: dict[Path, Record] = {}
        entries: dict[str, list] = {}
        changed = False
        for path, result in zip(paths, results, strict=True):
            state, stamp, words, tops, imported, modules, digest = result
            if state == _UNREADABLE:
                records[path] = UNREADABLE_RECORD
                continue
            # Names repeat across files: one string object each (a fifth of the records' size).
            found = tuple(map(sys.intern, words))
            record = records[path] = Record(
                frozenset(found),
                tuple(map(sys.intern, tops)),
                tuple(map(sys.intern, imported)),
                digest=digest,
                paths=tuple(map(sys.intern, modules)),
            )
            changed = changed or state == _READ
            # The entries kept (for the cache, and the next scan of this process) share the
            # record's tuples: the lists read are let go.
            entries[str(path)] = [
                *stamp, found, record.tops, record.imported, record.paths, digest
            ]  # fmt: skip
        del results
        self._last = (key, entries, request)
        if cache_file is not None and (changed or len(entries) != len(cached)):
            store_json(cache_file, entries)
        return records

    def _file(self, name: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / name


class _Reader:
    """Reads files and works out their records; picklable results, so a child can help."""

    def __init__(
        self,
        request: Request,
        cached: dict[str, list],
        digests: bool = True,
        extra: tuple[Request, Callable[[str], bool]] | None = None,
    ) -> None:
        self.cached = cached
        self.finder = FactFinder(request)
        # A content digest is only worth its time where a later run compares it (a cache).
        self.digests = digests
        # Cached entries made for an earlier request: what is new to look for in an unchanged
        # file, and which of its words still hold (``Request.beyond``).
        self.extra = None if extra is None else (FactFinder(extra[0]), extra[1])

    def read(self, names: list[str]) -> list[_Result]:
        return [self._one(name) for name in names]

    def _one(self, name: str) -> _Result:
        try:
            descriptor = os.open(name, os.O_RDONLY)
        except OSError:
            return _NOTHING
        try:  # os.open/os.read: a third of the cost of open().read() for small files
            status = os.fstat(descriptor)
            stamp = [status.st_mtime_ns, status.st_size, status.st_ino]
            entry = self.cached.get(name)
            unchanged = isinstance(entry, list) and entry[:3] == stamp and len(entry) == 8
            if unchanged and self.extra is None:
                return (_CACHED, stamp, entry[3], entry[4], entry[5], entry[6], entry[7])
            data = os.read(descriptor, status.st_size + 1)
            if unchanged and self.extra is not None:
                finder, still = self.extra
                words = [word for word in entry[3] if still(word)]
                words += map(sys.intern, finder.words(data))
                return (_CACHED, stamp, sorted(set(words)), entry[4], entry[5], entry[6], entry[7])
        except OSError:
            return _NOTHING
        finally:
            os.close(descriptor)
        digest = content_digest(data) if self.digests else ""
        # Interned here: a forked reader's results then pickle each name once (pickle shares
        # one object however often it occurs), and load as one object each.
        words, tops, imported, paths = (
            list(map(sys.intern, part)) for part in self.finder.facts(data)
        )
        return (_READ, stamp, words, tops, imported, paths, digest)


def _read_all(reader: _Reader, names: list[str]) -> list[_Result]:
    """All results, in order. On Linux with two CPUs or more, a tree of ``PARALLEL_MINIMUM``
    files or more is cut into shares, one per CPU (fewer when the shares would be small):
    forked children read all shares but the first, which this process reads meanwhile."""
    if len(names) < PARALLEL_MINIMUM or not can_fork():
        return reader.read(names)
    workers = min(len(os.sched_getaffinity(0)), max(2, len(names) // PARALLEL_MINIMUM))
    size = -(-len(names) // workers)
    shares = [names[start : start + size] for start in range(0, len(names), size)]
    copies = []
    try:
        for share in shares[1:]:
            copies.append(ForkedWork().start(partial(reader.read, share)))
        results = reader.read(shares[0])
        for share, copy in zip(shares[1:], copies, strict=True):
            ok, read = copy.result()
            if not ok or len(read) != len(share):
                read = reader.read(share)  # the child failed: do its share here
            results += read
    except BaseException:  # (an interrupt): the children are stopped, not left to finish
        for copy in copies:
            copy.cancel()
        raise
    return results


def read_one_process(request: Request, paths: list[Path]) -> list[tuple[list[str], ...]]:
    """Every file's (words, tops, imported names, paths), read in this process only: the reference
    for the forked read."""
    results = _Reader(request, {}).read([str(path) for path in paths])
    return [(words, tops, imported, modules) for _, _, words, tops, imported, modules, _ in results]


def _load(cache_file: Path | None, problems: list[tuple[Path, str]]) -> dict[str, Any]:
    """The cached records; none when there is no cache yet, or an unusable one (said in
    ``problems``): then every file is read."""
    if cache_file is None:
        return {}
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        problems.append((cache_file, f"cannot be read ({error}); it was ignored"))
        return {}
    except ValueError as error:  # (worded as for the findings' cache files)
        problems.append((cache_file, f"not valid JSON ({error}); it was ignored"))
        return {}
    if not isinstance(data, dict):
        problems.append((cache_file, "not a JSON object; it was ignored"))
        return {}
    if any(not isinstance(entry, list) or len(entry) != 8 for entry in data.values()):
        # Valid JSON but no records of ours (an entry is [mtime, size, inode, words, ...]).
        problems.append((cache_file, "unexpected content; it was ignored"))
        return {}
    return data
