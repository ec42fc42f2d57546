"""The git repository around the project root: a merge base, the files changed since, and the
Python files of a commit written out to a folder, read with ``git cat-file`` (no checkout, the
working tree untouched)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..domain.errors import UsageError

_SOURCE_SUFFIXES = (".py", ".pyi")


class GitRevisions:
    """The application's ``Revisions`` port, for the repository holding ``project_root``."""

    def __init__(self, project_root: Path, option: str = "--since") -> None:
        self.project_root = project_root.resolve()
        self.option = option
        self.top = Path(self._git("rev-parse", "--show-toplevel", what="find the repository"))
        # The project root inside the repository, as git spells paths ("" at the top).
        relative = self.project_root.relative_to(self.top.resolve()).as_posix()
        self.prefix = "" if relative == "." else relative + "/"

    def merge_base(self, reference: str) -> str:
        """The commit where HEAD left ``reference``: what a pull request is compared with."""
        head = self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        if head.returncode:
            raise UsageError(f"{self.option} {reference}: the repository has no commit yet")
        named = self._run("rev-parse", "--verify", "--quiet", f"{reference}^{{commit}}")
        if named.returncode:
            raise UsageError(
                f"{self.option} {reference}: no such commit, branch or tag in {self.top}"
                f"{self._shallow_hint()}"
            )
        base = self._run("merge-base", named.stdout.strip(), head.stdout.strip())
        if base.returncode:
            hint = self._shallow_hint() or " (the two have no common history)"
            raise UsageError(f"{self.option} {reference}: no merge base with HEAD{hint}")
        return base.stdout.strip()

    def changed_paths(self, base: str) -> set[str]:
        """Files changed since ``base`` (committed, staged, unstaged or new), relative to the
        project root."""
        listed = self._git("diff", "--name-only", "-z", "--no-renames", base, "--", what="diff")
        untracked = self._git("ls-files", "-z", "--others", "--exclude-standard", what="list")
        # ls-files answers relative to the working directory, which is the top (-C).
        return {
            path[len(self.prefix) :]
            for path in (*listed.split("\0"), *untracked.split("\0"))
            if path and path.startswith(self.prefix)
        }

    def write_tree(self, commit: str, destination: Path) -> Path:
        """Write the Python files of the project root at ``commit`` under ``destination``,
        keeping their place in the repository; returns the project root there."""
        listing = self._git(
            "ls-tree", "-r", "-z", "--full-tree", commit, "--", self.prefix or ".", what="list"
        )
        entries = []
        for record in filter(None, listing.split("\0")):
            meta, _, path = record.partition("\t")
            mode, kind, blob = meta.split()
            if kind == "blob" and path.endswith(_SOURCE_SUFFIXES):
                entries.append((mode, blob, path))
        for (mode, path), data in zip(
            [(mode, path) for mode, _, path in entries],
            self._blobs([blob for _, blob, _ in entries]),
            strict=True,
        ):
            target = destination.joinpath(*PurePosixPath(path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if mode == "120000":
                os.symlink(os.fsdecode(data), target)
            else:
                target.write_bytes(data)
        root = destination.joinpath(*PurePosixPath(self.prefix).parts)
        root.mkdir(parents=True, exist_ok=True)
        return root

    def _blobs(self, blobs: list[str]) -> Iterator[bytes]:
        """Each blob's bytes in turn, from one ``git cat-file --batch`` process; the names are
        fed from a thread so that neither pipe fills up."""
        if not blobs:
            return
        process = subprocess.Popen(
            ["git", "-C", str(self.top), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdin and process.stdout and process.stderr

        def feed() -> None:
            with contextlib.suppress(BrokenPipeError), process.stdin:  # type: ignore[union-attr]
                for blob in blobs:
                    process.stdin.write(blob.encode() + b"\n")  # type: ignore[union-attr]

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        try:
            for _ in blobs:
                header = process.stdout.readline().split()
                if len(header) != 3:
                    raise UsageError(
                        f"{self.option}: git cat-file failed: "
                        f"{_first_line(process.stderr.read() or b' '.join(header))}"
                    )
                data = process.stdout.read(int(header[2]) + 1)[:-1]
                yield data
        finally:
            feeder.join()
            process.stdout.close()
            process.stderr.close()
            process.wait()

    def _shallow_hint(self) -> str:
        shallow = self._run("rev-parse", "--is-shallow-repository")
        if shallow.stdout.strip() == "true":
            return (
                "; the clone is shallow: fetch the history (actions/checkout with "
                "fetch-depth: 0, or git fetch --unshallow)"
            )
        return ""

    def _git(self, *arguments: str, what: str) -> str:
        result = self._run(*arguments)
        if result.returncode:
            if "not a git repository" in result.stderr:
                raise UsageError(f"{self.option}: {self.project_root} is not in a git repository")
            raise UsageError(f"{self.option}: git cannot {what}: {_first_line(result.stderr)}")
        return result.stdout.rstrip("\n") if arguments[0] == "rev-parse" else result.stdout

    def _run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        cwd = getattr(self, "top", None) or self.project_root
        try:
            return subprocess.run(
                ["git", "-C", str(cwd), *arguments],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
            )
        except FileNotFoundError:
            raise UsageError(f"{self.option}: git is not installed (it reads the base)") from None


def _first_line(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = text.strip().splitlines()
    return lines[0] if lines else "no message"
