"""Run-wide settings the CLI sets before contracts run; plain `lint-imports` keeps the defaults.

Like import-linter's own ``settings``, this lets the contract classes (which import-linter
instantiates itself) learn about the run they are part of without new constructor arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..adapters.source import ModuleLocator
from ..domain.rules import Rule
from .prescan import Request


@dataclass
class RunSettings:
    # Reported paths are relative to this directory (default: the working directory).
    project_root: Path | None = None
    # Files the graph builder had to leave out, with the diagnostic kind that explains why.
    excluded_files: dict[Path, Rule] = field(default_factory=dict)
    # Where the per-file prefilter cache lives (None: no cache), beside import-linter's.
    cache_dir: Path | None = None

    _displayed: dict[Path, str] = field(default_factory=dict, repr=False)
    _locators: dict[tuple[str, ...], ModuleLocator] = field(default_factory=dict, repr=False)
    # Prefilter records of this run, by root packages: later contracts reuse the file reads.
    scans: dict[tuple[str, ...], tuple[Request, dict]] = field(default_factory=dict, repr=False)

    def reset(self, project_root: Path | None = None, cache_dir: Path | None = None) -> None:
        """Start a new run: a new root, no excluded files, no cached display paths."""
        self.project_root = project_root
        self.cache_dir = cache_dir
        self.excluded_files = {}
        self._displayed = {}
        self._locators = {}
        self.scans = {}

    def remember_scan(self, root_packages: list[str], request: Request, records: dict) -> None:
        self.scans[tuple(root_packages)] = (request, records)

    def prescanned(self, root_packages: list[str], request: Request | None = None) -> dict | None:
        """Records of this run's earlier scan, if it looked for everything ``request`` needs."""
        found = self.scans.get(tuple(root_packages))
        if found is None:
            return None
        done, records = found
        if request is None or (
            set(request.words) <= set(done.words) and set(request.patterns) <= set(done.patterns)
        ):
            return records
        return None

    def locator(self, root_packages: list[str]) -> ModuleLocator:
        """One locator (one directory walk) per set of root packages and run."""
        key = tuple(root_packages)
        if key not in self._locators:
            self._locators[key] = ModuleLocator(list(root_packages))
        return self._locators[key]

    def root(self) -> Path:
        return self.project_root or Path.cwd()

    def display_path(self, path: Path) -> str:
        """``path`` relative to the project root (cached: reports ask for it often)."""
        if path not in self._displayed:
            root = self.root().resolve()
            try:
                text = path.relative_to(root).as_posix() if path.is_absolute() else None
            except ValueError:
                text = None
            if text is None:
                try:
                    text = path.resolve().relative_to(root).as_posix()
                except ValueError:
                    text = path.as_posix()
            self._displayed[path] = text
        return self._displayed[path]


settings = RunSettings()
