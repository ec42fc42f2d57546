"""``ssot-imports fix``: apply every fixable violation's suggestion, safely.

A file is parsed before and after the rewrite and written only if both parse, only if it did
not change on disk meanwhile, atomically and with its mode, encoding, BOM and newlines kept.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tempfile
import time
import tokenize
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import AnyStr

import libcst
from msgspec import Struct, field
from msgspec.structs import replace

from ...domain.edits import (
    AttributeEdit,
    ChainEdit,
    CommentEdit,
    Edit,
    FromImportEdit,
    ModuleEdit,
    StringEdit,
)
from ...domain.expected_failures import EXPECTED_TO_FAIL, expected_to_fail
from ...domain.facade_exports import ExportImpossible, add_exports
from ...domain.findings import Violation
from ...domain.outline import Outline, first_line
from ...domain.parsing import parse_python, split_lines
from ...domain.prefilter import words_finder
from ...domain.rename_inputs import (
    NOT_READ_BY_AST,
    attribute_renames,
    may_bind,
    star_imported,
    statements_needed,
)
from ...domain.renames import MERGED, plan_renames
from ...domain.repeated_imports import without_repeated_imports
from ...domain.report import CheckReport, FileOutcome, FixReport
from ...domain.rewrite import apply_edits
from ...domain.rules import UNREADABLE
from ...domain.span_edits import SpanChange, SpanPlan, plan_span_edits, without_dropped
from ..context import RunContext
from ..ports import Files, ModuleIndex, Snapshot
from .checking import CheckRequest, run_check

# The workers are made ready during the first check of a tree of this many files and bytes
# (the bytes estimated from a sample of file sizes): a tree this large takes a second or more
# to check, and what a fix of it changes (often a tenth of it) is usually enough to be worth
# them. Otherwise the fork server, started for nothing, would cost the other CPU a quarter of
# a second while the check runs (0.14 s more for a fix of 10,000 files of 1 KB).
WARM_UP_FROM = 2_000
WARM_UP_BYTES = 40_000_000
_SIZE_SAMPLE = 64


def run_fix(
    request: CheckRequest,
    new_context: Callable[[], RunContext],
    paths: list[Path],
    diff_only: bool,
    before_write: Callable[[Path], None] = lambda path: None,
    unsafe: bool = False,
    context_at: Callable[[Path], RunContext] | None = None,
) -> FixReport:
    """Fix what can be fixed under ``paths`` (resolved; none: everywhere); unsafe fixes only
    with ``unsafe`` (``--unsafe-fixes``).

    Each check gets a fresh context: the second one must read the rewritten files.
    ``before_write`` runs just before each file is replaced. With ``diff_only``, the tree the
    fix would leave is laid out in a temporary folder and checked there (``context_at``
    gives a run context for that folder), so the violations left are those of a real run.
    """
    context = new_context()
    files = context.ports.files
    context.on_walk = lambda index: _warm_up(context, index)
    started = time.perf_counter()
    before = run_check(request, context)
    timings = {"first check": time.perf_counter() - started}
    selected = _selected(before, paths, files, before.project_root)
    fixable = [v for v in selected if v.fix_safety == "safe" or (unsafe and v.fixable)]
    held = {
        v.fingerprint: f"an unsafe fix ({v.kind}): `fix --unsafe-fixes` applies it"
        for v in selected
        if v.fix_safety == "unsafe" and not unsafe
    }
    by_path: dict[str, list[Violation]] = defaultdict(list)
    for violation in fixable:
        by_path[violation.path].append(violation)

    report = FixReport(
        unreadable=[d for d in before.diagnostics if d.rule in UNREADABLE], timings=timings
    )
    # The canonical modules that must export a name before its importers can take it there.
    held.update(
        _export_first(files, before.project_root, by_path, unsafe, diff_only, before_write, report)
    )
    # The module-level names a fix may take away: those renamed, and the names a module is
    # bound to that its attribute reads replace (`compat` of `import pkg.compat as compat`).
    renamed = {
        v.edit.local for v in fixable if isinstance(v.edit, FromImportEdit) and v.edit.rename_to
    }
    renamed |= {v.edit.local for v in fixable if isinstance(v.edit, AttributeEdit)}
    tree_index = context.index(before.root_packages)
    tree_files = tree_index.files()
    exposure = _Exposure(files, tree_files, renamed, request.progress)
    not_applied: dict[str, str] = {}
    order = sorted(by_path)
    # The files that parse whole: the graph read them, or its parser vouches for them now
    # (each then needs only the statements its edits concern parsed).
    parsed = set(context.parsed_files)
    unvouched = [before.project_root / relative for relative in order]
    vouched, _ = context.ports.graphs.parsing_whole([p for p in unvouched if p not in parsed])
    parsed |= vouched
    readings = (
        _read(
            files,
            before.project_root,
            relative,
            by_path[relative],
            unsafe,
            parsed=parsed,
            index=tree_index,
        )
        for relative in order
    )
    # Workers rewrite files taking no module-level name as read by other files; meanwhile
    # this process scans the tree for such reads, and rewrites again, here, the few files
    # where one of the names a rewrite relied on is read elsewhere.
    started = time.perf_counter()
    if order:
        request.progress(f"rewriting {len(order)} files")
    size = sum(files.size(before.project_root / relative) for relative in order)
    rewrites = context.ports.workers.map(_rewrite, readings, len(order), size)
    if context.ports.workers.used > 1:
        exposure.scan()  # now, while the workers boot and take the first files
    # (A tenth of the files at a time: --verbose writes a line per report, and a log of a
    # thousand lines for a thousand files says no more than ten.)
    step = max(1, len(order) // 10)
    for number, (relative, rewrite) in enumerate(zip(order, rewrites, strict=True), 1):
        rewrite = _with_exposure(rewrite, exposure)
        if number % step == 0 or number == len(order):
            request.progress(f"fixing files: {number}/{len(order)}")
        outcome, missed = _write(
            files,
            before.project_root,
            relative,
            by_path[relative],
            rewrite,
            diff_only,
            before_write,
        )
        report.files.append(outcome)
        report.fixed += outcome.fixed
        not_applied.update(missed)
    timings["rewriting files"] = time.perf_counter() - started - exposure.seconds
    timings["names other files read"] = exposure.seconds
    report.processes = context.ports.workers.used if order else 1
    started = time.perf_counter()

    mirrored = None
    if diff_only and context_at is not None:
        request.progress("checking the result")
        mirrored = _check_mirror(request, before, context, context_at, report)
    if diff_only and mirrored is None:
        # No mirror (a file that cannot be read cannot be laid out again): what the first
        # check said, less what the fix would apply.
        report.left = [
            (
                v,
                held.get(v.fingerprint)
                or not_applied.get(v.fingerprint)
                or v.unfixable_reason
                or "not fixable",
            )
            for v in selected
            if not (v in fixable and v.fingerprint not in not_applied)
        ]
    else:
        if mirrored is None:
            request.progress("checking the result")
        after = mirrored or run_check(request, new_context())
        skipped = {f.path: f.skipped for f in report.files if f.skipped}
        kept = _kept_names(report, fixable)
        report.left = [
            (
                v,
                skipped.get(v.path)
                or held.get(v.fingerprint)
                or kept.get((v.path, _about(v.edit) or ""))
                or v.unfixable_reason
                or "not fixable automatically",
            )
            for v in _selected(after, paths, files, before.project_root)
        ]
    timings["check of the result"] = time.perf_counter() - started
    return report


def _warm_up(context: RunContext, index: ModuleIndex) -> None:
    """On a large tree, have worker processes made ready while the check runs (their
    start, a quarter of a second, is then off the rewrite's path)."""
    paths = index.files()
    if len(paths) < WARM_UP_FROM:
        return
    step = max(1, len(paths) // _SIZE_SAMPLE)
    sample = [context.ports.files.size(path) for path in paths[::step]]
    if sum(sample) / len(sample) * len(paths) >= WARM_UP_BYTES:
        context.ports.workers.warm_up(_rewrite)


def _export_first(
    files: Files,
    project_root: Path,
    by_path: dict[str, list[Violation]],
    unsafe: bool,
    diff_only: bool,
    before_write: Callable[[Path], None],
    report: FixReport,
) -> dict[str, str]:
    """Make each canonical module export the names that fixes are about to import from it
    (with the canonical module's own fixes, if it has any). The fixes whose name could not be
    exported are taken out of ``by_path``; returns why, by fingerprint."""
    wanted: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    needing: dict[str, set[str]] = defaultdict(set)
    modules: dict[str, str] = {}
    for violations in by_path.values():
        for violation in violations:
            export = getattr(violation.edit, "export", None)
            if export is not None:
                wanted[export.path][export.source].append(export.name)
                needing[export.path].add(violation.fingerprint)
                modules[export.path] = export.module
    held: dict[str, str] = {}
    for relative in sorted(wanted):
        own = by_path.pop(relative, [])
        exports = tuple(
            (source, tuple(dict.fromkeys(names)))
            for source, names in sorted(wanted[relative].items())
        )
        reading = replace(
            _read(files, project_root, relative, own, unsafe, modules[relative]), exports=exports
        )
        outcome, missed = _write(
            files, project_root, relative, own, _rewrite(reading), diff_only, before_write
        )
        report.files.append(outcome)
        report.fixed += outcome.fixed
        held.update(missed)
        if outcome.skipped is None:
            outcome.exported = tuple(name for _, names in exports for name in names)
            continue
        reason = f"`{modules[relative]}` could not be made to export it: {outcome.skipped}"
        for path, violations in list(by_path.items()):
            kept = [v for v in violations if v.fingerprint not in needing[relative]]
            if len(kept) < len(violations):
                held.update({v.fingerprint: reason for v in violations if v not in kept})
                if kept:
                    by_path[path] = kept
                else:
                    del by_path[path]
    return held


def _check_mirror(
    request: CheckRequest,
    before: CheckReport,
    context: RunContext,
    context_at: Callable[[Path], RunContext],
    report: FixReport,
) -> CheckReport | None:
    """Check the tree as the fix would leave it, laid out in a temporary folder (None when a
    file of the tree cannot be laid out again, or the walk could not look at part of it: a
    folder it cannot read is missing from the copy, and what it holds would then be missing
    to the check too)."""
    root = before.project_root
    index = context.index(before.root_packages)
    files = index.files()
    if index.problems:
        return None
    replaced = {root / f.path: f.rewritten for f in report.files if f.rewritten is not None}
    with tempfile.TemporaryDirectory(prefix="ssot-imports-diff-") as folder:
        mirror = Path(folder) / root.name
        try:
            context.ports.files.mirror(root, files, mirror, replaced)
        except OSError:
            return None
        checked = run_check(
            replace(request, config=str(before.config_path), project_root=mirror),
            context_at(mirror),
        )
    for outcome in report.files:
        outcome.rewritten = None
    return checked


def _kept_names(report: FixReport, fixed: list[Violation]) -> dict[tuple[str, str], str]:
    """Why each edit that ``fix`` held back was held back, by file and what it was about."""
    by_key = {v.fingerprint: v for v in fixed}
    kept = {}
    for outcome in report.files:
        for key, reason in outcome.kept_names.items():
            edit = by_key[key].edit
            about = _about(edit)
            if about is not None:
                label = f"`{about}` was kept" if not isinstance(edit, StringEdit) else "kept"
                kept[(outcome.path, about)] = f"{label}: {reason}"
    return kept


def _about(edit: Edit | None) -> str | None:
    """What a held-back edit was about: the local name, or the string."""
    if isinstance(edit, FromImportEdit | AttributeEdit):
        return edit.local
    if isinstance(edit, StringEdit):
        return edit.value
    if isinstance(edit, ModuleEdit):
        return edit.dotted
    if isinstance(edit, CommentEdit):
        return edit.comment
    if isinstance(edit, ChainEdit):
        return edit.chain
    return None


def _selected(
    report: CheckReport, roots: list[Path], files: Files, project_root: Path
) -> list[Violation]:
    """The violations under ``roots`` (paths of the project at ``project_root``)."""
    if not roots:
        return report.violations
    chosen = []
    for violation in report.violations:
        location = files.resolve(project_root / violation.path)
        if any(location == root or root in location.parents for root in roots):
            chosen.append(violation)
    return chosen


class _Reading(Struct, frozen=True):
    """A file to rewrite, as read: what a worker process needs, and nothing it cannot pickle."""

    path: Path
    snapshot: Snapshot | None  # None: the file could not be read or must not be written
    problem: str | None
    edits: list[tuple[str, Edit]]
    module: str
    unsafe: bool
    # Why a module-level name may be read from outside the file (None: it is not), for the
    # names known; a name not listed is taken as not read elsewhere, and noted as relied on.
    exposures: dict[str, str | None] = field(default_factory=dict)
    # Names to export (a canonical module): (the implementation as its import spells it, names).
    exports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Whether the check's import graph parsed the file whole (so it has no syntax error): only
    # then may the rewrite parse just the statements it needs.
    parsed_whole: bool = False
    # For each module the file star-imports, the names its renames bind that the module may
    # bind too (a module not listed may bind any).
    star_bound: dict[str, tuple[str, ...]] = field(default_factory=dict)


class _Rewrite(Struct, frozen=True):
    """What became of one file's edits: the new bytes, or why it is left untouched."""

    reading: _Reading
    rewritten: Rewritten | None = None
    problem: str | None = None
    # Names the rewrite took as read by no other file (those it was not told about).
    relied: frozenset[str] = frozenset()


def _read(
    files: Files,
    project_root: Path,
    relative: str,
    violations: list[Violation],
    unsafe: bool,
    module: str = "",
    parsed: set[Path] | None = None,
    index: ModuleIndex | None = None,
) -> _Reading:
    path = project_root / relative
    parsed_whole = parsed is not None and path in parsed
    edits = [(v.fingerprint, v.edit) for v in violations if v.edit is not None]
    edits += attribute_renames(edits)
    module = violations[0].importer if violations else module
    try:
        snapshot = files.snapshot(path)
    except OSError as error:
        problem = f"cannot read the file ({error.strerror})"
        return _Reading(path, None, problem, [], module, False)
    if not snapshot.mode & 0o222:
        # Read-only on purpose (generated, vendored, locked): never rewritten, even by root.
        problem = "the file is read-only; it was left untouched"
        return _Reading(path, None, problem, [], module, False)
    star_bound = _star_bound(files, index, snapshot.data, edits, module, path)
    return _Reading(
        path,
        snapshot,
        None,
        edits,
        module,
        unsafe,
        parsed_whole=parsed_whole,
        star_bound=star_bound,
    )


def _star_bound(
    files: Files,
    index: ModuleIndex | None,
    data: bytes,
    edits: list[tuple[str, Edit]],
    module: str,
    path: Path,
) -> dict[str, tuple[str, ...]]:
    """For each module the file star-imports, which of the names its renames bind it may
    bind too (read here: the rewrite runs where no file is read)."""
    names = {e.rename_to for _, e in edits if isinstance(e, FromImportEdit) and e.rename_to}
    if not names or index is None or b"*" not in data:
        return {}
    text = data.decode("utf-8", errors="replace")
    bound: dict[str, tuple[str, ...]] = {}
    for star in star_imported(text, module, path.name == "__init__.py"):
        found = index.path_of(star)
        if found is None:
            continue  # outside the tree: it may bind anything
        try:
            source = files.read_bytes(found).decode("utf-8", errors="replace")
        except OSError:
            continue
        bound[star] = tuple(sorted(name for name in names if may_bind(source, name)))
    return bound


def _rewrite(reading: _Reading) -> _Rewrite:
    """The file rewritten, and checked to parse: pure work, done in a worker process when
    there are many files."""
    if reading.snapshot is None:
        return _Rewrite(reading, problem=reading.problem)
    data = reading.snapshot.data
    relied: set[str] = set()

    def exposed(name: str) -> str | None:
        if name in reading.exposures:
            return reading.exposures[name]
        relied.add(name)
        return None

    try:
        rewritten = rewrite_source(
            data,
            reading.edits,
            reading.module,
            exposed,
            reading.path.name == "__init__.py",
            reading.unsafe,
            cut=reading.parsed_whole,
            star_binds=lambda star, name: name in reading.star_bound.get(star, (name,)),
        )
        for source, names in reading.exports:
            rewritten.data = add_exports(rewritten.data, source, names)
    except ExportImpossible as reason:
        return _Rewrite(reading, problem=f"{reason}; it was left untouched")
    except _Unparsable:
        return _Rewrite(reading, problem="the file does not parse; it was left untouched")
    except _BrokenRewrite:
        problem = "the rewritten file would not parse; it was left untouched"
        return _Rewrite(reading, problem=problem)
    except _Overlapping:
        problem = "two fixes would change the same text; it was left untouched"
        return _Rewrite(reading, problem=problem)
    except _ImportUnchanged:
        problem = (
            "an import to rename could not be rewritten where it is (on its block's header "
            "line); it was left untouched"
        )
        return _Rewrite(reading, problem=problem)
    # Parsed by ``ast``, the file was rewritten and checked part by part; otherwise whole.
    if (
        rewritten.data != data
        and not rewritten.parsed
        and not _still_parses(data, rewritten.data, rewritten.parsed)
    ):
        problem = "the rewritten file would not parse; it was left untouched"
        return _Rewrite(reading, rewritten, problem, frozenset(relied))
    return _Rewrite(reading, rewritten, relied=frozenset(relied))


def _with_exposure(rewrite: _Rewrite, exposure: _Exposure) -> _Rewrite:
    """The rewrite, done again here with what other files read when it relied on a name
    that another file does read (rare: a module-level name imported elsewhere)."""
    reading = rewrite.reading
    exposed = exposure.reader(reading.module, reading.path)
    known = dict(reading.exposures)
    while rewrite.relied:
        found = {name: exposed(name) for name in sorted(rewrite.relied)}
        if not any(found.values()):
            return rewrite  # what it took for granted holds
        known.update(found)
        rewrite = _rewrite(replace(reading, exposures=dict(known)))
    return rewrite


def _write(
    files: Files,
    project_root: Path,
    relative: str,
    violations: list[Violation],
    rewrite: _Rewrite,
    diff_only: bool,
    before_write: Callable[[Path], None],
) -> tuple[FileOutcome, dict[str, str]]:
    outcome = FileOutcome(relative)
    path = project_root / relative

    def give_up(reason: str) -> tuple[FileOutcome, dict[str, str]]:
        outcome.skipped = reason
        outcome.fixed = 0  # the headline counts only what was written
        return outcome, {v.fingerprint: reason for v in violations}

    rewritten, snapshot = rewrite.rewritten, rewrite.reading.snapshot
    if rewrite.problem is not None or rewritten is None or snapshot is None:
        return give_up(rewrite.problem or "the file could not be rewritten")
    alias = _linked_alias(project_root, relative)
    if alias is not None:
        return give_up(
            f"the file is reached through a symbolic link to {alias}, a file of the project: "
            "fixed under that name only (a module under two names)"
        )
    new_data, applied = rewritten.data, rewritten.applied
    missed = {
        key: rewritten.kept_names.get(key, "the statement was not found where it was reported")
        for key, _ in rewrite.reading.edits
        if key not in applied
    }
    outcome.kept_names = dict(rewritten.kept_names)
    if new_data == snapshot.data:
        return outcome, missed
    outcome.fixed = len(applied)
    if diff_only:
        outcome.diff = _unified_diff(relative, snapshot.data, new_data)
        outcome.rewritten = new_data
        return outcome, missed
    before_write(path)
    if not files.unchanged_since(snapshot):
        return give_up("the file changed on disk during the run; it was left untouched")
    try:
        files.replace(snapshot, new_data)
    except OSError as error:
        return give_up(f"cannot write the file ({error.strerror})")
    return outcome, missed


def _linked_alias(project_root: Path, relative: str) -> str | None:
    """Where in the project a file reached through a symbolic link really is, when that is
    not where it was found (a linked folder or file inside the tree: its real file, the
    façade itself perhaps, is not this module's to rewrite); None otherwise."""
    root = project_root.resolve()
    try:
        real = (project_root / relative).resolve()
    except OSError:
        return None
    if real == root / relative or not real.is_relative_to(root):
        return None
    return str(real.relative_to(root))


class _Exposure:
    """Which module-level names other files may read from a module: renaming one there would
    break an ``import``, an attribute or a ``mock.patch`` target elsewhere.

    One pass over the tree: in each file that spells one of the names at all, every
    ``<module>.<name>`` (attribute, dotted string; through another name the file binds the
    module to too: ``import pkg.mod as m``, ``m = import_module("pkg.mod")``,
    ``sys.modules["pkg.mod"]``), every ``getattr(<module>, "<name>")`` (and ``setattr``,
    ``patch.object``, ``vars(<module>)["<name>"]``...) and every ``from …<module> import
    …<name>`` is noted as (the module's last name, the name, the file); an absolute ``from``
    import as (``=`` and the module's whole name, the name, the file), since it can read no
    other module. A star import, in any file, is noted with the name ``*``: every name of the
    module may be read through it; so is ``getattr(<module>, name)`` with a name known only
    when it runs. ``attrgetter("<name>")`` is noted with the module ``*``: it may read the
    name of any module.
    """

    # (`from.mod import x` is relative; a backslash continues the list; a comment inside the
    # parentheses may hold a `)`, and runs to its line's end: a list never closed is given up
    # in linear time.)
    _FROM = re.compile(
        rb"from(?:\s+|(?=\.))(\.*)((?:\w+\s*\.\s*)*)(\w+)(?:\s|\\)+import\s*"
        rb"(\((?:[^)#]|#[^\n]*(?=\n|\Z))*\)|[^\n;\\]*(?:\\\r?\n[^\n;\\]*)*)"
    )
    # `import a.b.mod as m` (the module and its other name), and `x as m` in a `from` list.
    # (No `\b` in front of a literal: it would keep the search from skipping to the literal.)
    _IMPORT_AS = re.compile(
        rb"import(?:[ \t]|\\\r?\n)+([\w. \t]+?)(?:[ \t]|\\\r?\n)+as(?:[ \t]|\\\r?\n)+(\w+)"
    )
    _AS = re.compile(rb"(\w+)\s+as\s+(\w+)")
    # A name looked up on an object by a string: getattr(x, "Name") (and hasattr, setattr,
    # delattr), patch.object(x, "Name"), vars(x)["Name"] (x a module's last name, also when
    # spelled whole: `getattr(pkg.mod, "Name")`); each pattern starts with a literal,
    # searched for fast (one that starts with alternatives or a name is tried at every
    # character of the file).
    _LOOKED_UP = tuple(
        (literal, re.compile(re.escape(literal) + rest))
        for literal, rest in (
            (b"attr(", rb"\s*(?:\w+\s*\.\s*)*(\w+)\s*,\s*[rbu]?['\"](\w+)['\"]"),
            (b".object(", rb"\s*(?:\w+\s*\.\s*)*(\w+)\s*,\s*[rbu]?['\"](\w+)['\"]"),
            (b"vars(", rb"\s*(?:\w+\s*\.\s*)*(\w+)\s*\)\s*\[\s*[rbu]?['\"](\w+)['\"]"),
        )
    )
    # ... or by a name known only when it runs: `getattr(x, name)` may read any name of x.
    _LOOKED_UP_ANY = re.compile(rb"attr\(\s*(?:\w+\s*\.\s*)*(\w+)\s*,\s*(?![rbuRBU]?['\"\s])")
    # `operator.attrgetter("Name")` reads the name from whatever it is given.
    _ATTRGETTER = re.compile(rb"attrgetter\(\s*[rbu]?['\"](\w+)")
    # ... or x.__dict__["Name"] (the holder read backwards from the match).
    _IN_DICT = re.compile(rb"\.__dict__\s*\[\s*[rbu]?['\"](\w+)['\"]")
    # A module got by its name (`import_module("pkg.mod")`, `__import__`, `sys.modules[...]`),
    # read from at once or bound to a name (`m = ...`, read backwards from the match).
    _BY_NAME = tuple(
        (
            call,
            re.compile(
                re.escape(call) + rb"\s*[rbu]?['\"]([\w.]+)['\"][^)\]]*[)\]](?:\s*\.\s*(\w+))?"
            ),
        )
        for call in (b"import_module(", b"__import__(", b"sys.modules[")
    )

    def __init__(
        self,
        files: Files,
        paths: list[Path],
        names: set[str],
        progress: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.files, self.paths, self.names, self.progress = files, paths, names, progress
        self._readers: dict[tuple[str, str], set[Path]] | None = None
        self.seconds = 0.0  # what the scan took

    @property
    def readers(self) -> dict[tuple[str, str], set[Path]]:
        """Scanned on first use, unless :meth:`scan` was called first."""
        return self.scan()

    def scan(self) -> dict[tuple[str, str], set[Path]]:
        """The readers of each name, found once."""
        if self._readers is None:
            self.progress("finding which renamed names other files read")
            started = time.perf_counter()
            self._readers = self._scan(self.files, self.paths, self.names)
            self.seconds = time.perf_counter() - started
        return self._readers

    def _scan(
        self, files: Files, paths: list[Path], names: set[str]
    ) -> dict[tuple[str, str], set[Path]]:
        found: dict[tuple[str, str], set[Path]] = defaultdict(set)
        encoded = [name.encode() for name in sorted(names)]
        if not encoded:
            return found
        words = re.compile(rb"(?<![\w])(?:" + b"|".join(map(re.escape, encoded)) + rb")(?![\w])")
        # One pass over each file finds the names it spells (most files spell none), and the
        # literals of the patterns below: a pattern is tried only in a file that spells its.
        spelled = words_finder([*encoded, *_MARKERS])
        for path in paths:
            try:
                data = files.read_bytes(path)
            except OSError:
                continue  # the check reported it; a file nobody can read reads nothing
            marked = spelled(data)
            present = marked.difference(_MARKERS)
            if b"attr(" in marked:  # getattr(x, name): every name of x may be read
                for holder in self._LOOKED_UP_ANY.findall(data):
                    found[(holder.decode(), "*")].add(path)
            if not present:
                # A star import exposes every name of its module to the file's own readers.
                if b"import *" in marked or b"import\t*" in marked:
                    for dots, parents, leaf, listed in self._FROM.findall(data):
                        if _lists_a_star(listed):
                            found[(_read_key(dots, parents, leaf), "*")].add(path)
                continue
            pairs: set[tuple[bytes, bytes]] = set()
            for name in sorted(present):
                self._attributes(data, name, pairs)
            for literal, pattern in self._LOOKED_UP:  # getattr(x, "Name")...
                if literal not in marked:
                    continue
                for holder, name in pattern.findall(data):
                    if name in present:
                        pairs.add((holder, name))
            if b"attrgetter(" in marked:
                for name in self._ATTRGETTER.findall(data):
                    if name in present:
                        found[("*", name.decode())].add(path)
            if b".__dict__" in marked:
                for found_at in self._IN_DICT.finditer(data):
                    holder = _word_before(data, found_at.start())
                    if found_at.group(1) in present and holder:
                        pairs.add((holder, found_at.group(1)))
            # A module bound under another name (`import pkg.mod as m`, `from pkg import mod
            # as m`): `m.Name` reads `mod`'s name.
            aliases: dict[bytes, bytes] = {}
            for module, alias in self._IMPORT_AS.findall(data) if b" as " in marked else ():
                aliases[alias] = module.rpartition(b".")[2].strip()
            for literal, pattern in self._BY_NAME:
                if literal not in marked:
                    continue
                for found_at in pattern.finditer(data):
                    module, name = found_at.groups()
                    leaf = module.rpartition(b".")[2]
                    alias = _assigned_before(data, found_at.start())
                    if alias:
                        aliases[alias] = leaf
                    if name in present:
                        pairs.add((leaf, name))
            if b"import" in data:
                for dots, parents, leaf, listed in self._FROM.findall(data):
                    text = _read_key(dots, parents, leaf)
                    if _lists_a_star(listed):
                        # Everything it binds: any of the names the file spells, and through
                        # the file's own readers, any name.
                        for name in present:
                            found[(text, name.decode())].add(path)
                        found[(text, "*")].add(path)
                        continue
                    for name in words.findall(listed):
                        found[(text, name.decode())].add(path)
                    for imported, alias in self._AS.findall(listed):
                        aliases[alias] = imported
            for holder, name in pairs:
                found[(holder.decode(), name.decode())].add(path)
                if holder in aliases:
                    found[(aliases[holder].decode(), name.decode())].add(path)
        return found

    @staticmethod
    def _attributes(data: bytes, name: bytes, pairs: set[tuple[bytes, bytes]]) -> None:
        """Each ``<word>.<name>`` in ``data`` (code or dotted string), as (word, name)."""
        start = data.find(b"." + name)
        while start != -1:
            end = start + 1 + len(name)
            if end == len(data) or not (data[end : end + 1].isalnum() or data[end] == 95):
                leaf_start = start
                while leaf_start and (
                    data[leaf_start - 1 : leaf_start].isalnum() or data[leaf_start - 1] == 95
                ):
                    leaf_start -= 1
                if leaf_start < start:
                    pairs.add((data[leaf_start:start], name))
            start = data.find(b"." + name, end)

    def reader(self, module: str, own: Path) -> Callable[[str], str | None]:
        leaf = module.rpartition(".")[2]

        def exposed(name: str) -> str | None:
            readers = self.readers
            found = readers.get((leaf, name), set()) | readers.get((f"={module}", name), set())
            found |= readers.get((leaf, "*"), set()) | readers.get((f"={module}", "*"), set())
            found |= readers.get(("*", name), set())  # (`attrgetter("Name")`: any module's)
            others = sorted(found - {own})
            if others:
                return f"`{name}` may be read from `{module}` by another file ({others[0].name})"
            return None

        return exposed


# The literals ``_Exposure``'s patterns start with (or need), found in the same pass as the
# names.
_MARKERS = frozenset(
    {
        b"import *", b"import\t*", b" as ", b".__dict__",
        b"attr(", b".object(", b"vars(", b"import_module(", b"__import__(", b"sys.modules[",
        b"attrgetter(",
    }
)  # fmt: skip


def _word_before(data: bytes, end: int) -> bytes:
    """The name that ends at ``end`` in ``data`` (empty if none)."""
    start = end
    while start and (data[start - 1 : start].isalnum() or data[start - 1] == 95):
        start -= 1
    return data[start:end]


def _assigned_before(data: bytes, start: int) -> bytes:
    """The name ``data`` assigns to what starts at ``start`` (``name = <it>``), if any
    (``importlib.`` in front skipped)."""
    if data[:start].endswith(b"importlib."):
        start -= len(b"importlib.")
    head = data[max(0, start - 200) : start].rstrip(b" \t")
    if not head.endswith(b"=") or head.endswith((b"==", b"!=", b"<=", b">=")):
        return b""
    return _word_before(head[:-1].rstrip(b" \t"), len(head[:-1].rstrip(b" \t")))


def _read_key(dots: bytes, parents: bytes, leaf: bytes) -> str:
    """How ``_Exposure`` notes the module a ``from`` import reads: by its last name when it is
    relative, whole (after ``=``) when it is absolute: it can then read no other module."""
    return (leaf if dots else b"=" + re.sub(rb"\s", b"", parents) + leaf).decode()


def _lists_a_star(listed: bytes) -> bool:
    """Whether what a ``from`` import takes is ``*`` (a comment after it aside)."""
    return listed.partition(b"#")[0].strip().strip(b"()").strip() == b"*"


class _Unparsable(Exception):
    """The file does not parse: it is left as it is."""


class _BrokenRewrite(Exception):
    """A rewritten part of the file would not parse: the file is left as it is."""


class _ImportUnchanged(Exception):
    """A renamed import could not be rewritten, its uses could: the file is left as it is."""


class _Overlapping(Exception):
    """Two fixes would change the same characters: the file is left as it is."""


class _Region(Struct):
    """Whole top-level statements (lines ``first`` to ``last``) that change: their span
    changes (lines counted from the region's start), and the edits the codemod makes there."""

    first: int
    last: int
    keys: list[str]
    changes: dict[str, list[SpanChange]] = field(default_factory=dict)


class _Regions:
    """The parts of a file that change. Each is rewritten and parsed on its own: a module is
    its top-level statements one after the other, so the file parses when each part does,
    and the untouched rest is never parsed again."""

    def __init__(
        self,
        outline: Outline,
        head: int,
        head_keys: list[str],
        segments: list[tuple[int, int, list[str]]],
    ) -> None:
        self.outline = outline
        self.head = head
        self.by_first: dict[int, _Region] = {}
        if head:
            self.by_first[1] = _Region(1, head, head_keys)
        for first, last, keys in segments:
            self.by_first[first] = _Region(first, last, keys)

    def add_change(self, change: SpanChange) -> None:
        line = change.line + 1
        if line <= self.head:
            region = self.by_first[1]
        else:
            top = self.outline.holding(line)
            # A line between statements (a comment of its own) is a region by itself.
            first = line if top is None else first_line(top)
            last = line if top is None else (top.end_lineno or top.lineno)
            region = self.by_first.setdefault(first, _Region(first, last, []))
        local = replace(change, line=change.line - (region.first - 1))
        region.changes.setdefault("", []).append(local)

    def in_order(self) -> list[_Region]:
        return [self.by_first[first] for first in sorted(self.by_first)]


class Rewritten(Struct):
    data: bytes
    applied: set[str]  # the keys of the edits that found their place
    parsed: bool  # whether ``ast`` parsed the original
    # The keys whose local name was kept (an ``as`` stays), with the reason.
    kept_names: dict[str, str] = field(default_factory=dict)


def rewrite_source(
    data: bytes,
    edits: list[tuple[str, Edit]],
    module: str = "",
    exposed: Callable[[str], str | None] = lambda name: None,
    package: bool = False,
    unsafe: bool = False,
    cut: bool = False,
    star_binds: Callable[[str, str], bool] = lambda module, name: True,
) -> Rewritten:
    """The file with the edits applied, and the uses of each name an edit renames renamed
    where ``renames.plan_renames`` proves it safe (``module`` and ``exposed`` as there).

    In a UTF-8 file that ``ast`` reads, edits are made on exact spans where that is all they
    need; the others go through the libcst codemod, run on the part of the file from its start
    to the end of the last top-level statement holding one of them (a name may join an
    earlier import; nothing after that statement can change). Other files go through the
    codemod whole. With ``cut`` (the file is known to parse: the import graph read it whole),
    only the top-level statements the edits and renames concern are parsed.
    """
    text = _utf8_text(data)
    tree = None
    if text is not None:
        tree = statements_needed(text, edits) if cut else None
        if tree is None:
            try:
                tree = parse_python(text)
            except SyntaxError:
                tree = None  # newer syntax, perhaps: libcst decides
    if tree is None or text is None:
        try:
            module = libcst.parse_module(data)
        except Exception:  # libcst raises several error types for unparsable input
            raise _Unparsable from None
        kept = {
            key: NOT_READ_BY_AST
            for key, edit in edits
            if (isinstance(edit, FromImportEdit) and edit.rename_to)
            or isinstance(edit, AttributeEdit | CommentEdit | ChainEdit)
            or (isinstance(edit, StringEdit) and edit.exposes is not None)
        }
        result = apply_edits(
            module,
            [
                (k, e)
                for k, e in edits
                if not isinstance(e, AttributeEdit)
                and not (isinstance(e, StringEdit) and e.exposes is not None)
            ],
        )
        applied = {key for key in result.applied if key not in kept or not _is_noop(key, edits)}
        return Rewritten(_with_last_newline(result.module.bytes, data), applied, False, kept)
    outline = Outline(tree)
    expected = {
        key: EXPECTED_TO_FAIL for key, edit in edits if expected_to_fail(outline, edit.line)
    }
    edits = [(key, edit) for key, edit in edits if key not in expected]
    renames = plan_renames(
        text, tree, edits, module, exposed, package, unsafe, star_binds=star_binds
    )
    edits = [
        (key, renames.edits.get(key, edit))
        for key, edit in edits
        if key not in renames.unchanged | renames.blocked | renames.removed
        and not isinstance(edit, AttributeEdit)
    ]
    edits += renames.extra
    plan = plan_span_edits(text, tree, edits, outline)
    lines = {key: edit.line for key, edit in edits}
    head, segments = _codemod_parts(outline, [(key, lines[key]) for key in plan.needs_codemod])
    in_segment = {key for _, _, keys in segments for key in keys}
    # A comment is changed on its span wherever it is: the codemod, if it runs there, keeps
    # the comment it finds.
    comments = {key for key, edit in edits if isinstance(edit, CommentEdit | ChainEdit)}
    below = {
        key: found
        for key, found in plan.changes.items()
        if (lines[key] > head and key not in in_segment) or key in comments
    }
    # The renamed uses are never in an import statement or a string the codemod edits: they
    # are made with the spans, before the codemod runs on its parts.
    head_keys = [key for key in plan.needs_codemod if key not in in_segment]
    head_keys += [key for key in plan.changes if key not in below and key not in in_segment]
    regions = _Regions(outline, head, head_keys, segments)
    for change in [*(c for found in below.values() for c in found), *renames.changes]:
        regions.add_change(change)
    applied = set(below) | renames.done
    by_key = dict(edits)
    original = split_lines(text)
    pieces: list[str] = []
    done_to = 0  # original lines already in ``pieces``
    for region in regions.in_order():
        pieces += original[done_to : region.first - 1]
        piece = SpanPlan.apply("".join(original[region.first - 1 : region.last]), region.changes)
        if piece is None:
            raise _Overlapping
        if region.keys:
            offset = region.first - 1
            moved = [
                (key, replace(by_key[key], line=by_key[key].line - offset)) for key in region.keys
            ]
            piece, codemod_applied = _codemod(piece, moved)
            applied |= codemod_applied
        if not _ast_parses(piece.encode("utf-8")):
            raise _BrokenRewrite
        pieces.append(piece)
        done_to = region.last
    # The dropped lines go last, over the whole text: the comment above a dropped import,
    # or the blank line after it, may lie outside its region.
    rewritten = without_dropped("".join([*pieces, *original[done_to:]]))
    rewritten = without_repeated_imports(rewritten, text)
    if _bare_cr(text) and not _ast_parses(rewritten.encode("utf-8")):
        raise _BrokenRewrite  # (lines that end with a bare CR: the whole file is checked)
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    # A rename's uses were rewritten (or the attributes read from a module import), its import
    # was not (a form neither the span edits nor the codemod can change): the uses would read
    # a name nothing binds.
    if renames.changes and not set(renames.edits) <= applied:
        raise _ImportUnchanged
    chained = {key.removeprefix(MERGED) for key in applied if key.startswith(MERGED)}
    if any(key in by_key and key not in applied for key in chained):
        raise _ImportUnchanged
    applied = {key for key in applied if not key.startswith(MERGED)}
    kept = {**renames.refused, **expected}
    return Rewritten(bom + rewritten.encode("utf-8"), applied, True, kept)


def _is_noop(key: str, edits: list[tuple[str, Edit]]) -> bool:
    """An edit that only asked for a rename: without it, nothing changes."""
    edit = dict(edits)[key]
    return isinstance(edit, FromImportEdit) and [(n.name, n.local) for n in edit.names] == [
        (edit.name, edit.local)
    ]


def _codemod_parts(
    outline: Outline, needs: list[tuple[str, int]]
) -> tuple[int, list[tuple[int, int, list[str]]]]:
    """Where the codemod must run, for edits that spans cannot make (key, line each).

    An edit inside a top-level compound statement (a function, a class, a ``try``...) changes
    that statement only: the codemod runs on it alone. An edit at module level may join an
    earlier import of the module: the codemod runs on the file's head, up to the end of the
    last such statement (returned first; 0 if none). Returns the head and the statements
    below it as (first line, last line, keys), in order.
    """
    head = 0
    statements: dict[int, tuple[ast.stmt, list[str]]] = {}
    for key, line in needs:
        top = outline.holding(line)
        if top is None or not _is_compound(top):
            end = outline.last_line() if top is None else (top.end_lineno or top.lineno)
            head = max(head, end)
        else:
            statements.setdefault(id(top), (top, []))[1].append(key)
    segments = [
        (first_line(top), top.end_lineno or top.lineno, keys) for top, keys in statements.values()
    ]
    head = max([head, *(last for first, last, _ in segments if first <= head)])
    return head, sorted(s for s in segments if s[0] > head)


def _is_compound(statement: ast.stmt) -> bool:
    return isinstance(getattr(statement, "body", None), list)


def _codemod(text: str, edits: list[tuple[str, Edit]]) -> tuple[str, set[str]]:
    """``text`` (whole statements) rewritten by the libcst codemod, and the keys it applied."""
    try:
        module = libcst.parse_module(text)
    except Exception:  # libcst raises several error types for unparsable input
        raise _Unparsable from None
    result = apply_edits(module, edits, text)
    return _with_last_newline(result.module.code, text), result.applied


def _utf8_text(data: bytes) -> str | None:
    """The text of a file in UTF-8 (the default, with or without a BOM), else None."""
    encoding = _encoding(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        return None
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return None


def _encoding(data: bytes) -> str:
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return "utf-8"


def _still_parses(old: bytes, new: bytes, original_parsed: bool) -> bool:
    """Whether the rewritten file parses: with ``ast`` when the original does (the running
    Python's own parser; ``original_parsed``: the rewrite already found it does), else with
    libcst (newer syntax than this Python reads)."""
    if original_parsed or _ast_parses(old):
        return _ast_parses(new)
    try:
        libcst.parse_module(new)
    except Exception:  # libcst raises several error types for unparsable input
        return False
    return True


def _with_last_newline(new: AnyStr, old: AnyStr) -> AnyStr:
    """``new`` ending with the line break ``old`` ends with: libcst drops a last bare CR (old
    Mac line endings), and the next part of the file would then join the last line."""
    breaks = ("\r", "\n") if isinstance(old, str) else (b"\r", b"\n")
    if old.endswith(breaks[0]) and not new.endswith(breaks):
        return new + old[-1:]
    return new


def _bare_cr(text: str) -> bool:
    """Whether some line of ``text`` ends with a bare CR."""
    return "\r" in text and text.count("\r") != text.count("\r\n")


def _ast_parses(data: bytes) -> bool:
    try:
        parse_python(data)
    except (SyntaxError, ValueError):
        return False
    return True


def _unified_diff(relative: str, old: bytes, new: bytes) -> str:
    return "".join(
        difflib.unified_diff(
            split_lines(old.decode(_encoding(old), errors="replace")),
            split_lines(new.decode(_encoding(new), errors="replace")),
            fromfile=f"a/{relative}",
            tofile=f"b/{relative}",
        )
    )
