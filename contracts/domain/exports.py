"""What the canonical module exports, derived statically from its source.

An *object* is named by where it comes from: ``(implementation module, name)`` for something
the canonical module imports from an implementation, ``(canonical module, name)`` for
something it defines itself. Every module-level name of the canonical module bound to such an
object (through imports, ``A = B`` chains, or ``module.attr``) is an export name; one of them
is the preferred name that consumers must use.

An object the canonical module imports from somewhere else (neither itself nor an
implementation) is *borrowed*. It becomes canonical too when an implementation module
re-exports the same object: its implementation path is then a second way to reach what the
canonical module already exports (Django's ``django.db.models.query.Q``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property

from msgspec import Struct

from .errors import ConfigurationError
from .modules import is_same_or_descendant, resolve_relative
from .statements import child_bodies, is_type_checking_test


class ObjectRef(Struct, frozen=True, order=True):
    """An object, named by its origin module and its name there."""

    module: str
    name: str

    def __str__(self) -> str:
        return f"{self.module}.{self.name}"


class ExportSet(Struct, frozen=True, dict=True):
    """The canonical module's exports: every name bound to a canonical object."""

    module: str
    names: Mapping[str, ObjectRef]
    preferred: Mapping[ObjectRef, str]
    # Every module-level name bound to an object (not a module): `pkg.orm.session` is not the
    # submodule when the package binds `session` itself.
    other_names: frozenset[str] = frozenset()

    @property
    def objects(self) -> frozenset[ObjectRef]:
        return frozenset(self.preferred)

    def preferred_name(self, obj: ObjectRef) -> str:
        return self.preferred[obj]

    @cached_property
    def secondary(self) -> dict[str, str]:
        """Each secondary name, with the preferred name of the object it binds."""
        return {
            name: preferred
            for name, obj in self.names.items()
            if (preferred := self.preferred.get(obj)) not in (None, name)
        }


class _Binding(Struct, frozen=True):
    """A name the canonical module binds, and how (an import, a definition, a value)."""

    ref: ObjectRef
    kind: str  # "import", "def" or "value"


def derive_exports(
    tree: ast.Module,
    *,
    module: str,
    is_package: bool,
    implementation_modules: Iterable[str],
    is_module: Callable[[str], bool],
    include_type_checking: bool = True,
    only: Iterable[str] = (),
    extra: Iterable[str] = (),
    preferred: Iterable[str] = (),
    adopt: Callable[[Mapping[str, ObjectRef]], Iterable[ObjectRef]] = lambda borrowed: (),
    star_names: Callable[[str], Iterable[str]] = lambda module: (),
) -> ExportSet:
    """Derive the export set of the canonical module ``module`` from its parsed source.

    ``only`` restricts the canonical objects to those bound by the listed names; ``extra``
    adds names the static reading cannot see; ``preferred`` overrides the preferred name of
    an object. ``adopt`` is given the borrowed public names (name -> object) and answers
    which of those objects an implementation re-exports; ``star_names(module)``, the names
    ``from module import *`` binds. Raises ConfigurationError when an option names something
    that is not there.
    """
    implementations = tuple(implementation_modules)
    reader = _ModuleReader(module, is_package, is_module, include_type_checking, star_names)
    reader.read(tree.body)
    bound = reader.bound
    # An `__all__` partly built from names (`aggregates_all + …`) is not known: every public
    # name counts then, as when there is none.
    dunder_all = None if reader.all_unknown else reader.dunder_all

    def is_canonical_origin(ref: ObjectRef) -> bool:
        return ref.module == module or any(
            is_same_or_descendant(ref.module, impl) for impl in implementations
        )

    only = list(only)
    if only:
        objects = set()
        for name in only:
            if name not in bound:
                raise ConfigurationError("exports", name, f"'{module}' binds no such name")
            objects.add(bound[name].ref)
    else:
        public = dunder_all if dunder_all is not None else [n for n in bound if n[0] != "_"]
        objects = {
            bound[name].ref
            for name in public
            if name in bound
            and is_canonical_origin(bound[name].ref)
            and (dunder_all is not None or bound[name].kind != "value")
        }
        borrowed = {
            name: bound[name].ref
            for name in public
            if name in bound
            and bound[name].kind == "import"
            and not is_canonical_origin(bound[name].ref)
        }
        objects |= set(adopt(borrowed)) & set(borrowed.values())

    names: dict[str, ObjectRef] = {n: b.ref for n, b in bound.items() if b.ref in objects}
    for name in extra:
        ref = bound[name].ref if name in bound else ObjectRef(module, name)
        objects.add(ref)
        names.setdefault(name, ref)
        for other, binding in bound.items():
            if binding.ref == ref:
                names.setdefault(other, ref)

    if not objects:
        raise ConfigurationError(
            "canonical_module",
            module,
            "exports nothing from its implementation modules "
            "(no from-import of them bound at module level and no __all__ entry); "
            "set 'extra_exports' if the names are bound dynamically",
        )

    return ExportSet(
        module=module,
        names=names,
        preferred=_preferred_names(names, objects, dunder_all, preferred),
        other_names=frozenset(bound),
    )


def _preferred_names(
    names: Mapping[str, ObjectRef],
    objects: set[ObjectRef],
    dunder_all: list[str] | None,
    configured: Iterable[str],
) -> dict[ObjectRef, str]:
    chosen: dict[ObjectRef, str] = {}
    for name in configured:
        if name not in names:
            raise ConfigurationError(
                "preferred_names", name, "is not an export name of the canonical module"
            )
        obj = names[name]
        if obj in chosen:
            raise ConfigurationError(
                "preferred_names",
                name,
                f"names the same object as '{chosen[obj]}' ({obj}); give one name per object",
            )
        chosen[obj] = name
    for obj in sorted(objects):
        if obj in chosen:
            continue
        candidates = [n for n, bound in names.items() if bound == obj]
        in_all = [n for n in dunder_all or () if n in candidates]
        if in_all:
            chosen[obj] = in_all[0]
        elif obj.name in candidates:
            chosen[obj] = obj.name
        else:
            public = [n for n in candidates if not n.startswith("_")]
            chosen[obj] = (public or candidates or [obj.name])[0]
    return chosen


class _ModuleReader:
    """Follows the module-level bindings of one module, in source order."""

    def __init__(
        self,
        module: str,
        is_package: bool,
        is_module: Callable[[str], bool],
        include_type_checking: bool,
        star_names: Callable[[str], Iterable[str]] = lambda module: (),
    ) -> None:
        self.module = module
        self.star_names = star_names
        self.all_unknown = False  # `__all__` built from more than literals: not known
        self.is_package = is_package
        self.is_module = is_module
        self.include_type_checking = include_type_checking
        self.bound: dict[str, _Binding] = {}
        self.module_aliases: dict[str, str] = {}
        self.dunder_all: list[str] | None = None

    def read(self, body: list[ast.stmt]) -> None:
        for node in body:
            self._statement(node)

    def _statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.ImportFrom):
            self._import_from(node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self._bind_module(alias.asname, alias.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self._bind(node.name, _Binding(ObjectRef(self.module, node.name), "def"))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self._assign(target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self._assign(node.target, node.value)
        elif isinstance(node, ast.AugAssign):
            self._extend_all(node.target, node.value)
        elif isinstance(node, ast.Expr):
            self._all_method_call(node.value)
        elif isinstance(node, ast.If):
            if is_type_checking_test(node.test) and not self.include_type_checking:
                self.read(node.orelse)
                return
            self.read(node.body)
            self.read(node.orelse)
        else:
            for body in child_bodies(node):
                self.read(body)

    def _import_from(self, node: ast.ImportFrom) -> None:
        source = resolve_relative(self.module, self.is_package, node.level, node.module)
        if source is None:
            return
        for alias in node.names:
            if alias.name == "*":
                for name in self.star_names(source):
                    self._bind(name, _Binding(ObjectRef(source, name), "import"))
                continue
            local = alias.asname or alias.name
            submodule = f"{source}.{alias.name}"
            if self.is_module(submodule):
                self._bind_module(local, submodule)
            else:
                self._bind(local, _Binding(ObjectRef(source, alias.name), "import"))

    def _bind(self, name: str, binding: _Binding) -> None:
        self.module_aliases.pop(name, None)
        self.bound[name] = binding

    def _bind_module(self, name: str, module: str) -> None:
        self.bound.pop(name, None)
        self.module_aliases[name] = module

    def _assign(self, target: ast.expr, value: ast.expr) -> None:
        if not isinstance(target, ast.Name):
            return
        if target.id == "__all__":
            self.dunder_all = string_list(value)
            self.all_unknown = self.dunder_all is None
            return
        if isinstance(value, ast.Name) and value.id in self.bound:
            self._bind(target.id, self.bound[value.id])
        elif (
            isinstance(value, ast.Attribute)
            and isinstance(value.value, ast.Name)
            and value.value.id in self.module_aliases
        ):
            origin = ObjectRef(self.module_aliases[value.value.id], value.attr)
            self._bind(target.id, _Binding(origin, "import"))
        else:
            self._bind(target.id, _Binding(ObjectRef(self.module, target.id), "value"))

    def _extend_all(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name) and target.id == "__all__":
            added = string_list(value)
            self.all_unknown = self.all_unknown or added is None
            self.dunder_all = (self.dunder_all or []) + (added or [])

    def _all_method_call(self, call: ast.expr) -> None:
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "__all__"
            and call.args
        ):
            return
        if call.func.attr == "append":
            added = string_list(ast.List(elts=[call.args[0]], ctx=ast.Load()))
        elif call.func.attr == "extend":
            added = string_list(call.args[0])
        else:
            return
        self.dunder_all = (self.dunder_all or []) + (added or [])


def star_bound(
    tree: ast.Module,
    *,
    module: str,
    is_package: bool,
    is_module: Callable[[str], bool],
) -> list[str]:
    """The names ``from <module> import *`` binds: its literal ``__all__``, else its public
    module-level names."""
    reader = _ModuleReader(module, is_package, is_module, True)
    reader.read(tree.body)
    if reader.dunder_all is not None and not reader.all_unknown:
        return list(reader.dunder_all)
    return [n for n in [*reader.bound, *reader.module_aliases] if not n.startswith("_")]


def imported_names(
    tree: ast.Module,
    *,
    module: str,
    is_package: bool,
    is_module: Callable[[str], bool],
    include_type_checking: bool = True,
) -> dict[str, ObjectRef]:
    """The module-level names a module binds by importing an object from another module (last
    binding wins), each with the object it names there."""
    reader = _ModuleReader(module, is_package, is_module, include_type_checking)
    reader.read(tree.body)
    return {name: b.ref for name, b in reader.bound.items() if b.kind == "import"}


def string_list(node: ast.expr) -> list[str] | None:
    """The strings of a literal list or tuple of strings (None if it is anything else)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = string_list(node.left), string_list(node.right)
        return None if left is None or right is None else left + right
    if not isinstance(node, ast.List | ast.Tuple):
        return None
    strings = []
    for element in node.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            strings.append(element.value)
    return strings
