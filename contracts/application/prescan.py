"""One cheap pass over the bytes of every file, remembered between runs.

Before anything is parsed, each file under the roots is read once and tested with substring
searches (and one anchored regular expression for import lines). The contracts then parse
only the few files these facts point to. The facts are cached beside import-linter's cache,
keyed by each file's size and modification time and by what was asked, so a warm run reads
only the files that changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Both run on the text with a newline in front: a pattern that starts with a literal
# character is searched for quickly, where a line-start anchor is tried at every position.
_IMPORT_TOP = re.compile(rb"\n[ \t]*(?:from|import)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
# `import a, b.c as d`: the names after the first comma (rare, so a second, narrow pass).
_MULTIPLE_IMPORT = re.compile(rb"\n[ \t]*import[ \t]+[^\n#;]*,[^\n#;]*")
_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
CACHE_VERSION = 4
# Label prefix of an import word found where an import statement could be: ``import:word``.
IMPORT_CONTEXT = "import"


@dataclass(frozen=True)
class Record:
    """What one file contains, as far as the prefilters are concerned."""

    words: frozenset[str]  # the requested substrings that occur in the file
    tops: frozenset[str]  # first names of imports at line starts
    readable: bool = True


@dataclass(frozen=True)
class Request:
    """What to look for: substrings, and named patterns tried on files containing a trigger.

    A pattern ``(label, regex, triggers)`` runs only on files that contain one of its trigger
    substrings; when it matches, ``label`` is added to the file's words (with a capturing
    group: ``label:captured`` for every match). An import word found on a line that could
    hold an import statement adds ``import:word``. Imported top-level names are always
    collected.
    """

    words: tuple[str, ...]
    patterns: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    import_words: tuple[str, ...] = ()

    def key(self) -> str:
        text = json.dumps(
            [CACHE_VERSION, sorted(self.words), sorted(self.patterns), sorted(self.import_words)]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def scan(
    files: Iterable[Path],
    request: Request,
    cache_dir: Path | None,
    contents: dict[Path, bytes] | None = None,
) -> dict[Path, Record]:
    """The record of every file, from the cache where the file has not changed.

    With ``contents``, the bytes of every file read are kept there, for later searches of
    words nobody knew to ask for yet.
    """
    paths = list(files)
    cache_file = None if cache_dir is None else cache_dir / f"prescan-{request.key()}.json"
    cached = _load(cache_file)
    reader = _Reader(request, cached, keep=contents is not None)
    results = _read_all(reader, [str(path) for path in paths])
    records: dict[Path, Record] = {}
    entries: dict[str, list] = {}
    changed = False
    unreadable = Record(frozenset(), frozenset(), readable=False)
    for path, (state, stamp, words, tops, data) in zip(paths, results, strict=True):
        if state == _UNREADABLE:
            records[path] = unreadable
            continue
        records[path] = Record(frozenset(words), frozenset(tops))
        changed = changed or state == _READ
        if contents is not None and data is not None:
            contents[path] = data
        if cache_file is not None:
            entries[str(path)] = [*stamp, sorted(words), sorted(tops)]
    if cache_file is not None and (changed or len(entries) != len(cached)):
        _store(cache_file, entries)
    return records


# What became of one file: (state, [mtime_ns, size], words, tops, bytes kept or None).
_UNREADABLE, _CACHED, _READ = 0, 1, 2
_Result = tuple[int, list[int], list[str], list[str], bytes | None]
# Below this many files a second process costs more than it saves.
_PARALLEL_MINIMUM = 500


class _Reader:
    """Reads files and works out their records; picklable results, so a child can help."""

    def __init__(self, request: Request, cached: dict[str, list], keep: bool) -> None:
        self.cached = cached
        self.keep = keep
        self.words = [(word, word.encode()) for word in request.words]
        self.patterns = [
            (label, re.compile(regex.encode()), [t.encode() for t in triggers])
            for label, regex, triggers in request.patterns
        ]
        self.import_words = [
            (f"{IMPORT_CONTEXT}:{word}", word.encode()) for word in request.import_words
        ]

    def read(self, names: list[str]) -> list[_Result]:
        return [self._one(name) for name in names]

    def _one(self, name: str) -> _Result:
        try:
            descriptor = os.open(name, os.O_RDONLY)
        except OSError:
            return (_UNREADABLE, [], [], [], None)
        try:  # os.open/os.read: a third of the cost of open().read() for small files
            status = os.fstat(descriptor)
            stamp = [status.st_mtime_ns, status.st_size]
            entry = self.cached.get(name)
            if entry is not None and entry[:2] == stamp:
                return (_CACHED, stamp, entry[2], entry[3], None)
            data = os.read(descriptor, status.st_size + 1)
        except OSError:
            return (_UNREADABLE, [], [], [], None)
        finally:
            os.close(descriptor)
        words, tops = self.facts(data)
        return (_READ, stamp, words, tops, data if self.keep else None)

    def facts(self, data: bytes) -> tuple[list[str], list[str]]:
        """The requested words a file contains, and the first names of its imports."""
        found = [word for word, raw in self.words if raw in data]
        for label, pattern, triggers in self.patterns:
            if not any(trigger in data for trigger in triggers):
                continue
            for match in pattern.finditer(data):
                # A pattern with a group records what it captured: ``label:captured``
                # (``label:?`` when the group did not take part in the match).
                if pattern.groups:
                    captured = match.group(1)
                    found.append(f"{label}:{captured.decode() if captured else '?'}")
                else:
                    found.append(label)
                    break
        for label, raw in self.import_words:
            if raw in data and _in_import_context(data, raw):
                found.append(label)
        lines = b"\n" + data
        tops = set(_IMPORT_TOP.findall(lines))
        for line in _MULTIPLE_IMPORT.findall(lines):
            for part in line.split(b",")[1:]:
                name = _NAME.match(part.strip())
                if name:
                    tops.add(name.group())
        return sorted(set(found)), sorted(map(bytes.decode, tops))


def _read_all(reader: _Reader, names: list[str]) -> list[_Result]:
    """All results, in order; on Linux with two CPUs or more, a forked child reads the second
    half of a large tree while this process reads the first."""
    if len(names) < _PARALLEL_MINIMUM or not _can_fork():
        return reader.read(names)
    half = len(names) // 2
    incoming, outgoing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, whose coverage is not collected
        status = 1
        try:
            os.close(incoming)
            with os.fdopen(outgoing, "wb") as stream:
                pickle.dump(reader.read(names[half:]), stream, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    os.close(outgoing)
    first = reader.read(names[:half])
    try:
        with os.fdopen(incoming, "rb") as stream:
            second = pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError):
        second = None
    _, status = os.waitpid(child, 0)
    if second is None or status != 0 or len(second) != len(names) - half:
        second = reader.read(names[half:])  # the child failed: do its share here
    return first + second


def _can_fork() -> bool:
    """Linux, two CPUs or more, and no other thread in this process: a thread (grimp's scanner
    keeps a pool) could hold a lock at the moment of the fork that the child then waits on."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2 and len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _in_import_context(data: bytes, word: bytes) -> bool:
    """Whether ``word`` occurs on a line that could hold an import statement.

    A line that starts with ``#`` or with a quote is a comment, a string or the inside of a
    string, so it cannot import anything unless a ``;`` comes before the word. Every other
    line counts: prose inside a docstring makes a file a candidate, never the reverse.
    """
    position = data.find(word)
    while position != -1:
        start = max(data.rfind(b"\n", 0, position), data.rfind(b"\r", 0, position)) + 1
        head = data[start:position]
        if head.lstrip()[:1] not in (b"#", b'"', b"'") or b";" in head:
            return True
        position = data.find(word, position + len(word))
    return False


def learned_words(cache_dir: Path | None, request: Request) -> list[str]:
    """Words an earlier run with this request had to search every file for (see ``learn``)."""
    if cache_dir is None:
        return []
    data = _load(cache_dir / f"learned-{request.key()}.json")
    words = data.get("words")
    return [w for w in words if isinstance(w, str)] if isinstance(words, list) else []


def learn(cache_dir: Path | None, request: Request, words: list[str]) -> None:
    """Remember words found to matter only while checking (a shim's new name for a canonical
    object), so the next run asks for them up front and its cache answers for them."""
    if cache_dir is not None and len(words) <= _MAXIMUM_LEARNED:
        _store(cache_dir / f"learned-{request.key()}.json", {"words": sorted(words)})


_MAXIMUM_LEARNED = 500


def _load(cache_file: Path | None) -> dict[str, list]:
    if cache_file is None:
        return {}
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache yet, or an unusable one: scan everything
    return data if isinstance(data, dict) else {}


def _store(cache_file: Path, entries: dict[str, Any]) -> None:
    """Write the cache atomically; a cache that cannot be written is simply not written."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache_file.parent, prefix=f".{cache_file.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            # json.dumps, not json.dump: only the one-shot form uses the C encoder.
            stream.write(json.dumps(entries, separators=(",", ":")))
        os.replace(temporary, cache_file)
    except OSError:
        pass
