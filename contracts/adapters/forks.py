"""Work done meanwhile in a forked copy of this process, its result sent back by a pipe.

A check of many contracts hands half of them to a copy made once the tree is read and before
any import is scanned: each process then scans and analyses its own share, on its own CPU.
A copy is only made where it is safe (Linux, one thread: a thread could hold a lock at the
moment of the fork that the copy would then wait on forever) and worth it (two CPUs).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any


def can_fork() -> bool:
    """Linux, two CPUs or more, and no other thread in this process: a thread (grimp's scanner
    keeps a pool) could hold a lock at the moment of the fork that the child then waits on."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2 and len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class ForkedWork:
    """The application's ``Forks`` port."""

    def available(self) -> bool:
        return can_fork()

    def start(self, work: Callable[[], Any]) -> Copy:
        """Run ``work`` in a forked child, which sends back what it returns."""
        incoming, outgoing = os.pipe()
        # Ctrl-C during the fork would be lost: Python runs the ``at_fork`` handlers (the
        # logging module's) then, and ignores what they raise. Held back until it is done.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            child = os.fork()
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(incoming)
            os.close(outgoing)
            raise
        if child == 0:  # pragma: no cover - runs in the child, whose coverage is not collected
            status = 1
            try:  # (entered before Ctrl-C is let through: the child never reports it itself)
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                os.close(incoming)
                with os.fdopen(outgoing, "wb") as stream:
                    pickle.dump(work(), stream, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
        copy = Copy(child, incoming)
        os.close(outgoing)
        try:  # (Ctrl-C held back during the fork comes now: the copy is then stopped)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        except BaseException:
            copy.cancel()
            raise
        return copy


class Copy:
    """A forked child at work, and the pipe its result comes by."""

    def __init__(self, pid: int, incoming: int) -> None:
        self.pid = pid
        self.incoming: int | None = incoming
        self.reaped = False  # (once reaped, its process id may be another process's)

    def result(self) -> tuple[bool, Any]:
        """(True, what the work returned), or (False, None) if the child failed (the work
        raised there, or it died, or its result could not be read)."""
        incoming, self.incoming = self.incoming, None  # (the stream closes it)
        assert incoming is not None, "a copy's result is taken once"
        try:
            with os.fdopen(incoming, "rb") as stream:
                value = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            value, failed = None, True
        else:
            failed = False
        _, status = os.waitpid(self.pid, 0)
        self.reaped = True
        return (False, None) if failed or status != 0 else (True, value)

    def cancel(self) -> None:
        """Stop the child and reap it (nothing if it was reaped already)."""
        if self.reaped:
            return
        self.reaped = True
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        if self.incoming is not None:
            with contextlib.suppress(OSError):
                os.close(self.incoming)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)
