"""Build the grimp graph on a messy tree: a broken file becomes a diagnostic, not an abort.

grimp stops at the first file it cannot parse or decode. Each time that happens the file is
recorded and left out (through a filtering module finder) and the graph is built again, so a
tree with a few broken files is still checked everywhere else.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import grimp

from ..application.ports import BuiltGraph, ModuleIndex
from ..domain import rules
from ..domain.errors import UsageError
from ..domain.findings import Diagnostic
from .grimp_internals import (
    FileSystem,
    FoundPackage,
    ModuleFinder,
    find_packages,
    module_finder,
    off_the_main_thread,
    scanner,
    use_module_finder,
)
from .tree import Walk, without_loops

# (Two wordings: without a coding line, and with one: "… with encoding 'utf-8'".)
_DECODE_FAILURE = re.compile(
    r"Failed to decode file (?P<path>.+?)"
    r"(?: as UTF-8: (?P<reason>.*)| with encoding '(?P<encoding>[^']*)'.*)"
)
_READ_FAILURE = re.compile(r"Failed to read file (?P<path>.+?): (?P<reason>.*)")
_OS_ERROR_NUMBER = re.compile(r"\s*\(os error \d+\)\s*$")
_MAX_EXCLUSIONS = 10_000
# What grimp raises for a file it cannot take: a syntax error, bytes that are not UTF-8, a file
# it cannot read, and (from its compiled scanner) a panic, which Python sees as BaseException.
GRIMP_FILE_FAILURES = (grimp.exceptions.SourceSyntaxError, UnicodeError, OSError)


def is_panic(error: BaseException) -> bool:
    """A panic in grimp's compiled scanner (``pyo3_runtime.PanicException``): a file it could
    not take, or an interrupt (see ``raise_if_interrupted``)."""
    return type(error).__name__ == "PanicException"


def raise_if_interrupted(error: BaseException) -> None:
    """Raise ``KeyboardInterrupt`` for a panic of grimp's scanner that is one: Ctrl-C while
    it reads makes it unwrap Python's ``KeyboardInterrupt`` and panic, and that panic must
    stop the run, not be taken for a file it could not read (and the scan tried again)."""
    if is_panic(error) and "KeyboardInterrupt" in str(error):
        raise KeyboardInterrupt from None


class _TolerantFileSystem:
    """grimp's file system, except that a file whose time cannot be read (a link to nothing)
    has time 0 instead of stopping the walk; the file itself is left out by name."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def get_mtime(self, file_name: str) -> float:
        try:
            return self._inner.get_mtime(file_name)  # type: ignore[attr-defined]
        except OSError:
            return 0.0

    def walk(self, directory_name: str) -> Walk:
        return without_loops(self._inner.walk, directory_name)  # type: ignore[attr-defined]


class LoopSafeFileSystem(FileSystem):
    """grimp's file system, whose walk leaves out the links to a folder above them."""

    def walk(self, directory_name: str) -> Walk:
        return without_loops(super().walk, directory_name)


class _FilteringModuleFinder(ModuleFinder):
    """grimp's module finder, minus the modules already known to be unreadable."""

    def __init__(self, excluded: set[str]) -> None:
        super().__init__()
        self.excluded = excluded

    def find_package(self, package_name, package_directory, file_system) -> FoundPackage:
        found = super().find_package(
            package_name, package_directory, _TolerantFileSystem(file_system)
        )
        return without_modules(found, self.excluded)


def without_modules(package: FoundPackage, excluded: set[str]) -> FoundPackage:
    if not excluded:
        return package
    keep = frozenset(m for m in package.module_files if m.module.name not in excluded)
    return replace(package, module_files=keep)


def left_out_at_start(index: ModuleIndex, display: Callable[[Path], str]) -> dict[Path, Diagnostic]:
    """What the walk of the tree could not look at (unreadable folders, links to nothing):
    left out of any graph, each with a diagnostic. (The walk is made first if it was not.)"""
    index.files()
    return {
        path: Diagnostic(rules.UNREADABLE_FILE, display(path), message)
        for path, message in index.problems
    }


def excluded_modules(index: ModuleIndex, paths: Iterable[Path]) -> set[str]:
    """The modules of the files among ``paths`` (a folder the walk could not look at, or a
    link it did not follow, is no module)."""
    files = (path for path in paths if path.suffix == ".py")
    return {module for module in map(index.module_of, files) if module is not None}


def build_graph(
    index: ModuleIndex,
    *,
    cache_dir: str | None,
    include_external_packages: bool,
    exclude_type_checking_imports: bool,
    display: Callable[[Path], str],
) -> BuiltGraph:
    """Build the graph, leaving out (and reporting) each file grimp cannot read.

    The files left out are keyed by the index's own paths.
    """
    excluded = left_out_at_start(index, display)
    modules = excluded_modules(index, excluded)
    resolved: set[Path] = set()  # the files grimp stopped at, as grimp names them
    original_finder = module_finder()
    try:
        while True:
            use_module_finder(_FilteringModuleFinder(modules))
            try:
                # (A file grimp's scanner panics on is found and named below: its own
                # message, and stack, would only repeat that on standard error.)
                with quiet_stderr():
                    graph = off_the_main_thread(  # (Ctrl-C then stops the wait, not grimp)
                        grimp.build_graph,
                        *index.roots,
                        cache_dir=cache_dir,
                        include_external_packages=include_external_packages,
                        exclude_type_checking_imports=exclude_type_checking_imports,
                    )
                return BuiltGraph(graph, excluded)
            except GRIMP_FILE_FAILURES as error:
                path, diagnostic = unreadable_file(error, display)
            except ValueError as error:
                raise UsageError(f"root_packages: {error}") from None
            except grimp.exceptions.GrimpException as error:
                raise UsageError(f"root_packages: {error}") from None
            except BaseException as error:
                if not is_panic(error):
                    raise
                raise_if_interrupted(error)
                # grimp's scanner panicked on a file it does not name: the modules are
                # scanned again in halves until each panic is one module's, left out.
                found = _panicking(index, modules, exclude_type_checking_imports)
                if not found or len(resolved) + len(found) > _MAX_EXCLUSIONS:
                    raise UsageError(
                        f"import graph: grimp's scanner failed ({panic_words(error)}); "
                        "run `lint-imports` to see which file it stops at"
                    ) from None
                for module, panic in found.items():
                    own = index.path_of(module)
                    assert own is not None  # (a module of grimp's packages has a file)
                    resolved.add(own.resolve())
                    modules.add(module)
                    message = panic_message(panic, own, module)
                    excluded[own] = Diagnostic(rules.UNREADABLE_FILE, display(own), message)
                continue
            module = index.module_of(path)
            if path in resolved or module is None or len(resolved) >= _MAX_EXCLUSIONS:
                raise UsageError(f"import graph: cannot leave out {path} ({diagnostic.message})")
            resolved.add(path)
            modules.add(module)
            excluded[index_path(index, path)] = diagnostic
    finally:
        use_module_finder(original_finder)


def panic_words(error: BaseException) -> str:
    """The first line of what a panic of grimp's scanner says."""
    return str(error).splitlines()[0] if str(error) else "a panic"


_RELATIVE = re.compile(r"^[ \t]*from[ \t]+(\.+)", re.MULTILINE)


def panic_message(error: BaseException, path: Path, module: str) -> str:
    """What a D005 says of a file grimp's scanner panicked on: its words, and the likely
    cause when the file has one (a relative import above the top package)."""
    message = f"grimp's scanner could not read it ({panic_words(error)})"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return message
    base = len(module.split(".")) - (0 if path.name == "__init__.py" else 1)
    for found in _RELATIVE.finditer(text):
        if len(found.group(1)) > base:
            line = text.count("\n", 0, found.start()) + 1
            return f"{message}: the relative import on line {line} goes above the top package"
    return message


class _QuietStderr:
    """The threads that want standard error quiet, and where it went meanwhile."""

    lock = threading.Lock()
    threads = 0
    saved: int | None = None


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Standard error sent nowhere meanwhile: each panic of grimp's scanner prints its
    message there (and a stack, with RUST_BACKTRACE), once per half scanned again. Shared by
    the threads that ask for it: the first sends it away, the last brings it back."""
    state = _QuietStderr
    with state.lock:
        if state.threads == 0:
            try:
                state.saved = os.dup(2)
                null = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(null, 2)
                finally:
                    os.close(null)
            except OSError:
                state.saved = None
        state.threads += 1
    try:
        yield
    finally:
        with state.lock:
            state.threads -= 1
            if state.threads == 0 and state.saved is not None:
                os.dup2(state.saved, 2)
                os.close(state.saved)
                state.saved = None


def _panicking(
    index: ModuleIndex, left_out: set[str], exclude_type_checking_imports: bool
) -> dict[str, BaseException]:
    """The modules grimp's scanner panics on, each with the first line of its panic: the
    modules (but those ``left_out``) scanned in halves until each panic is one module's. A
    half that fails otherwise (a syntax error...) is split too: the graph's next build says
    why that file fails."""
    try:
        packages = find_packages(LoopSafeFileSystem(), list(index.roots))
    except Exception:  # (the graph's build says what is wrong with the roots)
        return {}
    files = sorted(
        (module_file for package in packages for module_file in package.module_files),
        key=lambda module_file: module_file.module.name,
    )
    pending = [[file for file in files if file.module.name not in left_out]]
    found: dict[str, BaseException] = {}
    with quiet_stderr():
        _halve(pending, found, packages, exclude_type_checking_imports)
    return found


def _halve(
    pending: list[list[Any]],
    found: dict[str, BaseException],
    packages: Any,
    exclude_type_checking_imports: bool,
) -> None:
    while pending:
        batch = pending.pop()
        try:
            off_the_main_thread(
                scanner(),
                batch,
                found_packages=packages,
                include_external_packages=False,
                exclude_type_checking_imports=exclude_type_checking_imports,
            )
        except BaseException as error:
            raise_if_interrupted(error)
            if not isinstance(error, GRIMP_FILE_FAILURES) and not is_panic(error):
                raise
            if len(batch) > 1:
                pending += [batch[: len(batch) // 2], batch[len(batch) // 2 :]]
            elif is_panic(error):
                found[batch[0].module.name] = error


def index_path(index: ModuleIndex, resolved: Path) -> Path:
    """The index's own path for a file grimp names by its resolved path."""
    module = index.module_of(resolved)
    own = index.path_of(module) if module else None
    return own if own is not None and own.resolve() == resolved else resolved


def unreadable_file(
    error: BaseException, display: Callable[[Path], str]
) -> tuple[Path, Diagnostic]:
    """The file grimp stopped at, and the diagnostic that says why (a one-line usage error
    when grimp does not say which file it was)."""
    if isinstance(error, grimp.exceptions.SourceSyntaxError):
        path = Path(error.filename).resolve()
        message = f"syntax error: {(error.text or '').strip() or 'invalid syntax'}"
        return path, Diagnostic(rules.SYNTAX_ERROR, display(path), message, error.lineno)
    text = str(error)
    decoding = _DECODE_FAILURE.search(text)
    if decoding is not None:
        path = Path(decoding.group("path")).resolve()
        if decoding.group("encoding") is not None:
            message = f"cannot decode file with its declared encoding {decoding.group('encoding')}"
        else:
            message = f"cannot decode file as UTF-8: {decoding.group('reason')}"
        return path, Diagnostic(rules.UNDECODABLE_FILE, display(path), message)
    reading = _READ_FAILURE.search(text)
    if reading is not None:
        path = Path(reading.group("path")).resolve()
        # (In the words of the other readers: without Rust's "(os error 13)".)
        reason = _OS_ERROR_NUMBER.sub("", reading.group("reason"))
        message = f"cannot read file: {reason}"
        return path, Diagnostic(rules.UNREADABLE_FILE, display(path), message)
    if isinstance(error, OSError) and error.filename:
        path = Path(error.filename).resolve()
        message = f"cannot read file: {error.strerror}"
        return path, Diagnostic(rules.UNREADABLE_FILE, display(path), message)
    raise UsageError(f"import graph: {type(error).__name__}: {text}") from None
