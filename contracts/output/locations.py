"""Paths as CI systems want them: relative to the repository checkout, not to --path."""

from __future__ import annotations

import os
from pathlib import Path


def workspace_prefix(project_root: Path) -> str:
    """The project root relative to the checkout (``GITHUB_WORKSPACE`` or the working dir).

    Reports keep paths relative to ``--path``; annotations and SARIF need them relative to
    the repository, so ``--path examples`` yields ``examples/`` in front of each path.
    """
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    try:
        relative = project_root.resolve().relative_to(workspace)
    except ValueError:
        return ""
    text = relative.as_posix()
    return "" if text == "." else text + "/"
