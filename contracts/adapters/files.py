"""The local file system as the application sees it: reading checked files, and writing any
file (fixed source, caches, baselines) without ever leaving one half-written."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ..application.ports import Snapshot
from ..domain import rules
from ..domain.parsing import SourceError, SourceFile, decode_source


def write_atomically(
    path: Path,
    data: bytes,
    mode: int | None = None,
    *,
    durable: bool = True,
    owner: tuple[int, int] = (-1, -1),
) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``.

    The rename is atomic on POSIX and Windows, so a reader sees the old file or the new one,
    never a mix; a crash leaves at worst a stray temporary file. ``mode``: the permission bits
    the file gets (default: those of a new file). ``durable``: flushed to disk before the
    rename (a cache that can be rebuilt skips it). ``owner``: the (uid, gid) to keep, where
    this process may set them (root rewriting another user's file). A symbolic link stays
    one: the file it leads to is the one rewritten.
    """
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    handle, temporary = _new_file_beside(path)
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
        if owner != (-1, -1) and hasattr(os, "chown"):
            # Not root: the file is the user's own, or they could not have written it.
            with contextlib.suppress(PermissionError):
                os.chown(temporary, *owner)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_file_beside(path: Path) -> tuple[int, str]:
    """A new, empty file in ``path``'s folder, open for writing, readable by its owner only
    (as ``tempfile.mkstemp`` makes one; that module is not imported by a check, which starts
    faster without it). Its name holds this process's id; ``O_EXCL`` rules out sharing it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for attempt in range(_TEMPORARY_ATTEMPTS):
        name = str(path.parent / f".{path.name}.{os.getpid()}-{attempt}.tmp")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue  # a crash's leftover, or another thread's file
    raise FileExistsError(f"no free temporary name beside {path}")


_TEMPORARY_ATTEMPTS = 1000


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

    def size(self, path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0

    def read_source(self, path: Path) -> SourceFile:
        """Read and decode a Python file; raises SourceError naming what went wrong."""
        try:
            data = read_whole(path)
        except OSError as error:
            message = f"cannot read file: {error.strerror}"
            raise SourceError(rules.UNREADABLE_FILE, path, message) from None
        return decode_source(path, data)

    def resolve(self, path: Path) -> Path:
        return path.resolve()

    def mirror(
        self, root: Path, paths: Iterable[Path], target: Path, replaced: dict[Path, bytes]
    ) -> None:
        for path in paths:
            destination = target / path.relative_to(root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path in replaced:
                destination.write_bytes(replaced[path])
                continue
            try:
                os.link(path, destination)  # the same bytes, without copying them
            except OSError:
                import shutil  # here: a check never copies a file (start-up time)

                shutil.copyfile(path, destination)

    def snapshot(self, path: Path) -> Snapshot:
        status = path.stat()
        return Snapshot(
            path, path.read_bytes(), stat.S_IMODE(status.st_mode), (status.st_uid, status.st_gid)
        )

    def unchanged_since(self, snapshot: Snapshot) -> bool:
        try:
            return snapshot.path.read_bytes() == snapshot.data
        except OSError:
            return False

    def replace(self, snapshot: Snapshot, data: bytes) -> None:
        """Replace a file read as ``snapshot`` with ``data``, keeping its permission bits."""
        write_atomically(snapshot.path, data, snapshot.mode, owner=snapshot.owner)

    def write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)


def read_whole(path: Path) -> bytes:
    """A file's bytes through ``os.open``/``os.read``: a third less time than
    ``Path.read_bytes`` (no file object), and a check reads thousands of files. Reads until
    the end whatever the size said (a file may grow, a file system may read short)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        parts = [os.read(descriptor, os.fstat(descriptor).st_size + 1)]
        while parts[-1]:
            parts.append(os.read(descriptor, 1 << 16))
    finally:
        os.close(descriptor)
    return parts[0] if len(parts) == 2 else b"".join(parts)
