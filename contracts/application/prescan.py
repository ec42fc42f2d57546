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
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_IMPORT_TOP = re.compile(rb"^[ \t]*(?:from|import)[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
# `import a, b.c as d`: the names after the first comma (rare, so a second, narrow pass).
_MULTIPLE_IMPORT = re.compile(rb"^[ \t]*import[ \t]+[^\n#;]*,[^\n#;]*", re.MULTILINE)
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
    cache_file = None if cache_dir is None else cache_dir / f"prescan-{request.key()}.json"
    cached = _load(cache_file)
    records: dict[Path, Record] = {}
    entries: dict[str, list] = {}
    changed = False
    encoded = [(word, word.encode()) for word in request.words]
    patterns = [
        (label, re.compile(regex.encode()), [t.encode() for t in triggers])
        for label, regex, triggers in request.patterns
    ]
    import_words = [(f"{IMPORT_CONTEXT}:{word}", word.encode()) for word in request.import_words]
    unreadable = Record(frozenset(), frozenset(), readable=False)
    for path in files:
        name = str(path)
        try:
            descriptor = os.open(name, os.O_RDONLY)
        except OSError:
            records[path] = unreadable
            continue
        try:  # os.open/os.read: a third of the cost of open().read() for small files
            status = os.fstat(descriptor)
            stamp = [status.st_mtime_ns, status.st_size]
            entry = cached.get(name)
            if entry is not None and entry[:2] == stamp:
                records[path] = Record(frozenset(entry[2]), frozenset(entry[3]))
                entries[name] = entry
                continue
            data = os.read(descriptor, status.st_size + 1)
        except OSError:
            records[path] = unreadable
            continue
        finally:
            os.close(descriptor)
        changed = True
        if contents is not None:
            contents[path] = data
        found = {word for word, raw in encoded if raw in data}
        for label, pattern, triggers in patterns:
            if not any(trigger in data for trigger in triggers):
                continue
            for match in pattern.finditer(data):
                # A pattern with a group records what it captured: ``label:captured``
                # (``label:?`` when the group did not take part in the match).
                if pattern.groups:
                    captured = match.group(1)
                    found.add(f"{label}:{captured.decode() if captured else '?'}")
                else:
                    found.add(label)
                    break
        for label, raw in import_words:
            if raw in data and _in_import_context(data, raw):
                found.add(label)
        words = frozenset(found)
        found_tops = set(_IMPORT_TOP.findall(data))
        for line in _MULTIPLE_IMPORT.findall(data):
            for part in line.split(b",")[1:]:
                name = _NAME.match(part.strip())
                if name:
                    found_tops.add(name.group())
        tops = frozenset(top.decode() for top in found_tops)
        records[path] = Record(words, tops)
        if cache_file is not None:
            entries[name] = [*stamp, sorted(words), sorted(tops)]
    if cache_file is not None and (changed or len(entries) != len(cached)):
        _store(cache_file, entries)
    return records


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


def _load(cache_file: Path | None) -> dict[str, list]:
    if cache_file is None:
        return {}
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache yet, or an unusable one: scan everything
    return data if isinstance(data, dict) else {}


def _store(cache_file: Path, entries: dict[str, list]) -> None:
    """Write the cache atomically; a cache that cannot be written is simply not written."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache_file.parent, prefix=".prescan.")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(entries, stream, separators=(",", ":"))
        os.replace(temporary, cache_file)
    except OSError:
        pass
