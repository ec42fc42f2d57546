"""The run's files looked up by what their prefilter records show.

Every contract of a run asks the same questions of the same records: which files spell this
word, which import a name spelled so, which could not be read. Testing every record once per
contract costs a walk of the tree per contract; these indexes are built once per run (the one
by imported name only when a check needs it) and each contract then looks its words up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...domain.prefilter import Record


class RecordIndex:
    """Files by prefilter word and by imported name, and the files without a readable record."""

    def __init__(self, records: dict[Path, Record]) -> None:
        self.records = records
        self.unreadable: list[Path] = []
        self.by_word: dict[str, list[Path]] = defaultdict(list)
        for path, record in records.items():
            if not record.readable:
                self.unreadable.append(path)
                continue
            for word in record.words:
                self.by_word[word].append(path)
        self._by_imported: dict[str, list[Path]] | None = None
        self._named_leaves: set[str] | None = None

    @classmethod
    def of(cls, records: dict[Path, Record], shared: dict[Any, Any]) -> RecordIndex:
        """The index of ``records``, built once for the run (kept in ``shared``)."""
        key = ("record index", id(records))
        kept = shared.get(key)
        if kept is None or kept.records is not records:
            kept = shared[key] = cls(records)
        return kept

    @property
    def by_imported(self) -> dict[str, list[Path]]:
        """Files by each name their import statements take or bind."""
        if self._by_imported is None:
            index: dict[str, list[Path]] = defaultdict(list)
            for path, record in self.records.items():
                if record.readable:
                    for name in record.imported:
                        index[name].append(path)
            self._by_imported = index
        return self._by_imported

    def spelling(self, words: Iterable[str]) -> set[Path]:
        """The files whose records hold one of ``words``."""
        found: set[Path] = set()
        for word in words:
            found.update(self.by_word.get(word, ()))
        return found

    def importing(self, names: Iterable[str]) -> set[Path]:
        """The files whose import statements may take or bind one of ``names``."""
        found: set[Path] = set()
        index = self.by_imported
        for name in names:
            found.update(index.get(name, ()))
        return found

    def may_be_imported(self, module: str) -> bool:
        """Whether some file's imports may name ``module``: its last name is one an import
        statement takes or binds, or ends a module path one names (``from .ws import X``)."""
        if self._named_leaves is None:
            leaves = set(self.by_imported)
            for record in self.records.values():
                leaves.update(path.rpartition(".")[2] for path in record.paths)
            self._named_leaves = leaves
        return module.rpartition(".")[2] in self._named_leaves
