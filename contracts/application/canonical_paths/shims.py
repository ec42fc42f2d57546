"""Find every re-export shim of the canonical objects, following the import graph outwards.

Starting from the canonical and implementation modules, each importer's statements at the
lines grimp reports are read; a module that binds a canonical object at module level becomes
a shim, and its own importers are examined in turn, until nothing changes. Nobody has to list
the shims in config, and only importers of the canonical module, the implementation and shims
are ever read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from msgspec import Struct, field

from ...domain.exports import ExportSet, ObjectRef, string_list
from ...domain.parsing import logical_line, parse_logical_line
from ...domain.rebinding import (
    ImportedObject,
    continued_assignment,
    final_bindings,
    star_imports,
)
from ...domain.statements import Binding, ImportStatement, quick_bindings
from ..pipeline.sources import SourceCache
from .classify import CANONICAL, IMPLEMENTATION, SHIM, Target

_DUNDER_ALL = re.compile(r"__all__\s*(?::[^=]*)?=")


class ShimMap(Struct):
    """Every module that binds canonical objects, and the import statements that reach them."""

    targets: dict[str, Target]
    edges: dict[tuple[str, str], list[ImportStatement]] = field(default_factory=dict)

    @property
    def shims(self) -> dict[str, Target]:
        return {name: t for name, t in self.targets.items() if t.role == SHIM}


# How many modules deep a star import's own star imports are followed.
_STAR_DEPTH = 4
# How many rounds of shims outside the graph are looked for (a chain of re-exports).
_OUTSIDE_ROUNDS = 4

# Names a module binds other modules under (``api``), each with its canonical objects by name.
ModuleAliases = Mapping[str, Mapping[str, ObjectRef]]


def _assigns_from(text: str, alias: str) -> bool:
    """Whether a line of ``text`` assigns an attribute of ``alias`` (``X = api.Name``), as
    ``final_bindings`` reads one (most files that import a module only call through it).
    Searched from the alias's first name (a literal: fast); the rest with one pattern."""
    head = alias.partition(".")[0]
    at = text.find(head)
    while at >= 0:
        before = text[at - 1] if at else "\n"
        read = _ATTRIBUTE_READ.match(text, at)
        line_start = text.rfind("\n", 0, at) + 1
        # (the statement it is in: after a `;` on its line, if one comes before)
        statement = max(line_start, text.rfind(";", line_start, at) + 1)
        if (
            read is not None
            and not (before.isalnum() or before in "_.")
            and "".join(read.group(1).split()) == alias
            and (
                _ASSIGNED.fullmatch(text, statement, at)
                or (not text[line_start:at].strip() and continued_assignment(text, line_start))
            )
        ):
            return True
        at = text.find(head, at + len(head))
    return False


# A dotted name's attribute read, alone on the rest of its line: `pkg.core . api.Name`.
_ATTRIBUTE_READ = re.compile(
    r"([A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*)[ \t]*\.[ \t]*\w+"
    r"[ \t]*\)?[ \t]*(?:[#;,][^\r\n]*)?\r?$",
    re.MULTILINE,
)


def _spells_word(text: str, name: str) -> bool:
    """Whether ``text`` spells ``name`` as a whole word (not inside a longer name)."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            return True
        at = text.find(name, at + 1)
    return False


def _alias(binding: Binding) -> str:
    """The name a module import makes the module readable by: ``api``, or ``pkg.core.api``
    for ``import pkg.core.api``."""
    return binding.source if binding.spelled_out else binding.local


# What comes before the value of a one-line assignment: `X = `, `X: type = `, `X = Y = (`,
# `X, Y = ` and the values before it in a tuple (`X, Y = api.A, `).
_ASSIGNED = re.compile(
    r"[ \t]*\(?[ \t]*\w+(?:[ \t]*,[ \t]*\w+)*[ \t]*,?[ \t]*\)?[ \t]*(?::[^=\n]*)?=[ \t]*"
    r"(?:\w+[ \t]*=(?!=)[ \t]*)*(?:\([ \t]*)?(?:[\w. \t]+,[ \t]*)*"
)


def _bound_elsewhere(text: str, alias: str) -> bool:
    """Whether ``text`` may bind ``alias``'s first name otherwise than by its one import of
    the module: an assignment, a definition, a loop, ``del``, ``global``, another import
    (``import pkg.x`` beside ``import pkg.core.api`` binds ``pkg`` to the same package)."""
    head = re.escape(alias.partition(".")[0])
    spelled_out = "." in alias
    sites = len(re.findall(rf"^[ \t]*{head}[ \t]*(?::[^=\n]*)?=(?!=)", text, re.MULTILINE))
    sites += len(re.findall(rf"\b(?:as|class|def|for|del|global|nonlocal)[ \t]+{head}\b", text))
    sites += len(re.findall(rf"\b{head}[ \t]*:=|,[ \t]*{head}[ \t]*(?:,[^=\n]*)?=(?!=)", text))
    if not spelled_out:  # `import api`, `from pkg.core import api` (its own import: one)
        for listed in _LISTED.findall(text):
            for item in listed.strip("()").split(","):
                words = item.split()
                sites += len(words) == 1 and words[0].partition(".")[0] == head
        return sites > 1
    return sites > 0


# What an import statement lists: `import a.b, c` or `from m import (x, y)`; an item named
# alone binds its first name (with `as`, the other patterns count it).
_LISTED = re.compile(r"\bimport[ \t]+(\([^)]*\)|[^\n#;\\]*)")


def relevant_bindings(
    statement: ImportStatement, module: str, graph_modules: set[str]
) -> Iterable[Binding]:
    """The bindings of a statement that take something from ``module`` (or bind it)."""
    return [b for b in statement.bindings if _is_relevant(b, module, graph_modules)]


def _is_relevant(binding: Binding, module: str, graph_modules: set[str]) -> bool:
    if binding.name is None:
        return binding.source == module
    return f"{binding.source}.{binding.name}" == module or (
        binding.source == module and f"{module}.{binding.name}" not in graph_modules
    )


class ShimFinder:
    def __init__(
        self,
        graph: Any,
        sources: SourceCache,
        exports: ExportSet,
        implementation_modules: set[str],
        mentions: Callable[[str, Collection[str]], bool],
        prepare: Callable[[list[tuple[str, list[str], bool]]], None] = lambda needs: None,
        passthrough: Mapping[str, Mapping[str, ObjectRef]] | None = None,
    ) -> None:
        self.graph = graph
        self.modules = graph.modules
        self.sources = sources
        self.exports = exports
        self.implementations = implementation_modules
        self.preferred = frozenset(exports.preferred.values())
        # The last names of the implementation modules directly inside the canonical package,
        # and the canonical module's secondary names: what a read of the module can reach.
        self.submodules = sorted(
            module.rpartition(".")[2]
            for module in implementation_modules
            if module.rpartition(".")[0] == exports.module
        )
        self.secondary = sorted(exports.secondary)
        self.mentions = mentions
        # Called before asking who imports modules: (module, its names, is a shim) each.
        self.prepare = prepare
        # Names an implementation binds to objects the canonical module borrows from elsewhere.
        self.passthrough = passthrough or {}
        self._quick_cache: dict[tuple[str, int], list[Binding] | None] = {}

    def find(self) -> ShimMap:
        canonical = self.exports.module
        targets = {canonical: self._target(canonical, CANONICAL, dict(self.exports.names))}
        for module in sorted(self.implementations):
            names = self._implementation_names(module)
            targets[module] = self._target(module, IMPLEMENTATION, names)
        result = ShimMap(targets=targets)
        imported: dict[str, dict[str, list[ImportedObject]]] = {}
        # The names each importer binds modules under, with what can be read from them.
        aliases: dict[str, dict[str, ModuleAliases]] = {}
        # Breadth first, a wave at a time: what every module of a wave needs read is read in
        # one scan (an on-demand graph pays a fixed cost per scan).
        wave = list(targets)
        queued = set(wave)
        while wave:
            self.prepare([self._needs(targets[module]) for module in wave])
            following: list[str] = []
            for module in wave:
                queued.discard(module)
                target = targets[module]
                self.prepare([self._needs(target)])  # its names may have grown in this wave
                # Outside the implementation, an import only matters when it takes a canonical
                # name (or everything): a file that spells none of them is skipped unread.
                names = None if target.role == IMPLEMENTATION else [*target.bindings, "import *"]
                if target.role == CANONICAL and names is not None:
                    names += self.submodules  # `orm.session.X` names none of those
                for importer in sorted(self.graph.find_modules_that_directly_import(module)):
                    if importer == canonical or importer in self.implementations:
                        continue
                    if names is not None and not self.mentions(importer, names):
                        continue
                    statements = self._statements(importer, target)
                    result.edges[(importer, module)] = statements
                    objects = self._imported_objects(statements, targets[module])
                    previous = imported.setdefault(importer, {}).get(module, [])
                    imported[importer][module] = objects
                    modules = self._module_aliases(importer, statements, targets[module])
                    had_modules = aliases.setdefault(importer, {}).get(module)
                    aliases[importer][module] = modules
                    if not objects and not previous and not modules and not had_modules:
                        continue  # nothing canonical comes in through this import
                    bound = self._bindings_of(
                        importer, imported[importer].values(), aliases[importer].values(), targets
                    )
                    known = targets.get(importer)
                    if bound and (known is None or dict(known.bindings) != bound):
                        targets[importer] = self._target(importer, SHIM, bound)
                        if importer not in queued:
                            following.append(importer)
                            queued.add(importer)
            wave = following
        return result

    def add_outside(self, result: ShimMap, modules: Iterable[str]) -> None:
        """Shims among ``modules``, which the graph cannot see (a folder on the way has no
        ``__init__.py``: test helpers, most often): each one's module-level imports of the
        targets are read from its text, round after round while new shims appear (one may
        re-export another)."""
        pending = sorted(set(modules) - set(result.targets))
        for _ in range(_OUTSIDE_ROUNDS):
            found = False
            for module in pending:
                bound = self._outside_bindings(module, result.targets)
                if bound:
                    result.targets[module] = self._target(module, SHIM, bound)
                    found = True
            pending = [module for module in pending if module not in result.targets]
            if not found or not pending:
                return

    def _outside_bindings(self, module: str, targets: Mapping[str, Target]) -> dict[str, ObjectRef]:
        """The canonical objects a module outside the graph binds at module level through
        its imports of ``targets``."""
        source = self.sources.module_file(module)
        if source is None:
            return {}
        statements = [s for s in self.sources.import_statements(source, module) if s.module_level]
        # The targets it takes names from, and those it binds as modules (`from pkg.core import
        # api`): read as for a module of the graph.
        taken = {b.source for s in statements for b in s.bindings if b.name is not None}
        as_modules = {
            b.source if b.name is None else f"{b.source}.{b.name}"
            for s in statements
            for b in s.bindings
        }
        objects = [
            found
            for target in sorted(taken.intersection(targets))
            for found in self._imported_objects(statements, targets[target])
        ]
        aliases = [
            self._module_aliases(module, statements, targets[target])
            for target in sorted(as_modules.intersection(targets))
        ]
        if not objects and not any(aliases):
            return {}
        return self._bindings_of(module, [objects], aliases, targets)

    @staticmethod
    def _needs(target: Target) -> tuple[str, list[str], bool]:
        """What must be read before asking who imports ``target``: its module, the names that
        matter (none: every importer, for the implementation), whether it is a shim."""
        names = [] if target.role == IMPLEMENTATION else [*target.bindings, "import *"]
        return target.module, names, target.role == SHIM

    def _target(self, module: str, role: str, names: dict[str, ObjectRef]) -> Target:
        public = [name for name in names if not name.startswith("_")]
        declared = self._dunder_all(module)
        star = public if declared is None else [n for n in names if n in declared]
        exact = declared is not None and set(declared) <= set(names) and self._one_all(module)
        return Target(module, role, names, tuple(star), exact)

    def _one_all(self, module: str) -> bool:
        """``__all__`` is spelled once in the module: nothing extends it later."""
        source = self.sources.module_file(module)
        return source is not None and sum("__all__" in line for line in source.lines) == 1

    def _implementation_names(self, module: str) -> dict[str, ObjectRef]:
        """Names an implementation module binds to canonical objects (origin names, aliases)."""
        origins = {obj.name: obj for obj in self.exports.objects if obj.module == module}
        origins.update(self.passthrough.get(module, {}))
        source = self.sources.module_file(module)
        if source is None or not origins:
            return origins
        defined = [ImportedObject(0, name, obj, conditional=False) for name, obj in origins.items()]
        aliases = final_bindings(
            source.lines,
            defined,
            lambda: self.sources.mask(source),
            keep_definitions=True,
            text=source.text,
        )
        return {**origins, **aliases}

    def _statements(self, importer: str, target: Target) -> list[ImportStatement]:
        """The statements of ``importer`` that take something that matters from ``target``.

        grimp reports each import's first line; a simple one-line import is read from that
        text alone, and the file is only opened for statements that could bind a canonical
        object, be a violation, or need a closer look (multi-line, compound lines).
        """
        details = self.graph.get_import_details(importer=importer, imported=target.module)
        statements: list[ImportStatement] = []
        seen: set[int] = set()
        for detail in details:
            line = detail["line_number"]
            if line in seen:
                continue
            seen.add(line)
            quick = self._quick(importer, line, detail["line_contents"])
            if quick is not None and not any(
                self._matters(importer, binding, target)
                for binding in quick
                if _is_relevant(binding, target.module, self.modules)
            ):
                continue
            statements.extend(self.sources.statements_at(importer, line))
        return statements

    def _quick(self, importer: str, line: int, text: str) -> list[Binding] | None:
        key = (importer, line)
        if key not in self._quick_cache:
            self._quick_cache[key] = quick_bindings(
                text, importer, lambda: self.sources.index.is_package(importer)
            )
        return self._quick_cache[key]

    def _matters(self, importer: str, binding: Binding, target: Target) -> bool:
        """Whether this binding could be a violation or bind a canonical object."""
        if target.role == IMPLEMENTATION:
            return True
        if binding.name is None or f"{binding.source}.{binding.name}" == target.module:
            # A module bound by the import: only attribute reads of canonical names matter,
            # or, for the canonical package, of the implementation inside it (`orm.session`),
            # or of the canonical module's secondary names.
            if target.role == CANONICAL:
                reached = [*self.submodules, *self.secondary]
                if reached and self.mentions(importer, reached):
                    return True
                # `Manager = api.Manager` binds a canonical object: the importer may be a shim.
                source = self.sources.module_file(importer)
                return source is None or _assigns_from(source.text, _alias(binding))
            return target.role == SHIM and self.mentions(importer, list(target.bindings))
        if binding.is_star:
            return bool(target.star_names)
        return binding.name in target.bindings or binding.local in self.preferred

    def _imported_objects(
        self, statements: list[ImportStatement], target: Target
    ) -> list[ImportedObject]:
        objects = []
        for statement in statements:
            if not statement.module_level:
                continue
            for binding in relevant_bindings(statement, target.module, self.modules):
                if binding.name is None or binding.source != target.module:
                    continue  # the module itself, not an object taken from it
                for name, obj in self._names_bound(binding, target):
                    objects.append(
                        ImportedObject(
                            binding.line, name, obj, statement.conditional, binding.column
                        )
                    )
        return objects

    def _module_aliases(
        self, importer: str, statements: list[ImportStatement], target: Target
    ) -> ModuleAliases:
        """The names under which module-level ``statements`` bind ``target``'s module itself
        (``api`` for ``from pkg.core import api``, ``pkg.core.api`` for ``import
        pkg.core.api``), each with the objects its attributes are. Only a name bound there
        alone, unconditionally, counts: one the file binds otherwise too (``api = ...``, ``class
        api``, a fallback import ``as api``) may not be the module where it is read."""
        found: ModuleAliases = {}
        for statement in statements:
            if not statement.module_level or statement.conditional:
                continue
            for binding in relevant_bindings(statement, target.module, self.modules):
                if binding.name is None and binding.source == target.module:
                    alias = _alias(binding)
                elif binding.name is not None and binding.name != "*":
                    if f"{binding.source}.{binding.name}" != target.module:
                        continue
                    alias = binding.local
                else:
                    continue
                source = self.sources.module_file(importer)
                if (
                    source is not None
                    and _assigns_from(source.text, alias)
                    and not _bound_elsewhere(source.text, alias)
                ):
                    found[alias] = target.bindings
        return found

    def _names_bound(self, binding: Binding, target: Target) -> list[tuple[str, ObjectRef]]:
        if binding.is_star:
            return [(name, target.bindings[name]) for name in target.star_names]
        obj = target.bindings.get(binding.name or "")
        return [] if obj is None else [(binding.local, obj)]

    def _dunder_all(self, module: str) -> list[str] | None:
        if not self.mentions(module, ["__all__"]):
            return None
        source = self.sources.module_file(module)
        if source is None:
            return None
        for index, line in enumerate(source.lines):
            if _DUNDER_ALL.match(line):
                tree = parse_logical_line(logical_line(source.lines, index + 1))
                if tree and tree.body and hasattr(tree.body[0], "value"):
                    return string_list(tree.body[0].value)  # type: ignore[attr-defined]
        return None

    def _bindings_of(
        self,
        importer: str,
        imported: Iterable[list[ImportedObject]],
        aliases: Iterable[ModuleAliases] = (),
        targets: Mapping[str, Target] | None = None,
    ) -> dict[str, ObjectRef]:
        objects = [item for items in imported for item in items]
        sources = {m: t.bindings for m, t in targets.items()} if targets is not None else None
        modules = {alias: names for found in aliases for alias, names in found.items()}
        if not objects and not modules:
            return {}
        source = self.sources.module_file(importer)
        if source is None:
            return {}
        return final_bindings(
            lambda: source.lines,
            objects,
            lambda: self.sources.mask(source),
            text=source.text,
            modules=modules,
            star_names=(
                (lambda line, names: self._star_names(importer, line, names))
                if self.mentions(importer, ["import *"])
                else None
            ),
            sources=sources,
        )

    def _star_names(self, importer: str, line: str, names: Collection[str]) -> list[str]:
        """Which of ``names`` a star import of ``importer`` (its line) may bind: those the
        module it reads exports by a star and spells as a word, or binds through its own
        star imports (none for a module outside the project)."""
        bindings = quick_bindings(line, importer, lambda: self.sources.index.is_package(importer))
        if not bindings or bindings[0].source == self.exports.module:
            return []
        return self._star_bound(bindings[0].source, list(names), set())

    def _star_bound(self, module: str, names: list[str], seen: set[str]) -> list[str]:
        if module in seen or len(seen) >= _STAR_DEPTH:
            return []
        seen.add(module)
        source = self.sources.module_file(module)
        if source is None:
            return []
        text = source.text
        # (an `__all__` extended later, `+=`, `.append`: what it lists is not known here)
        listed = self._dunder_all(module) if self._one_all(module) else None
        exported = [
            name
            for name in names
            if (name in listed if listed is not None else not name.startswith("_"))
        ]
        found = [name for name in exported if _spells_word(text, name)]
        rest = [name for name in exported if name not in found]
        if rest and "import *" in text:
            for _, star in star_imports(text):
                further = quick_bindings(
                    star.strip(), module, lambda: self.sources.index.is_package(module)
                )
                if further:
                    found += self._star_bound(further[0].source, rest, seen)
                    rest = [name for name in rest if name not in found]
        return found
