"""Python files outside the root packages that a contract includes by glob (``scripts/``,
backup folders, loose files at the repository root), minus its excluded globs and what git
ignores."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..domain.errors import ConfigurationError


class OutsideFiles:
    """The application's ``OutsideFiles`` port, on the local file system and git."""

    def find(
        self,
        project_root: Path,
        include: Iterable[str],
        exclude: Iterable[str],
        respect_gitignore: bool,
        inside: Iterable[Path],
    ) -> tuple[list[Path], dict[str, tuple[int, int]]]:
        """The included ``.py`` files that are not under ``inside`` (the root packages'
        folders), and for each include glob how many files it matched and how many of them
        are kept."""
        root = project_root.resolve()
        for option, patterns in (("include", include), ("exclude", exclude)):
            for pattern in patterns:
                if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
                    raise ConfigurationError(
                        option, pattern, "a glob is relative to the project root, without `..`"
                    )
        folders = [folder.resolve() for folder in inside]
        found: set[Path] = set()
        matches: dict[str, set[Path]] = {}
        for pattern in include:
            matches[pattern] = {path for path in _glob(root, pattern) if path.suffix == ".py"}
            found |= matches[pattern]
        for pattern in exclude:
            for path in _glob(root, pattern):
                found.discard(path)
                if path.is_dir():
                    found = {f for f in found if path not in f.parents}
        found = {
            path
            for path in found
            if path.is_file() and not any(folder in path.parents for folder in folders)
        }
        if respect_gitignore and found:
            found -= _ignored(root, found)
        counts = {pattern: (len(paths), len(paths & found)) for pattern, paths in matches.items()}
        return sorted(found), counts


def _glob(root: Path, pattern: str) -> list[Path]:
    """``pattern`` relative to ``root`` (``**`` crosses folders)."""
    return [path.resolve() for path in root.glob(pattern)]


def _ignored(root: Path, paths: set[Path]) -> set[Path]:
    """The paths git ignores (``.gitignore``, ``info/exclude``, the global excludes); none
    outside a git work tree, or without git."""
    import subprocess  # here: only a run with `include` globs asks git (start-up time)

    names = "\0".join(str(path.relative_to(root)) for path in sorted(paths)) + "\0"
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "-z", "--stdin"],
            input=names.encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if result.returncode not in (0, 1):  # 1: none ignored; 128: not a work tree
        return set()
    return {(root / name).resolve() for name in result.stdout.decode().split("\0") if name}
