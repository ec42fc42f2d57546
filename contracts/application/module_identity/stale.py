"""Stale import paths: imports (and strings resolved like imports) of modules of the root
packages that do not exist.

The prefilter records the dotted and relative module paths of every file's import lines, so
whether each exists is answered from the module index without reading the file; only files
with a missing path, or with a quoted path under a root package, are read. A module exists
when the index has its file, or when it is a folder under a root (a namespace package); a
name an installed package provides is never stale.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ...domain import rules
from ...domain.edits import ImportedName, ModuleEdit, StringEdit
from ...domain.expected_failures import expected_to_fail
from ...domain.findings import Violation
from ...domain.modules import resolve_relative
from ...domain.outline import Outline
from ...domain.parsing import SourceFile
from ...domain.prefilter import Record, Request
from ...domain.scopes import enclosing_headers
from ...domain.stale_paths import ModuleNames, module_level_names
from ...domain.statements import ImportStatement
from ...domain.strings import find_string_references, string_pattern
from ..context import RunContext
from ..pipeline.sources import SourceCache
from ..ports import ModuleIndex

# Calls whose string argument is a dotted path resolved by importing its module part.
ATTRIBUTE_RESOLVERS = frozenset({"patch", "dict", "setattr", "delattr", "resolve_name"})
MODULE_RESOLVERS = frozenset({"import_module", "__import__"})


def string_request(root_packages: Iterable[str]) -> Request:
    """What makes a file worth reading for stale strings: a quoted path under a root package.
    (One substring search per root, both quote styles at once, costs less than a regular
    expression over the file.)"""
    roots = sorted(set(root_packages))
    return Request(tuple(f"{quote}{root}." for root in roots for quote in ('"', "'")))


class StalePaths:
    def __init__(
        self,
        locator: ModuleIndex,
        sources: SourceCache,
        context: RunContext,
        root_packages: Iterable[str],
        modules: Iterable[str],
        canonical_modules: Iterable[str] = (),
    ) -> None:
        self.locator = locator
        self.sources = sources
        self.context = context
        self.root_packages = frozenset(root_packages)
        self.names = ModuleNames(modules)
        self.canonical_modules = tuple(canonical_modules)
        self._exists: dict[str, bool] = {}
        self._names: dict[str, set[str] | None] = {}
        self.pattern = string_pattern(self.root_packages)
        self.request = string_request(self.root_packages)
        roots = "|".join(re.escape(root) for root in sorted(self.root_packages))
        self._quoted = re.compile(rf"""(["'])((?:{roots})(?:\.[A-Za-z_]\w*)+(?::[\w.]+)?)\1""")

    # What a file's record tells -------------------------------------------------------------

    def missing_in(self, path: Path, record: Record) -> bool:
        """Whether an import line of the file names a module that does not exist."""
        for name in record.paths:
            if name[0] != ".":
                absolute: str | None = name
            else:  # relative: from the file's own package
                module = self.locator.module_of(path) or path.stem
                level = len(name) - len(name.lstrip("."))
                is_package = path.name == "__init__.py"
                absolute = resolve_relative(module, is_package, level, name[level:] or None)
            if absolute is not None and self.is_missing(absolute):
                return True
        return False

    def spells_strings(self, record: Record) -> bool:
        return not record.words.isdisjoint(self.request.words)

    def _suspect(self, value: str, loads_modules: bool) -> bool:
        return (loads_modules and self.is_missing(value.partition(":")[0])) or (
            self._missing_in_target(value)[0] is not None
        )

    def is_missing(self, module: str) -> bool:
        """A module under a root package that neither the tree nor an installed package has."""
        if module.partition(".")[0] not in self.root_packages:
            return False
        if module not in self._exists:
            self._exists[module] = self._found(module)
        return not self._exists[module]

    def _missing_here(self, module: str, statement: ImportStatement) -> bool:
        """``is_missing``, but for an import under ``if TYPE_CHECKING:`` (read by type checkers
        only), which a type stub (``name.pyi``) answers."""
        if not self.is_missing(module):
            return False
        if not statement.type_checking:
            return True
        top, _, rest = module.partition(".")
        parts = rest.split(".") if rest else []
        return not parts or not any(
            _stub(Path(directory, *parts)) for directory in self.locator.roots.get(top, ())
        )

    def _found(self, module: str) -> bool:
        if self.locator.path_of(module) is not None:
            return True
        top, _, rest = module.partition(".")
        if rest and any(
            _folder_or_unknown(Path(directory, *rest.split(".")))
            or _compiled(Path(directory, *rest.split(".")))
            for directory in self.locator.roots[top]
        ):
            return True  # a folder (a namespace package), a compiled module, or unknown
        return self.context.ports.installed.provides(module, self.locator.directories)

    # Findings ---------------------------------------------------------------------------------

    def import_violations(
        self, statement: ImportStatement, source: SourceFile, importer: str, display: str
    ) -> list[Violation]:
        """The stale paths of one import statement (a `from` part, or each imported module)."""
        guarded = statement.conditional or any(
            keyword == "try"
            for keyword, _ in enclosing_headers(
                source.lines, statement.line - 1, lambda: self.sources.mask(source)
            )
        )
        if self._expected_to_fail(source, statement.line):
            return []
        if statement.is_from:
            module = statement.bindings[0].source
            if not self._missing_here(module, statement):
                return []
            names = tuple(b.name for b in statement.bindings if b.name is not None)
            spelled = "." * statement.level + (statement.module or "")
            canonical = None if "*" in names else self._canonical_for(names)
            edit = None
            if canonical is not None:
                imported = tuple(ImportedName(b.name or "", b.local) for b in statement.bindings)
                edit = ModuleEdit(
                    statement.line,
                    spelled,
                    canonical,
                    names=imported,
                    safe=not guarded,
                )
            return [
                self._violation(
                    statement, guarded, importer, display, module, canonical, edit, names
                )
            ]
        found = []
        for binding in statement.bindings:
            if self._missing_here(binding.source, statement):
                found.append(
                    self._violation(
                        statement, guarded, importer, display, binding.source, None, None, ()
                    )
                )
        return found

    def suspect_lines(self, source: SourceFile) -> list[int]:
        """The lines of quoted paths under a root package that may be stale, read from the
        text alone (most files patch paths that exist: they need no parse)."""
        loads = "import_module" in source.text or "__import__" in source.text
        found = []
        for match in self._quoted.finditer(source.text):
            if self._suspect(match.group(2), loads):
                found.append(source.text.count("\n", 0, match.start()) + 1)
        return found

    def string_violations(
        self, source: SourceFile, tree: ast.Module, lines: list[int], importer: str, display: str
    ) -> list[Violation]:
        found = []
        for reference in find_string_references(tree, self.pattern, lines):
            call = (reference.call or "").partition("(")[0].rpartition(".")[2]
            if call in MODULE_RESOLVERS and not reference.colon:
                missing = reference.value if self.is_missing(reference.value) else None
                attributes: tuple[str, ...] = ()
            elif call in ATTRIBUTE_RESOLVERS:
                missing, attributes = self._missing_in_target(reference.value)
            else:
                continue
            if missing is None or self._expected_to_fail(source, reference.line):
                continue
            canonical = self._canonical_for(attributes[:1]) if len(attributes) == 1 else None
            edit = None
            if canonical is not None:
                separator = ":" if reference.colon else "."
                edit = StringEdit(
                    reference.line, reference.value, f"{canonical}{separator}{attributes[0]}"
                )
            meant = canonical or self.names.closest(missing)
            found.append(
                Violation(
                    rule=rules.STALE_IMPORT,
                    path=display,
                    line=reference.line,
                    column=reference.column,
                    importer=importer,
                    imported=missing,
                    symbol=reference.value,
                    via=reference.call,
                    statement=_line(source, reference.line),
                    message=f"string {reference.value!r} names `{missing}`, which is not a "
                    f"module of the root packages: {reference.call or 'the call'} fails"
                    + _meant(meant),
                    edit=edit,
                    unfixable_reason=None if edit else _by_hand(meant),
                    identity=("string", missing, *attributes),
                )
            )
        return found

    def _missing_in_target(self, value: str) -> tuple[str | None, tuple[str, ...]]:
        """For ``"a.b.c.Name"`` resolved by importing its module part: the module that is
        missing (None: the target resolves, or cannot be known), and what follows it."""
        if ":" in value:
            module, _, attributes = value.partition(":")
            missing = module if self.is_missing(module) else None
            return missing, tuple(attributes.split("."))
        parts = value.split(".")
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            if not self.is_missing(prefix):
                break
        if size == len(parts):
            return None, ()
        # The longest existing module is `prefix`; the next part is a submodule (missing) or a
        # name its `__init__` binds (fine). In a plain module it can only be a name.
        if not self._is_package(prefix):
            return None, ()
        names = self._bound_names(prefix)
        if names is None or parts[size] in names:
            return None, ()
        return ".".join(parts[: size + 1]), tuple(parts[size + 1 :])

    def _expected_to_fail(self, source: SourceFile, line: int) -> bool:
        """A test asserting that the old path is gone (``pytest.raises(ImportError)``) is
        right to import it."""
        if "Error" not in source.text:
            return False
        tree = self.sources.tree(source)
        return tree is not None and expected_to_fail(Outline(tree), line)

    def _is_package(self, module: str) -> bool:
        path = self.locator.path_of(module)
        if path is not None:
            return path.name == "__init__.py"
        return not self.is_missing(module)  # a folder: a namespace package

    def _bound_names(self, module: str) -> set[str] | None:
        """The names a module binds (its ``__init__`` for a package); empty for a namespace
        package, None when unknown."""
        if module not in self._names:
            source = self.sources.module_file(module)
            if source is None:
                self._names[module] = set() if self.locator.path_of(module) is None else None
            else:
                tree = self.sources.tree(source)
                self._names[module] = None if tree is None else module_level_names(tree)
        return self._names[module]

    def _canonical_for(self, names: tuple[str | None, ...]) -> str | None:
        """The first canonical module that binds every name (the fix's target)."""
        if not names:
            return None
        for canonical in self.canonical_modules:
            bound = self._bound_names(canonical)
            if bound is not None and all(name in bound for name in names):
                return canonical
        return None

    def _violation(
        self,
        statement: ImportStatement,
        guarded: bool,
        importer: str,
        display: str,
        missing: str,
        canonical: str | None,
        edit: ModuleEdit | None,
        names: tuple[str | None, ...],
    ) -> Violation:
        meant = canonical or self.names.closest(missing)
        if guarded:
            fails = "the import always fails (any fallback for it always runs)"
        elif statement.lazy:
            fails = "the import fails at its first use"
        else:
            fails = "the import fails at run time"
        return Violation(
            rule=rules.STALE_IMPORT,
            path=display,
            line=statement.line,
            column=None,
            importer=importer,
            imported=missing,
            symbol=missing,
            via=missing,
            statement=statement.text,
            message=f"`{missing}` is not a module of the root packages: {fails}" + _meant(meant),
            edit=edit,
            unfixable_reason=None if edit else _by_hand(meant),
            identity=(missing, *(name or "" for name in names)),
        )


def _meant(module: str | None) -> str:
    return f"; probably meant `{module}`" if module else ""


def _by_hand(module: str | None) -> str:
    if module is None:
        return "no module of the root packages has a close name: find where it went by hand"
    return f"check that `{module}` holds what is imported, and change the path by hand"


def _line(source: SourceFile, line: int) -> str:
    return source.lines[line - 1].strip() if 0 < line <= len(source.lines) else ""


def _compiled(path: Path) -> bool:
    """Whether a compiled extension module stands at ``path`` (``name.so``, a build's
    ``name.cpython-312-x86_64-linux-gnu.so``, ``name.pyd`` on Windows): Python imports it."""
    prefix = path.name + "."
    try:
        return any(
            entry.name.startswith(prefix) and entry.name.endswith((".so", ".pyd"))
            for entry in os.scandir(path.parent)
        )
    except OSError:
        return False


def _stub(path: Path) -> bool:
    """Whether a type stub stands at ``path`` (``name.pyi``)."""
    try:
        return path.with_name(path.name + ".pyi").is_file()
    except OSError:
        return False


def _folder_or_unknown(path: Path) -> bool:
    """Whether ``path`` is a folder. One that cannot be looked at (no permission) counts as
    one: its walk reports it (D005), and a path is never called stale for want of a right."""
    try:
        return path.is_dir()
    except OSError:
        return True
