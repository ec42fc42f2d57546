"""What the application needs from the outside world, as interfaces the application owns.

The adapters implement these ports (files, the module index, the prefilter's reads and cache,
import graphs, configuration, contract classes); ``ssot_imports.configuration`` plugs them
together. Nothing in ``application`` opens a file, forks or imports a checked module itself.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from msgspec import Struct, field

from ..domain.findings import Coverage, Diagnostic, Violation
from ..domain.parsing import SourceFile
from ..domain.prefilter import Record, Request


class Snapshot(Struct, frozen=True):
    """A file's bytes and permission bits when it was read (for a safe rewrite)."""

    path: Path
    data: bytes
    mode: int
    owner: tuple[int, int] = (-1, -1)  # (uid, gid): kept when the file is rewritten


class Config(Struct):
    """An import-linter configuration as read: session options and each contract's options."""

    path: Path
    session_options: dict[str, Any]
    contracts_options: list[dict[str, Any]]


class BuiltGraph(Struct):
    """An import graph, and the files it had to leave out (by the module index's paths)."""

    graph: Any
    excluded: dict[Path, Diagnostic] = field(default_factory=dict)


class ContractFindings(Struct):
    """What one of our contracts found: the typed result ``ssot-imports check`` reads."""

    violations: list[Violation]
    diagnostics: list[Diagnostic]
    coverage: Coverage
    warnings: list[str] = field(default_factory=list)
    ignored_imports: int = 0
    # The files this check needed (it read them, or their bytes show they may hold a finding):
    # any of them that could not be read makes the run fail. None: it needs every file.
    needed: set[Path] | None = None

    @property
    def kept(self) -> bool:
        return not self.violations


class Files(Protocol):
    def read_bytes(self, path: Path) -> bytes: ...

    def size(self, path: Path) -> int:
        """The file's size in bytes (0 when it cannot be looked at)."""
        ...

    def read_source(self, path: Path) -> SourceFile:
        """The decoded file; raises ``SourceError`` when it cannot be read or decoded."""
        ...

    def resolve(self, path: Path) -> Path: ...

    def snapshot(self, path: Path) -> Snapshot: ...

    def unchanged_since(self, snapshot: Snapshot) -> bool: ...

    def replace(self, snapshot: Snapshot, data: bytes) -> None: ...

    def write(self, path: Path, data: bytes) -> None:
        """Create or replace a file atomically (its folder is created if missing)."""
        ...

    def mirror(
        self, root: Path, paths: Iterable[Path], target: Path, replaced: dict[Path, bytes]
    ) -> None:
        """Lay ``paths`` (under ``root``) out again under ``target``, with the ``replaced``
        ones' new bytes: the tree ``fix`` would leave, to check it without writing it."""
        ...


class ModuleIndex(Protocol):
    """Every Python file under the root packages, and the module name of each."""

    roots: dict[str, list[Path]]
    linked_directories: list[str]
    # What could not be looked at (an unreadable folder, a link to nothing), with why; known
    # once ``files`` has been called.
    problems: list[tuple[Path, str]]

    @property
    def directories(self) -> list[Path]: ...

    def files(self) -> list[Path]: ...

    def path_of(self, module: str) -> Path | None: ...

    def module_of(self, path: Path) -> str | None: ...

    def is_package(self, module: str) -> bool: ...


class Prefilter(Protocol):
    """Records of every file's bytes, cached between runs (``problems``: cache files that
    could not be used and were ignored)."""

    problems: list[tuple[Path, str]]

    def scan(
        self, files: Iterable[Path], request: Request, part: str = ""
    ) -> dict[Path, Record]: ...


class Memo(Protocol):
    """JSON documents kept between runs (a run's findings), each under a name.

    ``problems`` lists what made a stored document unusable (it is then ignored)."""

    problems: list[tuple[Path, str]]

    @property
    def keeps(self) -> bool:
        """Whether anything stored is kept (no cache: nothing is worth working out)."""
        ...

    def load(self, name: str) -> dict[str, Any] | None: ...

    def has(self, name: str) -> bool: ...

    def store(self, name: str, data: dict[str, Any]) -> None: ...

    def ignore(self, name: str, why: str) -> None:
        """Note that the document under ``name`` could not be used."""
        ...


@runtime_checkable
class OnDemandGraph(Protocol):
    """A graph that knows every module but reads a module's imports only when asked to."""

    scanned: set[str]

    def read_imports_of(self, modules: Iterable[str], *, background: bool = False) -> None: ...

    def prefetch(self, batches: Iterable[Iterable[str]]) -> None: ...

    def wait(self) -> None: ...

    def settle(self) -> None: ...

    def share_scans(self, modules: Iterable[str]) -> Any:
        """Before a copy of this process is made: a way to send it the scans of ``modules``
        (the modules both processes would scan), made once, here."""
        ...

    def send_shared(self, sharing: Any) -> SharedScansSender:
        """In this process, once the copy is made: scan the shared modules first, in the
        background, and send them."""
        ...

    def expect_shared(self, sharing: Any) -> None:
        """In the copy: wait for the shared modules instead of scanning them."""
        ...


class SharedScansSender(Protocol):
    def close(self) -> None:
        """Nothing more is sent: the copy scans itself whatever has not come."""
        ...


class Graphs(Protocol):
    def on_demand_available(self) -> bool: ...

    def on_demand(
        self, index: ModuleIndex, *, exclude_type_checking_imports: bool
    ) -> BuiltGraph: ...

    def whole(
        self,
        index: ModuleIndex,
        *,
        include_external_packages: bool,
        exclude_type_checking_imports: bool,
    ) -> BuiltGraph: ...

    def parsing_whole(self, paths: list[Path]) -> tuple[set[Path], dict[Path, Diagnostic]]:
        """Those of ``paths`` the graph's parser reads whole without a syntax error (none
        where it cannot tell), and those with a syntax error, with its diagnostic."""
        ...


class Configs(Protocol):
    def find(self, explicit: str | None, search: list[Path]) -> Path: ...

    def read(self, path: Path) -> Config: ...

    def locate(self, path: Path, contract_id: str, option: str) -> str:
        """``path``, and the line setting ``option`` in that contract (``""``: the session
        section) when it can be found: where an error message points."""
        ...


class ContractTypes(Protocol):
    def load(self, config: Config) -> dict[str, type]: ...


class BuiltinFindings(Protocol):
    """Violations of import-linter's built-in contracts, read from their check metadata."""

    def violations(
        self, contract_type: str, metadata: Any, graph: Any, path_of: Callable[[str], str]
    ) -> list[Violation]: ...


class InstalledPackages(Protocol):
    def provides(self, name: str, project_directories: Collection[Path]) -> bool:
        """Whether a package installed outside the project really has module ``name``."""
        ...


class Environment(Protocol):
    def on_sys_path(self, root: Path) -> AbstractContextManager[None]: ...

    def is_package(self, name: str) -> bool:
        """Whether ``name`` can be found as a package (its ``__init__`` is not run)."""
        ...

    def fingerprint(self) -> str:
        """What installed packages the run sees: interpreter and module search path."""
        ...


class Revisions(Protocol):
    """The version control around the project root (``check --since``)."""

    def merge_base(self, reference: str) -> str: ...

    def changed_paths(self, base: str) -> set[str]:
        """Project-relative files changed since ``base``, the working tree included."""
        ...

    def write_tree(self, commit: str, destination: Path) -> Path:
        """The project's Python files at ``commit``, written under ``destination``; returns
        the project root there."""
        ...


class Workers(Protocol):
    """Runs a pure, module-level function over many inputs, perhaps in other processes."""

    used: int  # how many processes the last ``map`` ran on (1: this one)

    def map(
        self,
        function: Callable[[Any], Any],
        items: Iterable[Any],
        count: int,
        size: int | None = None,
    ) -> Iterator[Any]:
        """``function`` of each item, in the items' order; ``count``: how many items there
        are, ``size``: how many bytes of input in all, if known (whether other processes are
        worth starting). Items are taken from the iterable only as workers are free for
        them."""
        ...

    def warm_up(self, function: Callable[[Any], Any]) -> None:
        """Get ready to run ``function`` in other processes, in the background (a large
        run is coming); ``map`` decides as before whether to use them."""
        ...


class Forked(Protocol):
    """Work started in a copy of this process."""

    def result(self) -> tuple[bool, Any]:
        """Wait for it: (True, what the work returned), or (False, None) when the copy
        failed (the work raised there, or the copy died): the caller then does it itself."""
        ...

    def cancel(self) -> None:
        """Stop the copy (this process is giving up) and let it go."""
        ...


class Forks(Protocol):
    """Work done meanwhile in a copy of this process, its result sent back."""

    def available(self) -> bool:
        """Whether a copy can be made here, now, safely and usefully (a second CPU)."""
        ...

    def start(self, work: Callable[[], Any]) -> Forked:
        """Start ``work`` (which returns a picklable value) in a copy of this process."""
        ...


class OutsideFiles(Protocol):
    def find(
        self,
        project_root: Path,
        include: Iterable[str],
        exclude: Iterable[str],
        respect_gitignore: bool,
        inside: Iterable[Path],
    ) -> tuple[list[Path], dict[str, tuple[int, int]]]:
        """The included Python files outside the folders ``inside``, and for each include
        glob how many files it matched and how many of them are kept."""
        ...


class Ports(Struct):
    """The adapters a run works through (files, module index, prefilter, graphs, ...)."""

    files: Files
    locate: Callable[[list[str]], ModuleIndex]
    prefilter: Prefilter
    graphs: Graphs
    configs: Configs
    contract_types: ContractTypes
    builtin_findings: BuiltinFindings
    installed: InstalledPackages
    environment: Environment
    memo: Memo
    workers: Workers
    outside: OutsideFiles
    forks: Forks
