"""JSON documents kept between runs in the cache folder, written atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .files import store_json


class MemoFiles:
    """The application's ``Memo`` port; ``folder`` None: nothing is kept."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.problems: list[tuple[Path, str]] = []

    @property
    def keeps(self) -> bool:
        return self.folder is not None

    def load(self, name: str) -> dict[str, Any] | None:
        path = self._path(name)
        if path is None:
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            self.problems.append((path, f"cannot be read ({error}); it was ignored"))
            return None
        try:
            data = json.loads(text)
        except ValueError as error:
            self.problems.append((path, f"not valid JSON ({error}); it was ignored"))
            return None
        if not isinstance(data, dict):
            self.problems.append((path, "not a JSON object; it was ignored"))
            return None
        return data

    def has(self, name: str) -> bool:
        """Whether a document is kept under ``name`` (it may still be stale)."""
        path = self._path(name)
        return path is not None and path.is_file()

    def ignore(self, name: str, why: str) -> None:
        path = self._path(name)
        if path is not None:
            self.problems.append((path, f"{why}; it was ignored"))

    def store(self, name: str, data: dict[str, Any]) -> None:
        """Write ``data`` (a cache that cannot be written is simply not written)."""
        path = self._path(name)
        if path is not None:
            store_json(path, data)

    def _path(self, name: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.json"
