"""The ``ssot-imports`` command (and ``python -m ssot_imports``): Ctrl-C from the first
moment is one line and exit code 130, never a traceback.

Until the command line takes over, an interrupt ends the process at once: loading the tool
(import-linter, grimp) takes a tenth of a second, during which Python would otherwise print
the traceback of whatever module was being imported.
"""

from __future__ import annotations

import _signal  # (``signal`` itself loads ``enum`` first: a Ctrl-C then was a traceback)
import os
import sys


def _interrupted_while_starting(signum: int, frame: object) -> None:
    print("ssot-imports: interrupted", file=sys.stderr, flush=True)
    os._exit(130)


def main() -> None:
    # Python's own handler means Ctrl-C is to stop the command. A parent may have told it to
    # ignore Ctrl-C instead (a background job of a script): then it stays ignored.
    stoppable = _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler
    if stoppable:
        _signal.signal(_signal.SIGINT, _interrupted_while_starting)
    from .cli import run  # (the tool itself: what takes a while to load)

    run(on_start=_stop_on_ctrl_c if stoppable else lambda: None)


def _stop_on_ctrl_c() -> None:
    """From here on the command turns Ctrl-C into one line and exit code 130."""
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)


if __name__ == "__main__":  # not when a worker process imports it
    main()
