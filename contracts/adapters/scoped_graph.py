"""An import graph that knows every module but reads the imports of the asked-for ones only.

grimp reads every file of the root packages to build its graph. A ``canonical_import`` check
only needs the imports of the files that could import one of its targets, and a byte
prefilter has already picked those out (usually a small share of the tree). This graph lists
every module exactly as grimp's module finder does, and scans a module's imports the first
time it is asked to, with grimp's own scanner: import resolution, line numbers and line texts
are grimp's. Queries answer for the scanned modules only; the analysis using it is responsible
for scanning every module that could matter first.
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from grimp import exceptions as grimp_exceptions

from ..application.ports import ModuleIndex
from ..domain import rules
from ..domain.errors import UsageError
from ..domain.findings import Diagnostic
from .graph_builder import (
    GRIMP_FILE_FAILURES,
    LoopSafeFileSystem,
    excluded_modules,
    index_path,
    is_panic,
    left_out_at_start,
    panic_message,
    quiet_stderr,
    raise_if_interrupted,
    unreadable_file,
    without_modules,
)
from .grimp_internals import FoundPackage, Module, ModuleFile, find_packages, scanner
from .scan_scope import ScanScope
from .shared_scans import Row, ScanReceiver, ScanSender, ScanSharing


class _NoTimesFileSystem(LoopSafeFileSystem):
    """grimp's file system, minus a ``stat`` per module: modification times are only for
    grimp's cache, which a scoped graph does not use."""

    def get_mtime(self, file_name: str) -> float:
        return 0.0


def packages_from_walk(
    roots: dict[str, list[Path]], files: list[Path], linked: list[str]
) -> set[FoundPackage] | None:
    """grimp's packages, worked out from a walk already made, when grimp's rules are simple:
    each root one regular package (with ``__init__.py``). A module is a ``.py`` file (one dot,
    not hidden) whose every folder from the root down has an ``__init__.py`` and an
    identifier for a name. Linked folders are followed by the walk as grimp follows them (a
    link to a folder above it, which would have grimp's walk go round forever, is left out,
    and said so). ``None``: let grimp's own finder walk the tree."""
    texts = [str(path) for path in files]
    marker = os.sep + "__init__.py"
    packaged = {text[: -len(marker)] for text in texts if text.endswith(marker)}
    packages = set()
    for name, directories in roots.items():
        if len(directories) != 1 or str(directories[0]) not in packaged:
            return None
        top = str(directories[0])
        prefix = top + os.sep
        verdicts = {top: True}

        modules = []
        for text in texts:
            folder, _, filename = text.rpartition(os.sep)
            if filename.startswith(".") or filename.count(".") != 1:
                continue
            if not _importable(folder, prefix, packaged, verdicts):
                continue
            parts = text[len(prefix) : -3].split(os.sep)
            if parts[-1] == "__init__":
                parts.pop()
            modules.append(ModuleFile(module=Module(".".join([name, *parts])), mtime=0.0))
        packages.add(FoundPackage(name=name, directory=top, module_files=frozenset(modules)))
    return packages


def _importable(folder: str, prefix: str, packaged: set[str], verdicts: dict[str, bool]) -> bool:
    """Every folder from ``folder`` up to the root is a package with an identifier name."""
    if folder not in verdicts:
        parent, _, base = folder.rpartition(os.sep)
        verdicts[folder] = (
            folder.startswith(prefix)
            and folder in packaged
            and base.isidentifier()
            and _importable(parent, prefix, packaged, verdicts)
        )
    return verdicts[folder]


# How many modules a prefetched scan takes at least: the first, then each later one.
_FIRST_SCAN = 1
_LATER_SCANS = 400


class _Batch:
    """Modules a prefetch reads together; ``done`` is set once they are read (or failed)."""

    def __init__(self, modules: frozenset[str], module_files: list[ModuleFile]) -> None:
        self.modules = modules
        self.module_files = module_files
        self.found: dict[Any, Any] | None = None
        self.done = threading.Event()


class _Prefetch:
    """Scans of modules the run will ask for later, one batch after the other, in a thread
    of their own: whoever asks for a batch waits for that batch alone."""

    def __init__(
        self,
        batches: list[_Batch],
        packages_for: Callable[[frozenset[str]], Any],
        exclude_type_checking: bool,
        sender: ScanSender | None = None,
    ) -> None:
        self.batches = batches
        self.thread = threading.Thread(
            target=self._scan, args=(packages_for, exclude_type_checking, sender), daemon=True
        )
        self.thread.start()

    def _scan(
        self,
        packages_for: Callable[[frozenset[str]], Any],
        exclude_type_checking: bool,
        sender: ScanSender | None,
    ) -> None:
        for batch in list(self.batches):
            try:
                batch.found = scanner()(
                    batch.module_files,
                    found_packages=packages_for(batch.modules),
                    include_external_packages=False,
                    exclude_type_checking_imports=exclude_type_checking,
                )
            except BaseException:  # the modules are then read the usual way
                batch.found = None
            if sender is not None and batch.found is not None:
                sender.offer(batch.found)
            batch.done.set()


def _line_number(detail: tuple[int, str]) -> int:
    return detail[0]


class ScopedGraph:
    """The subset of ``grimp.ImportGraph`` the ssot contracts use, read on demand."""

    def __init__(
        self,
        index: ModuleIndex,
        *,
        exclude_type_checking_imports: bool,
        display: Callable[[Path], str],
    ) -> None:
        self._index = index
        root_packages = list(index.roots)
        packages = packages_from_walk(index.roots, index.files(), index.linked_directories)
        # Files left out because they cannot be read, by the index's paths (filled as it reads).
        self.excluded: dict[Path, Diagnostic] = left_out_at_start(index, display)
        try:
            found = packages or find_packages(_NoTimesFileSystem(), root_packages)
        except (ValueError, grimp_exceptions.GrimpException) as error:
            raise UsageError(f"root_packages: {error}") from None
        modules = excluded_modules(index, self.excluded)
        self._packages = {without_modules(package, modules) for package in found}
        self._exclude_type_checking = exclude_type_checking_imports
        self._display = display
        self._files = {
            module_file.module.name: module_file
            for package in self._packages
            for module_file in package.module_files
        }
        # What each scan gives grimp: every package, or for a few files the modules they name.
        self._scope = ScanScope(self._packages)
        namespaces = {name for package in self._packages for name in package.namespace_packages}
        self.modules: set[str] = set(self._files) | namespaces
        self.scanned: set[str] = set()
        self._sorted: list[str] | None = None  # the module names, for find_descendants
        self._importers: dict[str, set[str]] = defaultdict(set)
        self._imported: dict[str, set[str]] = defaultdict(set)  # by importer
        # (line number, line contents) of each import, by (importer, imported): a dict each
        # only when asked for (a scan of 2,000 modules records 40,000 of them).
        self._details: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        self._worker: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._prefetch: _Prefetch | None = None
        # Scans shared with a copy of the process: sent to it, or expected from this one's
        # original (``share_scans``); and the expected modules asked for and not yet come.
        self._sender: ScanSender | None = None
        self._receiver: ScanReceiver | None = None
        self._expected: set[str] = set()  # not come yet (nor known not to come)
        self._awaited: set[str] = set()

    # Reading ------------------------------------------------------------------------------------

    def read_imports_of(self, modules: Iterable[str], *, background: bool = False) -> None:
        """Read the imports of ``modules`` (those not read yet; unknown names are ignored).

        In the background, the caller goes on while grimp's scanner works (it lets go of the
        interpreter lock while it parses); every query waits for it first.
        """
        self.wait()
        asked = set(modules)
        if self._prefetch is not None:
            self._take_prefetched()
        if self._receiver is not None:
            self._take_shared(wait=False)
        wanted = {m for m in asked if m in self._files and m not in self.scanned}
        if self._expected:  # (they come from the original: waited for in ``wait``)
            self._awaited |= wanted & self._expected
            wanted -= self._expected
        self.scanned |= wanted
        if not wanted:
            if not background:
                self.wait()
            return
        if background:
            self._start_worker([wanted])
        else:
            self._read(wanted)
            self.wait()

    def prefetch(self, batches: Iterable[Iterable[str]]) -> None:
        """Start reading ``batches`` of modules, in order, in a thread of their own while the
        caller goes on: the run's later contracts will ask for them. A batch counts as read
        once it is done and a read comes (nobody waits for it: a read that asks for modules
        not done yet reads them itself); a batch that failed is dropped, and its modules are
        then read the usual way (which says which file could not be read)."""
        if self._prefetch is not None:
            return
        taken = self.scanned | self._expected  # (those come from the original)
        kept = []
        pending: set[str] = set()
        for batch in batches:
            wanted = {m for m in batch if m in self._files and m not in taken}
            taken |= wanted
            pending |= wanted
            # Each scan converts every module of the tree for grimp (3 ms at 8,000 files):
            # small batches go together, the first of them alone (it is waited for first).
            if len(pending) >= (_FIRST_SCAN if not kept else _LATER_SCANS):
                kept.append(_Batch(frozenset(pending), [self._files[m] for m in sorted(pending)]))
                pending = set()
        if pending:
            kept.append(_Batch(frozenset(pending), [self._files[m] for m in sorted(pending)]))
        if kept:
            self._prefetch = _Prefetch(
                kept, self._scope.packages_for, self._exclude_type_checking, self._sender
            )

    def share_scans(self, modules: Iterable[str]) -> ScanSharing:
        """Before a copy of this process is made: ``modules`` will be scanned here and sent
        to the copy (``send_shared``), which waits for them (``expect_shared``)."""
        return ScanSharing(m for m in modules if m in self._files)

    def send_shared(self, sharing: ScanSharing, first: Iterable[str] = ()) -> ScanSender:
        """In this process, once the copy is made: scan the shared modules now, in the
        background (those among ``first`` before the others), and send each scan of one
        (close the sender when nothing more will be scanned for the copy)."""
        return self.send_scans(sharing.sender(), sharing.modules, first)

    def expect_shared(self, sharing: ScanSharing) -> None:
        """In the copy: the shared modules come from the original; none is scanned here."""
        self.receive_scans(sharing.receiver(), sharing.modules)

    def send_scans(
        self, sender: ScanSender, modules: frozenset[str], first: Iterable[str] = ()
    ) -> ScanSender:
        """``send_shared`` through ``sender`` (one end of the pipe)."""
        self.wait()
        self._sender = sender
        # (A module scanned already would not be scanned again, and never sent: the copy
        # reads it itself. There is none when the copy is made before any scan.)
        sender.refuse(modules & self.scanned)
        wanted = modules - self.scanned
        self.scanned |= wanted
        early = wanted.intersection(first)
        self._start_worker([chunk for chunk in (early, wanted - early) if chunk])
        return sender

    def receive_scans(self, receiver: ScanReceiver, modules: frozenset[str]) -> None:
        """``expect_shared`` from ``receiver`` (the other end)."""
        self._receiver = receiver
        self._expected = set(modules)

    def _take_shared(self, *, wait: bool) -> None:
        """Record the shared modules come from the original (``wait``: once each module
        asked for has come). Those it could not scan are read here: now if they were asked
        for, or when they are."""
        assert self._receiver is not None
        rows, refused, more = self._receiver.take(self._awaited, wait=wait)
        fresh = {module: found for module, found in rows.items() if module not in self.scanned}
        self._record_rows(fresh)
        self.scanned |= set(fresh)
        self._expected -= set(rows) | refused
        if not more:
            self._receiver, self._expected = None, set()
        unread = {m for m in self._awaited - self._expected if m not in self.scanned}
        self._awaited &= self._expected
        self.scanned |= unread
        if unread:
            self._read(unread)

    def settle(self) -> None:
        """Let every scan finish (prefetched batches nobody asked for are dropped)."""
        self.wait()
        if self._prefetch is not None:
            self._prefetch.thread.join()
            self._prefetch = None

    def _take_prefetched(self, every: bool = False) -> None:
        """Record the prefetched batches that are read already (``every``: wait for all).
        A module read meanwhile the usual way keeps what that read found."""
        prefetch = self._prefetch
        assert prefetch is not None
        touched: set[tuple[str, str]] = set()
        for batch in list(prefetch.batches):
            if not batch.done.is_set() and not every:
                continue
            batch.done.wait()
            prefetch.batches.remove(batch)
            if batch.found is None:
                continue
            fresh = batch.modules - self.scanned
            self._record(
                {file: found for file, found in batch.found.items() if file.module.name in fresh},
                touched,
            )
            self.scanned |= fresh
        for key in touched:
            self._details[key].sort(key=_line_number)
        if not prefetch.batches:
            prefetch.thread.join()
            self._prefetch = None

    def __deepcopy__(self, memo: dict[int, Any]) -> ScopedGraph:
        """A copy (for a contract that removes ignored imports), once no thread is reading."""
        self.wait()
        if self._prefetch is not None:
            self._take_prefetched(every=True)
        if self._receiver is not None:  # (every shared module: the copy waits for none)
            self._awaited |= self._expected
            self._take_shared(wait=True)
        clone = self.__class__.__new__(self.__class__)
        memo[id(self)] = clone
        for key, value in self.__dict__.items():
            # (The copy neither sends scans nor waits for any: they are recorded here.)
            shared = key in ("_sender", "_receiver")
            setattr(clone, key, None if shared else copy.deepcopy(value, memo))
        return clone

    def wait(self) -> None:
        """Let a background scan finish, and raise what it raised; and let the shared
        modules asked for come."""
        if self._worker is not None:
            self._worker.join()
            self._worker = None
            failure, self._failure = self._failure, None
            if failure is not None:
                raise failure
        if self._awaited and self._receiver is not None:
            self._take_shared(wait=True)

    def _start_worker(self, chunks: list[set[str]]) -> None:
        """Scan ``chunks``, one after the other, in a thread (queries wait for it)."""
        self._worker = threading.Thread(target=self._read_in_background, args=(chunks,))
        self._worker.start()

    def _read_in_background(self, chunks: list[set[str]]) -> None:
        try:
            for chunk in chunks:
                self._read(chunk)
        except BaseException as error:  # handed to the caller by ``wait``
            self._failure = error

    def _read(self, wanted: set[str]) -> None:
        """Scan ``wanted``; a file grimp cannot take is left out, with a diagnostic, and the
        rest scanned again (a panic names no file: halves are tried until one is found)."""
        pending = [sorted(wanted)]
        touched: set[tuple[str, str]] = set()
        quiet = False  # (after a panic: the halves' panics say it again, on standard error)
        while pending:
            batch = pending.pop()
            module_files = [self._files[m] for m in batch]
            try:
                with quiet_stderr() if quiet else contextlib.nullcontext():
                    found = scanner()(
                        module_files,
                        found_packages=self._scope.packages_for(batch),
                        include_external_packages=False,
                        exclude_type_checking_imports=self._exclude_type_checking,
                    )
            except GRIMP_FILE_FAILURES as error:
                path, diagnostic = unreadable_file(error, self._display)
                module = self._index.module_of(path)
                own = index_path(self._index, path)
                if module is None or module not in batch or own in self.excluded:
                    raise UsageError(
                        f"import graph: cannot leave out {path} ({diagnostic.message})"
                    ) from None
                self.excluded[own] = diagnostic
                if self._sender is not None:
                    self._sender.refuse([module])
                pending.append([m for m in batch if m != module])
                continue
            except BaseException as error:
                if not is_panic(error):
                    raise
                raise_if_interrupted(error)
                quiet = True
                if len(batch) > 1:
                    pending += [batch[: len(batch) // 2], batch[len(batch) // 2 :]]
                    continue
                path = self._index.path_of(batch[0])
                if path is None:
                    raise UsageError(
                        f"import graph: grimp's scanner failed on {batch[0]}"
                    ) from None
                self.excluded[path] = Diagnostic(
                    rules.UNREADABLE_FILE,
                    self._display(path),
                    panic_message(error, path, batch[0]),
                )
                if self._sender is not None:
                    self._sender.refuse(batch)
                continue
            if self._sender is not None:
                self._sender.offer(found)
            self._record(found, touched)
        for key in touched:  # the details of earlier scans are sorted already
            self._details[key].sort(key=_line_number)

    def _record_rows(self, rows: dict[str, list[Row]]) -> None:
        """Record what the original process's scans found (``ScanSender``'s rows)."""
        touched: set[tuple[str, str]] = set()
        for importer, found in rows.items():
            for imported, line_number, line_contents in found:
                self._importers[imported].add(importer)
                self._imported[importer].add(imported)
                touched.add((importer, imported))
                self._details[(importer, imported)].append((line_number, line_contents))
        for key in touched:
            self._details[key].sort(key=_line_number)

    def _record(self, found: dict[Any, Any], touched: set[tuple[str, str]]) -> None:
        for imports in found.values():
            for direct in imports:
                importer, imported = direct.importer.name, direct.imported.name
                self._importers[imported].add(importer)
                self._imported[importer].add(imported)
                touched.add((importer, imported))
                self._details[(importer, imported)].append(
                    (direct.line_number, direct.line_contents)
                )

    # The grimp.ImportGraph methods the contracts call -------------------------------------------

    def find_descendants(self, module: str) -> set[str]:
        """The modules below ``module``: a range of the sorted module names (each contract
        asks for several, and a walk of every name costs half a millisecond per question
        on a tree of 4,000 modules)."""
        if self._sorted is None or len(self._sorted) != len(self.modules):
            self._sorted = sorted(self.modules)
        prefix = module + "."
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, module + "/")  # "/" follows "." in code order
        return set(self._sorted[start:end])

    def is_module_squashed(self, module: str) -> bool:
        return False  # external packages are never added to this graph

    def find_modules_directly_imported_by(self, module: str) -> set[str]:
        self.wait()
        return set(self._imported.get(module, ()))

    def find_modules_that_directly_import(self, module: str) -> set[str]:
        self.wait()
        return set(self._importers.get(module, ()))

    def get_import_details(self, *, importer: str, imported: str) -> list[dict[str, Any]]:
        self.wait()
        return [
            {
                "importer": importer,
                "imported": imported,
                "line_number": line_number,
                "line_contents": line_contents,
            }
            for line_number, line_contents in self._details.get((importer, imported), ())
        ]

    def direct_import_exists(
        self, *, importer: str, imported: str, as_packages: bool = False
    ) -> bool:
        self.wait()
        if not as_packages:
            return (importer, imported) in self._details
        importers = {importer} | self.find_descendants(importer)
        targets = {imported} | self.find_descendants(imported)
        return any(not importers.isdisjoint(self._importers.get(target, ())) for target in targets)
