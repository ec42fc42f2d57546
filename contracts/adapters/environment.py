"""The process around a run: ``sys.path``, the package finder, the CI checkout."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path


class ProcessEnvironment:
    """The application's ``Environment`` port."""

    @contextlib.contextmanager
    def on_sys_path(self, root: Path) -> Iterator[None]:
        """``root`` first on ``sys.path`` while the block runs (as ``lint-imports`` has the
        working directory), so the root packages are found there."""
        entry = str(root)
        sys.path.insert(0, entry)
        importlib.invalidate_caches()
        try:
            yield
        finally:
            with contextlib.suppress(ValueError):
                sys.path.remove(entry)
            importlib.invalidate_caches()

    def fingerprint(self) -> str:
        return "\n".join([sys.version, *sys.path])

    def is_package(self, name: str) -> bool:
        spec = importlib.util.find_spec(name)
        return spec is not None and bool(spec.submodule_search_locations)


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
