"""Find project modules imported under a shorter second name (shadow roots).

With both the repository root and ``netra_backend/`` on ``sys.path``, ``app.x`` and
``netra_backend.app.x`` are two module objects for one file. An import graph of the root
packages never sees ``app.x`` (it looks external). The prefilter collects the first name of
every import line of every file; only files importing a name that is also the start of a
trailing part of a real module name (``app``, ``websocket_core``...) are parsed, and each
dotted name is matched against those trailing parts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import replace

from ...domain import rules
from ...domain.edits import ImportedName, ModuleEdit
from ...domain.errors import ConfigurationError, did_you_mean
from ...domain.findings import Coverage, Violation
from ...domain.modules import expression_matches, is_same_or_descendant, parent
from ...domain.parsing import line_at
from ...domain.prefilter import Record, Request
from ...domain.statements import IMPORT_HEAD, ImportStatement
from ..context import RunContext
from ..pipeline.memo import FindingsMemo
from ..pipeline.sources import SourceCache
from ..pipeline.syntax_vouch import vouch_for_fixes
from ..ports import ContractFindings
from .stale import StalePaths

if TYPE_CHECKING:
    from ..pipeline.file_walk import FileWalk


class ShadowOptions(Struct, frozen=True):
    """A ``single_module_identity`` contract's settings, validated and immutable."""

    roots: tuple[str, ...] = ()
    allowed_importers: tuple[str, ...] = ()
    allowed_names: tuple[str, ...] = ()
    minimum_depth: int = 2
    check_unreachable_files: bool = True
    check_stale_imports: bool = True
    canonical_modules: tuple[str, ...] = ()
    # Files outside the root packages to check too (globs relative to the project root).
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    # import-linter's session option: imports under `if TYPE_CHECKING:` do not count.
    exclude_type_checking_imports: bool = False


class ShadowRootAnalysis:
    def __init__(
        self,
        graph: Any,
        options: ShadowOptions,
        root_packages: Iterable[str],
        context: RunContext,
    ) -> None:
        self.graph = graph
        self.options = options
        self.root_packages = list(root_packages)
        self.locator = context.index(self.root_packages)
        self.sources = SourceCache(self.locator, context)
        self.context = context
        self._third_party: dict[str, bool] = {}

    def run(self) -> ContractFindings:
        roots = self.options.roots or tuple(self.root_packages)
        for root in roots:
            if root not in self.graph.modules:
                raise ConfigurationError("roots", root, "is not a root package of the graph")
        modules = [
            m
            for m in self.graph.modules
            if not self.graph.is_module_squashed(m)
            and any(is_same_or_descendant(m, r) for r in roots)
        ]
        self.index = _suffix_index(modules, self.options.minimum_depth)
        # Names a shadow import can start with: first parts of the trailing names, never a
        # root package itself (those imports are the canonical spelling).
        self.tops = {suffix.partition(".")[0] for suffix in self.index} - set(self.root_packages)
        self.stale = self._stale_paths(modules)
        request = self.stale.request if self.stale else Request(())
        self.records = self.context.prefilter(self.root_packages, request)
        outside, outside_warnings = self.context.outside_files(
            self.root_packages,
            self.options.include,
            self.options.exclude,
            self.options.respect_gitignore,
        )
        if outside:  # a dict of its own: the run's scan is shared by every contract
            self.records = {**self.records, **self.context.prefilter_outside(outside, request)}
        memo = FindingsMemo(
            self.context,
            f"findings-identity-{'-'.join(roots)}",
            [
                repr(self.options),
                self.root_packages,
                # Which installed packages provide a name is read from the environment.
                self.context.ports.environment.fingerprint(),
                sorted((str(p), d.kind) for p, d in self.context.excluded_files.items()),
            ],
            self.records,
            request,
        )
        kept = memo.recall()
        if kept is not None:
            return kept
        # Imported here: a run whose last findings are kept does not need it.
        from ..pipeline.file_walk import FileWalk

        walk = FileWalk(
            self.locator,
            self.graph.modules,
            self.sources,
            self.context,
            self.options.check_unreachable_files,
            self._may_matter,
        )
        violations = self._scan(walk)
        coverage = walk.coverage
        if self.options.include:
            found, outside_coverage = self._scan_outside(outside)
            violations += found
            coverage = replace(coverage, outside=outside_coverage)
        needed = set(self.sources.failed) | {
            path for path in self.context.excluded_files if self._may_matter(path)
        }
        findings = ContractFindings(
            sorted(violations, key=Violation.sort_key),
            self.sources.diagnostics,
            coverage,
            warnings=list(outside_warnings),
            needed=needed,
        )
        read = vouch_for_fixes(findings, self.graph, self.locator, self.context)
        memo.keep(findings, self.sources.consulted | read, {})
        return findings

    def _stale_paths(self, modules: list[str]) -> StalePaths | None:
        if not self.options.check_stale_imports:
            return None
        for module in self.options.canonical_modules:
            if module not in self.graph.modules or self.locator.path_of(module) is None:
                raise ConfigurationError(
                    "canonical_modules",
                    module,
                    f"is not a module of the root packages ({', '.join(self.root_packages)})"
                    + did_you_mean(module, modules),
                )
        return StalePaths(
            self.locator,
            self.sources,
            self.context,
            self.root_packages,
            modules,
            self.options.canonical_modules,
        )

    def _may_matter(self, path: Path) -> bool:
        """Whether the file may import a candidate name, or a module that does not exist, as
        far as its bytes tell."""
        record = self.records.get(path)
        if record is None or not record.readable or not self.tops.isdisjoint(record.tops):
            return True
        return self._stale_suspect(path, record) != (False, False)

    def _stale_suspect(self, path: Path, record: Record) -> tuple[bool, bool]:
        """(an import line names a missing module, a string may name one)."""
        if self.stale is None:
            return False, False
        return (
            bool(record.paths) and self.stale.missing_in(path, record),
            self.stale.spells_strings(record),
        )

    def _scan(self, walk: FileWalk) -> list[Violation]:
        """Every file whose import lines start with a candidate name is parsed and checked."""
        violations: list[Violation] = []
        for item in walk:
            found, problem = self._check_file(item.path, item.module, self.records[item.path])
            if problem:
                walk.parse(item.path)  # counted as skipped, with the reason
            else:
                walk.checked()
                violations += found
        return violations

    def _scan_outside(self, paths: list[Path]) -> tuple[list[Violation], Coverage]:
        """The included files outside the root packages, counted apart."""
        violations: list[Violation] = []
        coverage = Coverage(in_scope=len(paths))
        for path in paths:
            module = ".".join(path.relative_to(self.context.project_root).with_suffix("").parts)
            found, problem = self._check_file(path, module, self.records[path])
            if problem:
                coverage.skipped[problem] = coverage.skipped.get(problem, 0) + 1
            else:
                coverage.checked += 1
                violations += found
        return violations, coverage

    def _check_file(
        self, path: Path, module: str, record: Record
    ) -> tuple[list[Violation], str | None]:
        """The file's findings, or why it could not be read (None: it was checked, by its
        bytes alone where they rule everything out)."""
        candidates = self.tops.intersection(record.tops)
        stale_imports, stale_strings = self._stale_suspect(path, record)
        if self._is_exempt(module):
            stale_imports = stale_strings = False
        if not candidates and not stale_imports and not stale_strings:
            return [], None
        source = self.sources.file(path)
        if source is None:
            return [], self.sources.failed[path].name
        # Quoted paths that may be stale need the statements holding them, parsed (a call's
        # argument?): cut out, or the whole file.
        lines = self.stale.suspect_lines(source) if stale_strings and self.stale else []
        tree = self.sources.statements_holding(source, lines) if lines else None
        if lines and tree is None:
            return [], self.sources.failed.get(path, rules.SYNTAX_ERROR).name
        violations: list[Violation] = []
        # Only the import statements that start with a candidate name are read.
        for line in _import_lines(source.text, candidates) if candidates else ():
            for statement in self.sources.statements_in(source, module, line):
                if not self._left_out(statement):
                    violations += self._check_statement(module, path, statement)
        display = self.sources.display(path)
        if stale_imports and self.stale is not None:
            for statement in self.sources.import_statements(source, module):
                if not self._left_out(statement):
                    violations += self.stale.import_violations(statement, source, module, display)
        if tree is not None and self.stale is not None:
            violations += self.stale.string_violations(source, tree, lines, module, display)
        if path in self.sources.failed:  # a statement could not be read: neither can Python
            return [], self.sources.failed[path].name
        return violations, None

    def _left_out(self, statement: ImportStatement) -> bool:
        """An import under ``if TYPE_CHECKING:`` with ``exclude_type_checking_imports``."""
        return self.options.exclude_type_checking_imports and statement.type_checking

    def _is_exempt(self, importer: str) -> bool:
        return any(expression_matches(e, importer) for e in self.options.allowed_importers)

    def _check_statement(
        self, importer: str, path: Path, statement: ImportStatement
    ) -> list[Violation]:
        if statement.level or any(
            expression_matches(e, importer) for e in self.options.allowed_importers
        ):
            return []
        violations = []
        if statement.is_from:
            source = statement.bindings[0].source
            full = self._shadowed(source)
            if full is not None:
                return [self._violation(importer, path, statement, 0, source, full)]
            for index, binding in enumerate(statement.bindings):
                name = f"{source}.{binding.name}"
                full = self._shadowed(name)
                if full is not None:
                    return [self._violation(importer, path, statement, index, name, full)]
            return []
        for index, binding in enumerate(statement.bindings):
            full = self._shadowed(binding.source)
            if full is not None:
                violations.append(
                    self._violation(importer, path, statement, index, binding.source, full)
                )
        return violations

    def _shadowed(self, name: str) -> str | None:
        candidates = self.index.get(name)
        if not candidates or name.partition(".")[0] in self.root_packages:
            return None
        if any(expression_matches(e, name) for e in self.options.allowed_names):
            return None
        if self._is_third_party(name):
            return None
        return sorted(candidates, key=lambda m: (len(m), m))[0]

    def _is_third_party(self, name: str) -> bool:
        """Whether an installed package outside the project really provides ``name``."""
        if name not in self._third_party:
            self._third_party[name] = self.context.ports.installed.provides(
                name, self.locator.directories
            )
        return self._third_party[name]

    def _violation(
        self,
        importer: str,
        path: Path,
        statement: ImportStatement,
        index: int,
        name: str,
        full: str,
    ) -> Violation:
        binding = statement.bindings[index]
        if statement.is_from:
            names = tuple(ImportedName(b.name or "", b.local) for b in statement.bindings)
            # Matched through `from shadow import module`: the full name of the `from` part.
            module = full if name == statement.bindings[0].source else parent(full)
            # Unsafe: the module object changes identity (a test may put a folder on sys.path
            # on purpose to load it under the short name).
            edit = ModuleEdit(statement.line, name, module, names=names, safe=False)
            unfixable = None
        else:
            aliased = binding.local != binding.source.partition(".")[0]
            edit = ModuleEdit(
                statement.line,
                name,
                full,
                alias=binding.local if aliased else None,
                safe=False,
            )
            unfixable = None if aliased else f"uses are written as `{name}.…`; rewrite them by hand"
        return Violation(
            rule=rules.SHADOW_ROOT,
            path=self.sources.display(path),
            line=statement.line,
            column=None,
            importer=importer,
            imported=full,
            symbol=name,
            via=name,
            statement=statement.text,
            message=f"`{name}` is `{full}` under a second name: Python would load the file "
            "twice, as two module objects with their own classes and singletons",
            edit=edit,
            unfixable_reason=unfixable,
            identity=(binding.local,),
        )


_STATEMENT_HEAD = re.compile(IMPORT_HEAD)


def _import_lines(text: str, names: Collection[str]) -> list[int]:
    """1-based lines of import statements that name one of ``names`` (first or listed)."""
    alternatives = "|".join(re.escape(name) for name in sorted(names))
    # Searched from its leading word (fast); what comes before it on its line is checked after.
    pattern = re.compile(
        rf"(?:lazy[ \t]+)?(?:from[ \t]+(?:{alternatives})\b"
        rf"|import[ \t][^\r\n#;]*\b(?:{alternatives})\b)"
    )
    lines: list[int] = []
    for match in pattern.finditer(text):
        start = match.start()
        head = text[text.rfind("\n", 0, start) + 1 : start]
        if "\r" in head:  # (a bare CR ends a line too: old Mac files)
            head = head[head.rfind("\r") + 1 :]
        if (not head.strip() or _STATEMENT_HEAD.fullmatch(head)) and (
            line := line_at(text, start)
        ) not in lines:
            lines.append(line)
    return lines


def _suffix_index(modules: Iterable[str], minimum_depth: int) -> dict[str, list[str]]:
    """Every trailing part (at least ``minimum_depth`` names long) of each module name."""
    index: dict[str, list[str]] = defaultdict(list)
    for module in modules:
        parts = module.split(".")
        for start in range(1, len(parts)):
            if len(parts) - start >= minimum_depth:
                index[".".join(parts[start:])].append(module)
    return dict(index)
