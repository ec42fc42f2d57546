"""The canonical_import check, from options and an import graph to violations.

Steps: validate the options against the graph (a typo must fail loudly), derive the
canonical exports from the canonical module's source, find every shim by following the graph,
classify each import of the implementation, the canonical module and the shims, then scan the
files the graph cannot see (and, for name rebinding and strings, the files a byte prefilter
points to).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import replace

from ...domain import rules
from ...domain.edits import FromImportEdit, StringEdit
from ...domain.errors import ConfigurationError, did_you_mean
from ...domain.exports import ExportSet, ObjectRef, derive_exports, star_bound
from ...domain.findings import Coverage, Violation
from ...domain.modules import expression_matches, is_same_or_descendant, resolve_relative
from ...domain.parsing import SourceFile
from ...domain.prefilter import Record, Request
from ...domain.statements import Binding
from ..context import RunContext
from ..pipeline.memo import FindingsMemo
from ..pipeline.sources import SourceCache
from ..pipeline.syntax_vouch import vouch_for_fixes
from ..ports import ContractFindings
from .importer_scope import (
    CandidatePlan,
    ImporterScope,
    planned_candidates_key,
    triggers_of,
)
from .prefilter import Prefilter
from .record_index import RecordIndex
from .reexports import Origins, reexported_by_implementations

if TYPE_CHECKING:  # the machinery of a full check is imported where it runs (see ``_analyse``)
    from ..pipeline.file_walk import FileWalk
    from .classify import Classifier, Target
    from .shims import ShimMap

OTHER = "other"


class CanonicalImportOptions(Struct, frozen=True):
    """A ``canonical_import`` contract's settings, validated and immutable."""

    canonical_module: str
    implementation_modules: tuple[str, ...]
    allowed_importers: tuple[str, ...] = ()
    exports: tuple[str, ...] = ()
    extra_exports: tuple[str, ...] = ()
    preferred_names: tuple[str, ...] = ()
    allow_renames: bool = False
    allow_secondary_names: bool = False
    check_name_rebinding: bool = True
    check_string_references: bool = True
    check_unreachable_files: bool = True
    exclude_type_checking_imports: bool = False
    # Report the implementation imports of the canonical module's own building blocks (the
    # modules it imports, directly or not): reported without a fix, since importing the
    # façade there would be an import cycle.
    report_upstream_imports: bool = False
    # A public name an implementation defines but the canonical module does not export yet:
    # `fix` adds it to the canonical module, so that its importers can move there.
    export_missing_names: bool = True
    # Files outside the root packages to check too (globs relative to the project root).
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True


_WORD = re.compile(r"\w+")
_BARE_RELATIVE = re.compile(r"\bfrom\s+\.+\s*import\b")

# The findings whose fix makes a module import the canonical module.
_IMPORT_RULES = frozenset(
    {rules.IMPLEMENTATION_IMPORT, rules.IMPLEMENTATION_MODULE_IMPORT, rules.SHIM_IMPORT}
)


def _patches_beside_kept_reads(violations: list[Violation]) -> list[Violation]:
    """A string moved to the canonical module (``mock.patch("…impl.X")``) patches the name
    there; in a file that keeps reading the implementation (a finding `fix` leaves), those
    reads would no longer see the patch: such a move is unsafe (a fresh-user trial)."""
    kept = {
        v.path
        for v in violations
        if not v.fixable
        and v.rule in (rules.IMPLEMENTATION_IMPORT, rules.IMPLEMENTATION_MODULE_IMPORT)
    }
    if not kept:
        return violations
    note = " (unsafe: the file keeps reading the implementation, which the patch would miss)"
    return [
        replace(v, edit=replace(v.edit, safe=False), message=v.message + note)
        if v.path in kept and isinstance(v.edit, StringEdit) and v.edit.safe and v.fixable
        else v
        for v in violations
    ]


def memo_name_of(canonical_module: str) -> str:
    """Under which name a façade's findings are kept between runs."""
    return f"findings-canonical-{canonical_module}"


def work_out_shared(graph: Any, context: RunContext, root_packages: list[str]) -> None:
    """Work out now what the run's checks on these roots work out on first use and share
    (the files by imported name, the walked files; the modules a check runs with): a copy
    of the process made next inherits it, instead of working it out again."""
    from ..pipeline import file_walk
    from . import classify, missing_exports, shims, source_facts  # noqa: F401 (as ``_analyse``)

    records = context.prefilter_planned(root_packages)
    RecordIndex.of(records, context.shared).importing(())  # (the index by name, built now)
    file_walk.walked_files(context.index(root_packages), graph.modules, context)


class CanonicalImportAnalysis:
    def __init__(
        self,
        graph: Any,
        options: CanonicalImportOptions,
        root_packages: Iterable[str],
        context: RunContext,
    ) -> None:
        self.graph = graph
        self.modules = graph.modules
        self.options = options
        self.root_packages = list(root_packages)
        self.context = context
        self.locator = context.index(self.root_packages)
        self.sources = SourceCache(self.locator, context)
        self.implementations: set[str] = set()
        # Implementation module -> its names bound to objects the canonical module borrows.
        self.passthrough: dict[str, dict[str, ObjectRef]] = {}
        self.scope = ImporterScope(graph, self.locator, context.shared)
        self._filter: tuple[ShimMap, Callable[[str], bool]] | None = None
        self._outside_shims: frozenset[str] = frozenset()  # (the graph cannot see them)
        # The parsed statements holding a file's strings, between reading it and looking.
        self._string_trees: dict[Path, tuple[list[ast.Module], list[int]]] = {}

    def run(self) -> ContractFindings:
        self._validate()
        exports = self._derive_exports()
        self._prefilter_files(exports)
        self.outside, outside_warnings = self.context.outside_files(
            self.root_packages,
            self.options.include,
            self.options.exclude,
            self.options.respect_gitignore,
        )
        outside_records = self.context.prefilter_outside(self.outside, self.prefilter.request)
        if outside_records:  # a dict of its own: the run's scan is shared by every contract
            self.records = {**self.records, **outside_records}
        memo = FindingsMemo(
            self.context,
            self.memo_name,
            [
                repr(self.options),
                self.root_packages,
                self.scope.graph is not None,
                # What the walk could not look at (a link to nothing): no record says so.
                sorted((str(path), problem) for path, problem in self.locator.problems),
            ],
            self.records,
            self.prefilter.request,
        )
        kept = memo.recall()
        if kept is not None:
            return kept
        findings = self._analyse(exports)
        findings.warnings += list(outside_warnings)
        if self.options.include:
            findings.violations = sorted(
                [*findings.violations, *self._outside_scan(findings)], key=Violation.sort_key
            )
        # The files whose content the findings rest on: those read here, the targets, and
        # every module whose imports of a target were classified. Any other file mattered
        # only through what its prefilter record shows (it does not import a target; to start
        # to, it must spell a canonical name, an implementation's name or a shim's name).
        vouched = vouch_for_fixes(findings, self.graph, self.locator, self.context)
        from ..pipeline.fix_preview import preview_fixes  # as in _analyse

        findings.violations = preview_fixes(
            findings.violations, self.sources, self.context.project_root
        )
        modules = {*self.shim_map.targets, *(importer for importer, _ in self.shim_map.edges)}
        paths = (self.locator.path_of(module) for module in modules)
        read = self.sources.consulted | {path for path in paths if path is not None} | vouched
        memo.keep(findings, read, self.context.excluded_files)
        return findings

    def _analyse(self, exports: ExportSet) -> ContractFindings:
        # Imported here: a run whose last findings are kept (a warm run, most often) needs
        # none of this, and starts faster without it.
        from ..pipeline.file_walk import FileWalk
        from .classify import IMPLEMENTATION, Classifier
        from .missing_exports import MissingExports
        from .shims import ShimFinder

        self._read_candidates(exports)
        finder = ShimFinder(
            self.graph,
            self.sources,
            exports,
            self.implementations,
            self._mentions,
            self.scope.prepare,
            self.passthrough,
        )
        shim_map = finder.find()
        finder.add_outside(shim_map, self._outside_shim_candidates(shim_map))
        classifier = Classifier(
            exports,
            allow_renames=self.options.allow_renames,
            allow_secondary_names=self.options.allow_secondary_names,
            check_name_rebinding=self.options.check_name_rebinding,
            implementations={
                module: target
                for module, target in shim_map.targets.items()
                if target.role == IMPLEMENTATION
            },
            missing_export=MissingExports(
                self.options.canonical_module,
                self.sources,
                self.locator,
                self.context,
                off=None if self.options.export_missing_names else "`export_missing_names` is off",
                listed=bool(self.options.exports),
            ),
        )
        violations = self._graph_violations(shim_map, classifier)
        walk = FileWalk(
            self.locator,
            self.modules,
            self.sources,
            self.context,
            self.options.check_unreachable_files,
            self._may_matter,
        )
        self.shim_map = shim_map
        self.classifier = classifier
        violations += self._file_scan(shim_map, classifier, walk)
        violations = self._without_cycles(violations)
        if classifier.star_importers:
            violations = self._exports_reach_star_importers(violations, classifier.star_importers)
        violations = _patches_beside_kept_reads(violations)
        return ContractFindings(
            violations=sorted(violations, key=Violation.sort_key),
            diagnostics=self.sources.diagnostics,
            coverage=walk.coverage,
            needed=self._needed(),
        )

    def _exports_reach_star_importers(
        self, violations: list[Violation], importers: set[str]
    ) -> list[Violation]:
        """A name the canonical module starts to export reaches every module that
        star-imports it, where it could replace a binding of the same name: those fixes are
        unsafe."""
        first = sorted(importers)[0]
        note = f" (unsafe: `{first}` star-imports `{self.options.canonical_module}`)"
        return [
            replace(v, edit=replace(v.edit, safe=False), message=v.message + note)
            if isinstance(v.edit, FromImportEdit | StringEdit) and v.edit.export is not None
            else v
            for v in violations
        ]

    def _without_cycles(self, violations: list[Violation]) -> list[Violation]:
        """The modules the canonical module imports (its building blocks) cannot import from
        it: that would put the façade on an import cycle (``cannot import name … from
        partially initialized module``). Their imports are not reported by default, and
        never with a fix."""
        upstream = self._upstream()
        kept = []
        for violation in violations:
            if violation.importer not in upstream or violation.rule not in _IMPORT_RULES:
                kept.append(violation)
            elif self.options.report_upstream_imports:
                kept.append(
                    replace(
                        violation,
                        edit=None,
                        unfixable_reason=f"`{self.options.canonical_module}` imports "
                        f"`{violation.importer}` ({upstream[violation.importer]}): importing the "
                        "façade here would be an import cycle",
                    )
                )
        return kept

    def _upstream(self) -> dict[str, str]:
        """Every module the canonical module imports, directly or through others (and the
        packages above them, which run first), with how; the implementations excluded."""
        canonical = self.options.canonical_module
        found: dict[str, str] = {}
        frontier = [canonical]
        while frontier:
            if hasattr(self.graph, "read_imports_of"):
                self.graph.read_imports_of(frontier)
            following = []
            for module in frontier:
                for imported in self.graph.find_modules_directly_imported_by(module):
                    parts = imported.split(".")
                    for size in range(1, len(parts) + 1):
                        name = ".".join(parts[:size])
                        if name in self.modules and name != canonical and name not in found:
                            how = "directly" if module == canonical else f"through `{module}`"
                            found[name] = how
                            following.append(name)
            frontier = following
        return {m: how for m, how in found.items() if m not in self.implementations}

    def _needed(self) -> set[Path]:
        """The files that could not be read and may hold a finding: read because the check
        needed them, or left out of the graph while their bytes show they may matter."""
        needed = set(self.sources.failed)
        needed.update(path for path in self.context.excluded_files if self._may_matter(path))
        return needed

    def _may_matter(self, path: Path) -> bool:
        """Whether a file may hold a finding of this check, as far as its bytes tell."""
        record = self.records.get(path)
        return (
            record is None
            or not record.readable
            or self.locator.module_of(path)
            in {self.options.canonical_module, *self.implementations}
            or self.scope.is_candidate(record, self.late_names)
            or any(self._wanted(path, in_graph=False))
        )

    def plan(self, owner: int = 0) -> None:
        """Tell the run, before any check runs, what this one will ask of every file and
        which modules its graph will read (for the contract whose ``id`` is ``owner``)."""
        self.context.plan_prefilter(self.root_packages, self.prefilter_request())
        planned = self.context.shared.setdefault(planned_candidates_key(self.root_packages), [])
        planned.append(replace(self.candidate_plan, owner=owner))

    @property
    def memo_name(self) -> str:
        return memo_name_of(self.options.canonical_module)

    def prefilter_request(self) -> Request:
        """What this check will ask of every file's bytes (worked out from the canonical
        module alone), so that one read of the tree can serve every contract of a run.
        What its graph will read is noted too (``candidate_plan``)."""
        self._validate()
        exports = self._derive_exports()
        prefilter = self._make_prefilter(exports)
        self.candidate_plan = CandidatePlan(
            self.memo_name,
            triggers_of(prefilter.words, [*exports.names, *prefilter.preferred], self.import_words),
            tuple(self._targets()),
        )
        return prefilter.request

    def _targets(self) -> list[str]:
        """The modules read first: the canonical module, its submodules and implementations,
        and the packages above it (which run before it: ``_upstream`` reads them)."""
        canonical = self.options.canonical_module
        parts = canonical.split(".")
        packages = [".".join(parts[:size]) for size in range(1, len(parts))]
        return [
            *packages,
            canonical,
            *self.graph.find_descendants(canonical),
            *self.implementations,
        ]

    def _make_prefilter(self, exports: ExportSet) -> Prefilter:
        # The last part of each implementation module's name: any file importing one spells it.
        self.import_words = {module.rpartition(".")[2] for module in self.implementations}
        return Prefilter(
            exports,
            self.options.implementation_modules,
            self.import_words,
            self.options.canonical_module,
        )

    def _prefilter_files(self, exports: ExportSet) -> None:
        """Read every file once (or take its record from the cache)."""
        self.prefilter = self._make_prefilter(exports)
        self.words = self.prefilter.words
        self.records = self.context.prefilter(self.root_packages, self.prefilter.request)

    def _read_candidates(self, exports: ExportSet) -> None:
        """Have the graph read the targets and every file that can import one."""
        self.scope.start(
            self.records,
            self.words,
            [*exports.names, *self.prefilter.preferred],
            self.import_words,
            self._targets(),
        )
        if self.scope.graph is not None:
            self._prefetch_planned()
            self.scope.wait()
            self._validate_imports()

    def _prefetch_planned(self) -> None:
        """The first check of a run to read its candidates has the graph read those of the
        checks to come too, in a thread of its own, while it goes on (skipping the checks
        whose findings may be kept from an earlier run: they may read nothing)."""
        planned = self.context.shared.pop(planned_candidates_key(self.root_packages), [])
        memo = self.context.ports.memo
        here = self.context.checking
        self.scope.prefetch(
            plan
            for plan in planned
            if plan.memo_name != self.memo_name
            and not (memo.keeps and memo.has(plan.memo_name))
            and (here is None or plan.owner in here)
        )

    # Configuration ------------------------------------------------------------------------------

    def _validate(self) -> None:
        options = self.options
        self._require_module("canonical_module", options.canonical_module)
        if not options.implementation_modules:
            raise ConfigurationError("implementation_modules", "", "at least one is required")
        for module in options.implementation_modules:
            self._require_module("implementation_modules", module)
            if is_same_or_descendant(options.canonical_module, module):
                raise ConfigurationError(
                    "implementation_modules",
                    module,
                    "contains the canonical module; the canonical module must be separate",
                )
            self.implementations |= {module} | self.graph.find_descendants(module)
        if self.scope.graph is None:
            self._validate_imports()  # a whole graph has every import already
        for expression in options.allowed_importers:
            if not any(expression_matches(expression, m) for m in self.modules):
                raise ConfigurationError(
                    "allowed_importers",
                    expression,
                    "matches no module of the root packages" + self._did_you_mean(expression),
                )

    def _validate_imports(self) -> None:
        """Both modules readable, and the canonical module imports each implementation (a
        scoped graph can tell once it has read them, with the candidates)."""
        options = self.options
        self._require_module("canonical_module", options.canonical_module)
        for module in options.implementation_modules:
            self._require_module("implementation_modules", module)
            if not self._imports(options.canonical_module, module):
                raise ConfigurationError(
                    "implementation_modules",
                    module,
                    f"is not imported by the canonical module '{options.canonical_module}', "
                    "so it cannot be what that module re-exports",
                )

    def _imports(self, canonical: str, implementation: str) -> bool:
        """Whether the canonical module imports the implementation or a module inside it.
        (grimp refuses ``as_packages`` for a package and a module inside it: a façade package
        over its own submodule is such a pair.)"""
        if not is_same_or_descendant(implementation, canonical):
            return self.graph.direct_import_exists(
                importer=canonical, imported=implementation, as_packages=True
            )
        inside = {implementation} | self.graph.find_descendants(implementation)
        return any(
            self.graph.direct_import_exists(importer=canonical, imported=module)
            for module in inside
        )

    def _require_module(self, option: str, module: str) -> None:
        path = self.locator.path_of(module)
        problem = path is not None and self.context.excluded_files.get(path)
        if problem:
            # (Worded as when its own read fails: the graph may have left it out first.)
            where = problem.path + (f":{problem.line}" if problem.line else "")
            raise ConfigurationError(option, module, f"cannot be read: {where}: {problem.message}")
        if module not in self.modules or self.graph.is_module_squashed(module):
            raise ConfigurationError(
                option,
                module,
                f"is not a module of the root packages ({', '.join(self.root_packages)})"
                + self._did_you_mean(module),
            )

    def _did_you_mean(self, name: str) -> str:
        return did_you_mean(name, self.modules)

    def _derive_exports(self) -> ExportSet:
        module = self.options.canonical_module
        source = self.sources.module_file(module)
        tree = None if source is None else self.sources.tree(source)
        if tree is None:
            last = self.sources.diagnostics[-1] if self.sources.diagnostics else None
            where = "" if last is None else f"{last.path}" + (f":{last.line}" if last.line else "")
            problem = "its file was not found" if last is None else f"{where}: {last.message}"
            raise ConfigurationError("canonical_module", module, f"cannot be read: {problem}")
        return derive_exports(
            tree,
            module=module,
            is_package=self.locator.is_package(module),
            implementation_modules=self.options.implementation_modules,
            is_module=self.modules.__contains__,
            include_type_checking=not self.options.exclude_type_checking_imports,
            only=self.options.exports,
            extra=self.options.extra_exports,
            preferred=self.options.preferred_names,
            adopt=self._adopt,
            star_names=self._star_names,
        )

    def _star_names(self, module: str) -> list[str]:
        """What ``from <module> import *`` binds, read from that module's source (nothing
        for a module outside the root packages, or one that cannot be read)."""
        if module not in self.modules:
            return []
        source = self.sources.module_file(module)
        tree = None if source is None else self.sources.tree(source)
        if tree is None:
            return []
        return star_bound(
            tree,
            module=module,
            is_package=self.locator.is_package(module),
            is_module=self.modules.__contains__,
        )

    def _adopt(self, borrowed: dict[str, ObjectRef]) -> set[ObjectRef]:
        """The borrowed objects an implementation re-exports: canonical objects too."""
        origins = Origins(
            self.sources,
            self.modules.__contains__,
            self.locator.is_package,
            not self.options.exclude_type_checking_imports,
        )
        self.passthrough = reexported_by_implementations(
            borrowed, self.implementations, origins, self._spells
        )
        return {ref for names in self.passthrough.values() for ref in names.values()}

    # Prefilter ----------------------------------------------------------------------------------

    def _mentions(self, module: str, names: Collection[str]) -> bool:
        """Whether ``module``'s file contains any of ``names`` (decided without reading it
        again when the prefilter already looked for them)."""
        path = self.locator.path_of(module)
        record = self.records.get(path) if path else None
        if record is not None and record.readable and self.words.issuperset(names):
            return not record.words.isdisjoint(names)
        source = self.sources.module_file(module)
        return source is None or any(name in source.text for name in names)

    def _spells(self, module: str, names: Collection[str]) -> bool:
        """Whether ``module``'s file contains any of ``names`` (before the prefilter ran)."""
        source = self.sources.module_file(module)
        return source is not None and any(name in source.text for name in names)

    # Imports the graph points to ----------------------------------------------------------------

    def _is_exempt(self, importer: str) -> bool:
        return (
            importer == self.options.canonical_module
            or importer in self.implementations
            or any(expression_matches(e, importer) for e in self.options.allowed_importers)
        )

    def _graph_violations(self, shim_map: ShimMap, classifier: Classifier) -> list[Violation]:
        from .classify import Site  # (imported as ``_analyse`` says)
        from .shims import relevant_bindings
        from .source_facts import SourceFacts

        violations: list[Violation] = []
        for (importer, module), statements in sorted(shim_map.edges.items()):
            if self._is_exempt(importer):
                continue
            path = self.locator.path_of(importer)
            if path is None:
                continue
            target = shim_map.targets[module]
            facts = SourceFacts(self.sources, path)
            for statement in statements:
                site = Site(
                    importer=importer,
                    importer_is_package=path.name == "__init__.py",
                    path=self.sources.display(path),
                    statement=statement,
                    facts=facts,
                )
                for binding in relevant_bindings(statement, module, self.modules):
                    violations += classifier.classify(site, binding, target)
        return violations

    # Files read directly ------------------------------------------------------------------------

    def _file_scan(
        self, shim_map: ShimMap, classifier: Classifier, walk: FileWalk
    ) -> list[Violation]:
        """Files the graph cannot see, and files the prefilter points to.

        Only those that can import a target (outside the graph), may rebind a canonical name
        with ``as``, or hold a quoted implementation path are parsed.
        """
        # A file outside the graph imports a target only if it spells what a graph importer
        # would (``ImporterScope.start``), or imports a name a shim binds, or a shim by name.
        self.late_names = frozenset(
            {
                *(name for target in shim_map.targets.values() for name in target.bindings),
                *(module.rpartition(".")[2] for module in shim_map.shims),
            }
        )
        # The shims the graph cannot see: its own modules' imports of them are read here.
        self._outside_shims = frozenset(m for m in shim_map.shims if m not in self.modules)
        violations: list[Violation] = []
        for item in walk.among(self._may_want()):
            wanted = self._wanted(item.path, item.in_graph)
            if not any(wanted) or self._is_exempt(item.module):
                walk.checked()
                continue
            # Imports are read statement by statement; strings need the syntax trees of the
            # statements holding them (the whole file's when those cannot be cut out).
            source = self._read_for_strings(item.path, walk) if wanted[2] else walk.read(item.path)
            if source is not None:
                violations += self._file_violations(
                    source, item.module, shim_map, classifier, *wanted
                )
        return violations

    def _outside_shim_candidates(self, shim_map: ShimMap) -> list[str]:
        """Modules the graph cannot see that may re-export a canonical object: they spell a
        target's name (as a graph importer would) and some file's imports may name them."""
        index = RecordIndex.of(self.records, self.context.shared)
        late = {name for target in shim_map.targets.values() for name in target.bindings}
        spelling = index.spelling({*self.scope.triggers, *(late & self.words)})
        candidates = []
        for path in spelling:
            module = self.locator.module_of(path)
            if (
                module is not None
                and module not in self.modules
                and self.locator.path_of(module) == path
                and index.may_be_imported(module)
                and not self._is_exempt(module)
            ):
                candidates.append(module)
        return candidates

    def _read_for_strings(self, path: Path, walk: FileWalk) -> SourceFile | None:
        """Read a file whose strings are looked at, and parse the statements that may hold
        them (kept for ``_file_violations``); the whole file when they cannot be cut out."""
        from ...domain.segments import statement_trees  # (imported as ``_analyse`` says)

        source = self.sources.file(path)
        if source is None:
            return walk.read(path)  # skipped, with why
        lines = self.prefilter.string_lines(source.text)
        trees = statement_trees(source.lines, self.sources.mask(source), lines)
        if trees is None:
            return walk.parse(path)
        self._string_trees[path] = (trees, lines)
        return walk.read(path)

    def _outside_scan(self, findings: ContractFindings) -> list[Violation]:
        """The included files outside the root packages: read like files the graph cannot
        see (their imports resolved by absolute name), and counted apart."""
        coverage = Coverage(in_scope=len(self.outside))
        violations: list[Violation] = []
        shim_map = self.shim_map
        for path in self.outside:
            module = ".".join(path.relative_to(self.context.project_root).with_suffix("").parts)
            wanted = self._wanted(path, in_graph=False)
            if not any(wanted) or self._is_exempt(module):
                coverage.checked += 1
                continue
            source = self.sources.file(path)
            if source is not None and wanted[2] and self.sources.tree(source) is None:
                source = None
            if source is None:  # a diagnostic already says why; the run cannot pass
                rule = self.sources.failed.get(path, rules.SYNTAX_ERROR)
                coverage.skipped[rule.name] = coverage.skipped.get(rule.name, 0) + 1
                if findings.needed is not None:
                    findings.needed.add(path)
                continue
            found = self._file_violations(source, module, shim_map, self.classifier, *wanted)
            if path in self.sources.failed:  # a statement could not be read: neither can Python
                rule = self.sources.failed[path]
                coverage.skipped[rule.name] = coverage.skipped.get(rule.name, 0) + 1
                if findings.needed is not None:
                    findings.needed.add(path)
                continue
            coverage.checked += 1
            violations += found
        findings.coverage = replace(findings.coverage, outside=coverage)
        return violations

    def _may_want(self) -> set[Path]:
        """Every file ``_wanted`` may say yes to, found in the run's record indexes: one that
        spells a trigger, the rebinding label or a quoted implementation path, imports a
        name met late (a shim's), or has no readable record. (A late name this check asked
        the prefilter for is in the record of every file that imports it.)"""
        index = RecordIndex.of(self.records, self.context.shared)
        words = {*self.scope.triggers, self.prefilter.rebound, *self.prefilter.string_markers}
        selected = index.spelling(words | (self.late_names & self.words))
        selected.update(index.importing(self.late_names - self.words))
        selected.update(index.unreadable)
        return selected

    def _wanted(self, path: Path, in_graph: bool) -> tuple[bool, bool, bool]:
        """(read its imports, look for canonical names rebound, look for strings)."""
        record = self.records[path]
        words = record.words
        imports = (
            (not record.readable or self.scope.is_candidate(record, self.late_names))
            if not in_graph
            else self._names_outside_shim(record)
        )
        rebinding = self.options.check_name_rebinding and self._rebinds(path, words)
        strings = self.options.check_string_references and self.prefilter.spells_string(words)
        return imports, rebinding, strings

    def _names_outside_shim(self, record: Record) -> bool:
        """Whether a file of the graph may import a shim the graph cannot see: by its whole
        name, or from its package (``from tests.helpers import ws``), or relatively."""
        if not self._outside_shims or not record.readable:
            return False
        named = set(record.paths)
        leaves = {path.rpartition(".")[2] for path in record.paths if path.startswith(".")}
        return any(
            shim in named
            or (shim.rpartition(".")[0] in named and shim.rpartition(".")[2] in record.imported)
            or shim.rpartition(".")[2] in leaves
            for shim in self._outside_shims
        )

    def _rebinds(self, path: Path, words: frozenset[str]) -> bool:
        """Whether a file may bind a canonical name to another object: an ``as <name>`` whose
        module is unknown, or is neither a target (classified through the graph) nor
        outside the roots."""
        if self.prefilter.rebound not in words:
            return False
        prefix = self.prefilter.rebound_from + ":"
        sources = [word[len(prefix) :] for word in words if word.startswith(prefix)]
        if not sources:
            return True  # a form the one-line pattern does not read (say, split over lines)
        module = self.locator.module_of(path) or ""
        is_package = path.name == "__init__.py"
        for text in sources:
            if text == "?":
                return True
            level = len(text) - len(text.lstrip("."))
            source = resolve_relative(module, is_package, level, text.lstrip(".") or None)
            if source is None or (module, source) in self.shim_map.edges:
                continue  # classified through the graph
            if any(is_same_or_descendant(source, root) for root in self.root_packages):
                return True
        return False

    def _file_violations(
        self,
        source: SourceFile,
        module: str,
        shim_map: ShimMap,
        classifier: Classifier,
        check_targets: bool,
        check_rebinding: bool,
        check_strings: bool,
    ) -> list[Violation]:
        from ...domain.strings import find_string_references, string_pattern  # as in _analyse
        from .classify import Site
        from .source_facts import SourceFacts

        violations: list[Violation] = []
        display = self.sources.display(source.path)
        if check_targets or check_rebinding:
            is_package = source.path.name == "__init__.py"
            facts = SourceFacts(self.sources, source.path)
            concerns = self._statement_filter(shim_map)
            # With `exclude_type_checking_imports`, the graph has no import made under `if
            # TYPE_CHECKING:`: nor does a file read here.
            unseen = self.options.exclude_type_checking_imports
            # (A module of the graph: its imports of the graph's targets are classified there,
            # those of the shims it cannot see here.)
            in_graph = module in self.modules
            for statement in self.sources.import_statements(source, module, concerns):
                site = Site(module, is_package, display, statement, facts)
                targets_here = check_targets and not (unseen and statement.type_checking)
                for binding in statement.bindings:
                    target = self._target_of(binding, shim_map)
                    if target is None:
                        continue
                    seen = in_graph and target.module not in self._outside_shims
                    if target.role == OTHER or not targets_here or seen:
                        # Only a rebinding is looked for here; an import of a target was
                        # classified through the graph, unless the graph passed over it (the
                        # file names none of that module's canonical names).
                        wanted = check_rebinding and (
                            target.role == OTHER or (module, target.module) not in shim_map.edges
                        )
                    else:
                        wanted = True
                    if wanted:
                        violations += classifier.classify(site, binding, target)
        if check_strings:
            cut = self._string_trees.pop(source.path, None)
            if cut is None:
                whole = self.sources.tree(source)
                cut = ([] if whole is None else [whole], self.prefilter.string_lines(source.text))
            trees, lines = cut
            pattern = string_pattern(self.implementations)
            references = [r for tree in trees for r in find_string_references(tree, pattern, lines)]
            for reference in references:
                line = source.lines[reference.line - 1]
                target = shim_map.targets[reference.module]
                found = classifier.string_reference(module, display, line, reference, target)
                edit = found.edit
                exposes = isinstance(edit, StringEdit) and edit.exposes is not None
                tree = (
                    self.sources.statements_holding(source, [reference.line]) if exposes else None
                )
                if tree and isinstance(edit, StringEdit):
                    from ...domain.renames import loaded_module_obstacle  # seldom needed

                    # `import_module("…")`: swapped only when what it loads is used for
                    # canonical objects alone, as `fix` decides it (the whole file's uses:
                    # those of the statements that spell the name holding the module).
                    obstacle = loaded_module_obstacle(
                        source.text,
                        tree,
                        edit,
                        lambda lines, source=source: self.sources.statements_holding(source, lines),
                    )
                    if obstacle and not found.unfixable_reason:
                        found = replace(found, unfixable_reason=obstacle)
                violations.append(found)
        return violations

    def _statement_filter(self, shim_map: ShimMap) -> Callable[[str], bool]:
        """What a one-line import statement must spell to concern this check (a superset):
        the last name of a target module (``from a.target import X``, ``from a import
        target``, ``from .target import X``), a bare relative source (``from . import X``
        names its package by dots alone), or ``as`` (a canonical name bound to another
        module's object). A statement without any of them has no binding ``_target_of``
        would find, or none the classifier would report."""
        if self._filter is None or self._filter[0] is not shim_map:
            names = frozenset({"as", *(module.rpartition(".")[2] for module in shim_map.targets)})

            def concerns(text: str) -> bool:
                return not names.isdisjoint(_WORD.findall(text)) or (
                    "." in text and _BARE_RELATIVE.search(text) is not None
                )

            self._filter = (shim_map, concerns)
        return self._filter[1]

    def _target_of(self, binding: Binding, shim_map: ShimMap) -> Target | None:
        """The target module a binding takes something from, or an OTHER project module."""
        from .classify import Target  # (imported as ``_analyse`` says)

        if binding.name is not None and binding.name != "*":
            submodule = f"{binding.source}.{binding.name}"
            if submodule in shim_map.targets:
                return shim_map.targets[submodule]
        if binding.source in shim_map.targets:
            return shim_map.targets[binding.source]
        if binding.name and any(
            is_same_or_descendant(binding.source, root) for root in self.root_packages
        ):
            return Target(binding.source, OTHER, {})
        return None
