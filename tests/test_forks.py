"""The forked copy a check hands some of its contracts to: its result comes back, a failure
there is a failure here (never a value), and a copy given up on is stopped and reaped."""

from __future__ import annotations

import os
import time

import pytest
from ssot_imports.adapters.forks import ForkedWork

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_copy_sends_back_what_its_work_returns() -> None:
    copy = ForkedWork().start(lambda: {"pid": os.getpid(), "items": [1, 2, 3]})
    ok, value = copy.result()
    assert ok
    assert value["items"] == [1, 2, 3]
    assert value["pid"] != os.getpid()  # (it ran in the copy)
    assert _gone(copy.pid)
    copy.cancel()  # reaped already: nothing is killed (its id may be another's by now)


def _fails() -> None:
    raise ValueError("a contract failed in the copy")


@pytest.mark.parametrize("work", [_fails, lambda: os._exit(3), lambda: lambda: None])
def test_a_copy_that_fails_dies_or_sends_nothing_readable_is_a_failure(work) -> None:
    """Raised there, died there, or returned what cannot be sent (a function): (False, None),
    and the caller then does the work itself."""
    copy = ForkedWork().start(work)
    assert copy.result() == (False, None)
    assert _gone(copy.pid)


def test_a_copy_given_up_on_is_stopped_and_reaped() -> None:
    copy = ForkedWork().start(lambda: time.sleep(60))
    started = time.perf_counter()
    copy.cancel()
    assert time.perf_counter() - started < 5
    assert _gone(copy.pid)
