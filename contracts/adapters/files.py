"""The local file system as the application sees it: reading checked files, and writing any
file (fixed source, caches, baselines) without ever leaving one half-written."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

from ..application.ports import Snapshot
from ..domain import rules
from ..domain.parsing import SourceError, SourceFile, decode_source


def write_atomically(
    path: Path, data: bytes, mode: int | None = None, *, durable: bool = True
) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``.

    The rename is atomic on POSIX and Windows, so a reader sees the old file or the new one,
    never a mix; a crash leaves at worst a stray temporary file. ``mode``: the permission bits
    the file gets (default: those of a new file). ``durable``: flushed to disk before the
    rename (a cache that can be rebuilt skips it).
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def store_json(path: Path, data: object) -> None:
    """Write a JSON document of the cache atomically; a cache that cannot be written is
    simply not written (the next run works it out again)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # json.dumps, not json.dump: only the one-shot form uses the C encoder.
        text = json.dumps(data, separators=(",", ":"))
        write_atomically(path, text.encode("utf-8"), durable=False)
    except OSError:
        pass


class LocalFiles:
    """Reads and writes of the checked tree (the application's ``Files`` port)."""

    def read_bytes(self, path: Path) -> bytes:
        return path.read_bytes()

    def read_source(self, path: Path) -> SourceFile:
        """Read and decode a Python file; raises SourceError naming what went wrong."""
        try:
            data = path.read_bytes()
        except OSError as error:
            message = f"cannot read file: {error.strerror}"
            raise SourceError(rules.UNREADABLE_FILE, path, message) from None
        return decode_source(path, data)

    def resolve(self, path: Path) -> Path:
        return path.resolve()

    def snapshot(self, path: Path) -> Snapshot:
        return Snapshot(path, path.read_bytes(), stat.S_IMODE(path.stat().st_mode))

    def unchanged_since(self, snapshot: Snapshot) -> bool:
        try:
            return snapshot.path.read_bytes() == snapshot.data
        except OSError:
            return False

    def replace(self, snapshot: Snapshot, data: bytes) -> None:
        """Replace a file read as ``snapshot`` with ``data``, keeping its permission bits."""
        write_atomically(snapshot.path, data, snapshot.mode)

    def write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
