"""Writing checked files back without ever leaving one half-written or changed in mode."""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes and permission bits when it was read."""

    path: Path
    data: bytes
    mode: int


def take_snapshot(path: Path) -> Snapshot:
    return Snapshot(path, path.read_bytes(), stat.S_IMODE(path.stat().st_mode))


def unchanged_since(snapshot: Snapshot) -> bool:
    try:
        return snapshot.path.read_bytes() == snapshot.data
    except OSError:
        return False


def replace_atomically(snapshot: Snapshot, data: bytes) -> None:
    """Write to a temporary file in the same folder, give it the old mode, then rename.

    The rename is atomic on POSIX and Windows, so a reader sees the old file or the new one,
    never a mix; a crash leaves at worst a stray temporary file.
    """
    directory = snapshot.path.parent
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{snapshot.path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, snapshot.mode)
        os.replace(temporary, snapshot.path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
