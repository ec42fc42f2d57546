"""Run-wide settings the CLI sets before contracts run; plain `lint-imports` keeps the defaults.

Like import-linter's own ``settings``, this lets the contract classes (which import-linter
instantiates itself) learn about the run they are part of without new constructor arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RunSettings:
    # Reported paths are relative to this directory (default: the working directory).
    project_root: Path | None = None
    # Files the graph builder had to leave out, with the diagnostic kind that explains why.
    excluded_files: dict[Path, str] = field(default_factory=dict)
    # Where the per-file analysis cache lives (None: no cache).
    cache_dir: Path | None = None

    def root(self) -> Path:
        return self.project_root or Path.cwd()

    def display_path(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root().resolve()).as_posix()
        except ValueError:
            return path.as_posix()


settings = RunSettings()
