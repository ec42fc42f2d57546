"""Ctrl-C at any moment of a check: exit code 130, one line saying so and nothing else (no
Python traceback, no panic message from grimp's scanner), no process left running (the
prefilter's readers, the copy checking some contracts).

Interrupts are sent for real, to the command's process group (as a terminal's Ctrl-C is) and
to its main process alone, at points spread over a run that reads and scans a dense tree with
four façade contracts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, script

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    import facades
    import many_facades
    from generate import generate

    root = tmp_path_factory.mktemp("interrupts")
    generate(root, 2000, seed=5, profile="dense")
    pairs = facades.plant_facades(root, 3, seed=5)
    ours, _ = many_facades.configs(pairs, 4)
    (root / ".importlinter").write_text(ours)
    return root


def _start(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [script("ssot-imports"), "check", "--no-cache"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # (its own group: Ctrl-C reaches every process of the run)
    )


def _left_in_session(session: int) -> list[str]:
    """The processes of a session still running (not zombies waiting to be reaped)."""
    left = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, session_id = fields[0], int(fields[3])
        if session_id == session and state != "Z":
            left.append(entry.name)
    return left


def test_an_interrupt_at_any_moment_ends_the_check_with_one_line(dense: Path) -> None:
    started = time.perf_counter()
    whole = _start(dense)
    whole.communicate(timeout=120)
    duration = time.perf_counter() - started
    assert whole.returncode == 1  # (the planted violations)
    interrupted = 0
    # (Not before a tenth of a run: Python itself starts first, and an interrupt while it
    # imports its site module is its own fatal error.)
    for fraction in (0.1, 0.2, 0.35, 0.5, 0.65):
        for to_group in (True, False):
            process = _start(dense)
            time.sleep(duration * fraction)
            if process.poll() is not None:
                continue  # (it finished first)
            if to_group:
                os.killpg(process.pid, signal.SIGINT)
            else:
                os.kill(process.pid, signal.SIGINT)
            out, err = process.communicate(timeout=60)
            interrupted += 1
            where = f"after {fraction:.0%} of a run, to the {'group' if to_group else 'process'}"
            assert process.returncode == 130, (where, out[-300:], err[-2000:])
            # The one line alone: no Python traceback, no fatal error, and no message from
            # grimp's Rust scanner (interrupted while it makes Python objects, it panics:
            # scans run off the main thread, which takes Ctrl-C while it waits).
            assert err.splitlines() == ["ssot-imports: interrupted"], (where, err[-2000:])
            deadline = time.monotonic() + 5
            while _left_in_session(process.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _left_in_session(process.pid) == [], where
    assert interrupted >= 5


def test_an_interrupt_python_wraps_is_still_an_interrupt() -> None:
    """Ctrl-C while a class is being made (a module loaded on first use) reaches the command
    as a ``RuntimeError`` caused by it: still an interrupt, not an internal error."""
    from ssot_imports.cli import _caused_by_an_interrupt

    class Interrupted:
        def __set_name__(self, owner: type, name: str) -> None:
            raise KeyboardInterrupt

    with pytest.raises(RuntimeError) as wrapped:
        type("Made", (), {"attribute": Interrupted()})
    assert _caused_by_an_interrupt(wrapped.value)
    assert not _caused_by_an_interrupt(RuntimeError("a bug"))


_SCAN_INTERRUPTED = """
import os, signal, sys, threading
sys.path.insert(0, os.getcwd())
from ssot_imports.adapters.locator import ModuleLocator
from ssot_imports.adapters.scoped_graph import ScopedGraph

graph = ScopedGraph(ModuleLocator(["backend"]), exclude_type_checking_imports=False, display=str)
threading.Timer(0.03, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    graph.read_imports_of(sorted(graph.modules))  # (one scan, from the main thread)
except KeyboardInterrupt:
    print("interrupted")
else:
    print("finished")
sys.stdout.flush()
os._exit(0)
"""


def test_an_interrupt_during_a_scan_stops_the_wait_not_the_scanner(dense: Path) -> None:
    """Ctrl-C while grimp scans for the main thread: grimp's scanner makes Python objects
    for what it found, and one interrupted then panics (Rust prints a message and a stack
    trace). The scan runs in a thread of its own; the main thread's wait is interrupted."""
    done = subprocess.run(
        [sys.executable, "-c", _SCAN_INTERRUPTED],
        cwd=dense,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.stdout == "finished\n":
        pytest.skip("the scan of 2,000 dense files ended before the interrupt came")
    assert done.stdout == "interrupted\n", done.stderr[-2000:]
    assert "panicked" not in done.stderr, done.stderr[-2000:]


def test_an_interrupt_its_parent_ignores_is_ignored(dense: Path) -> None:
    """A command started with Ctrl-C ignored (a background job of a script, ``nohup``) keeps
    ignoring it, as lint-imports does: it finishes its check and reports."""
    process = subprocess.Popen(
        [script("ssot-imports"), "check", "--no-cache"],
        cwd=dense,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    for _ in range(5):  # (during its start, and while it checks)
        time.sleep(0.1)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, err[-2000:]  # (the planted violations)
    assert "interrupted" not in err
    assert "violation" in out


def test_the_command_loads_nothing_before_its_interrupt_handler() -> None:
    """Until ``main`` installs its handler, Ctrl-C is Python's: a traceback of whatever module
    was loading. Loading the command's entry module adds no module but the package and the
    entry module themselves (``signal`` would load ``enum`` first: a few milliseconds)."""
    probe = (
        "import sys; before = set(sys.modules); import ssot_imports.__main__; "
        "print(sorted(set(sys.modules) - before))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "['ssot_imports', 'ssot_imports.__main__']", done.stderr
