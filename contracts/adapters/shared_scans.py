"""Scans one process makes for a copy of itself, sent through a pipe instead of made twice.

When a copy of the process checks some of a run's contracts (``second_process``), both
processes would scan the files their contracts share: in the dense benchmark with 30 façades,
a third of the copy's scans. Instead, this process scans the shared modules first (those the
copy's first contract needs before the others) and sends what grimp found in them to the copy
as each scan ends; the copy scans none of them itself, and a read that needs one waits until it
has come. A module this process cannot scan (a file grimp cannot take) is named as such, and the
copy scans it itself (and says why it fails, as it would have). Once this process stops
sending (it finished, failed or was interrupted), the copy scans whatever did not come.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import threading
from collections.abc import Iterable
from typing import Any

# What grimp found in one module: (imported module, line number, line contents) per import.
Row = tuple[str, int, str]
# One message: the rows of the shared modules a scan read, and those it could not read.
Message = tuple[dict[str, list[Row]], list[str]]
# The pipe takes the messages of a few hundred modules at once (its default 64 KB would hold
# the scanning thread until the copy's reader has the interpreter lock again).
_PIPE_SIZE = 1 << 20


class ScanSharing:
    """A pipe made before the copy: this process sends through it, the copy receives."""

    def __init__(self, modules: Iterable[str]) -> None:
        self.modules = frozenset(modules)
        self._read_end, self._write_end = os.pipe()
        with contextlib.suppress(OSError, AttributeError):  # (a smaller pipe only waits more)
            fcntl.fcntl(self._write_end, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)

    def sender(self) -> ScanSender:
        """This process's end, once the copy is made."""
        os.close(self._read_end)
        return ScanSender(self.modules, self._write_end)

    def receiver(self) -> ScanReceiver:
        """The copy's end."""
        os.close(self._write_end)
        return ScanReceiver(self._read_end)


class ScanSender:
    """Sends the shared modules' imports from every scan this process makes (once each), and
    the shared modules it could not scan."""

    def __init__(self, modules: frozenset[str], descriptor: int) -> None:
        self._pending = set(modules)
        self._descriptor: int | None = descriptor
        self._lock = threading.Lock()  # (the graph's reading thread and its prefetch offer)

    def offer(self, found: dict[Any, Any]) -> None:
        """What a scan found (grimp's module files and their direct imports)."""
        with self._lock:
            if self._descriptor is None:
                return
            rows: dict[str, list[Row]] = {}
            for module_file, imports in found.items():
                name = module_file.module.name
                if name in self._pending:
                    self._pending.discard(name)
                    rows[name] = [
                        (direct.imported.name, direct.line_number, direct.line_contents)
                        for direct in imports
                    ]
            if rows:
                self._send((rows, []))

    def refuse(self, modules: Iterable[str]) -> None:
        """Modules this process could not scan: the copy scans them itself."""
        with self._lock:
            refused = self._pending.intersection(modules)
            if self._descriptor is None or not refused:
                return
            self._pending -= refused
            self._send(({}, sorted(refused)))

    def close(self) -> None:
        """Nothing more is sent: the copy scans whatever has not come."""
        with self._lock:
            descriptor, self._descriptor = self._descriptor, None
            if descriptor is not None:
                os.close(descriptor)

    def _send(self, message: Message) -> None:
        assert self._descriptor is not None
        try:
            data = memoryview(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(self._descriptor, data) :]
        except OSError:  # the copy is gone (it failed, or was stopped): it needs nothing more
            os.close(self._descriptor)
            self._descriptor = None


class ScanReceiver:
    """Receives the messages in a thread of its own, and holds what came until it is taken."""

    def __init__(self, descriptor: int) -> None:
        self._rows: dict[str, list[Row]] = {}  # come, not yet taken
        self._refused: set[str] = set()
        self._came: set[str] = set()  # every module come so far (rows or refused)
        self._ended = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._listen, args=(descriptor,), daemon=True)
        self._thread.start()

    def _listen(self, descriptor: int) -> None:
        try:
            with os.fdopen(descriptor, "rb") as stream:
                while True:
                    rows, refused = pickle.load(stream)  # (EOFError once the sender is done)
                    with self._changed:
                        self._rows.update(rows)
                        self._refused.update(refused)
                        self._came.update(rows, refused)
                        self._changed.notify_all()
        except Exception:  # the end (or a broken message): the rest is scanned in the copy
            pass
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def take(self, awaited: set[str], *, wait: bool) -> tuple[dict[str, list[Row]], set[str], bool]:
        """What came since the last take: rows, and modules the sender could not scan; and
        whether more may come. With ``wait``, first until each of ``awaited`` has come or
        nothing more will."""
        with self._changed:
            if wait:
                self._changed.wait_for(lambda: self._ended or awaited <= self._came)
            rows, refused = self._rows, self._refused
            self._rows, self._refused = {}, set()
            return rows, refused, not self._ended
