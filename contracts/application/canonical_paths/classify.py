"""Decide what one imported name is: fine, or which kind of fragmentation, and its fix."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Protocol

from msgspec import Struct, field
from msgspec.structs import replace

from ...domain import rules, suggestions
from ...domain.edits import AttributeEdit, ChainEdit, Edit, FromImportEdit, StringEdit
from ...domain.exports import ExportSet, ObjectRef
from ...domain.facade_exports import ExportAddition
from ...domain.findings import Violation
from ...domain.rules import Rule
from ...domain.statements import Binding, ImportStatement
from ...domain.strings import StringReference

IMPLEMENTATION = "implementation"
CANONICAL = "canonical"
SHIM = "shim"


class Target(Struct, frozen=True):
    """A module whose imports matter: an implementation, the canonical module, or a shim."""

    module: str
    role: str
    bindings: Mapping[str, ObjectRef]
    # The names ``from module import *`` binds (public names, limited by ``__all__``).
    star_names: tuple[str, ...] = ()
    # Whether those are all the star binds: a literal ``__all__`` of canonical objects only.
    star_exact: bool = False


class AttributeUses(Struct):
    """How a module bound by an import is used in the importing file."""

    attributes: dict[str, int] = field(default_factory=dict)
    bare: bool = False
    known: bool = True
    stored: int | None = None  # the first line assigning or deleting one of its attributes


class ChainRead(Struct, frozen=True):
    """One read of ``<chain>.<attribute>``."""

    line: int
    column: int
    text: str  # the source line, stripped
    plain: bool  # on one line, written exactly ``chain.attribute``
    stored: bool  # assigned to or deleted, not read


class ChainUses(Struct):
    """How ``<module expression>.<submodule>`` is used in the importing file."""

    reads: dict[str, list[ChainRead]] = field(default_factory=dict)  # by attribute
    bare: int | None = None  # a line where the submodule itself is used
    known: bool = True
    # Where the expression's first name is bound again (a parameter, an assignment, another
    # import): some reads may be of something else.
    rebound: int | None = None


class FileFacts(Protocol):
    """What the classifier may need to know about the importing file beyond the statement."""

    def chain_uses(self, chain: str, head_module: str) -> ChainUses:
        """How the dotted expression ``chain`` (``orm.session``) is read; its first name is
        the module ``head_module`` (imports of that same module do not rebind it)."""
        ...

    def uses(self, binding: Binding, only: Collection[str] | None = None) -> AttributeUses:
        """Attributes read from the module ``binding`` binds (restricted to ``only``)."""
        ...

    def binds_otherwise(self, name: str) -> bool: ...


class Site(Struct, frozen=True):
    """Where an import sits: the importing module, its file, and the statement."""

    importer: str
    importer_is_package: bool
    path: str
    statement: ImportStatement
    facts: FileFacts


class Classifier:
    """Turns bindings into violations according to one contract's options."""

    def __init__(
        self,
        exports: ExportSet,
        *,
        allow_renames: bool,
        allow_secondary_names: bool,
        check_name_rebinding: bool,
        implementations: Mapping[str, Target] | None = None,
        missing_export: Callable[[str, str], ExportAddition | str] = lambda name, module: (
            "it is not known how"
        ),
    ) -> None:
        self.exports = exports
        self.canonical = exports.module
        # Implementation modules directly inside the canonical package, by their last name:
        # reachable as attributes of it (`orm.session`).
        self.submodules = {
            module.rpartition(".")[2]: target
            for module, target in (implementations or {}).items()
            if module.rpartition(".")[0] == self.canonical
        }
        self._chains_seen: set[tuple[str, str]] = set()  # (file, chain) looked at
        self.allow_renames = allow_renames
        self.allow_secondary_names = allow_secondary_names
        self.check_name_rebinding = check_name_rebinding
        # How the canonical module can export a name an implementation defines (or why not).
        self.missing_export = missing_export
        # The modules that star-import the canonical module: a name it starts to export
        # reaches them too.
        self.star_importers: set[str] = set()

    def classify(self, site: Site, binding: Binding, target: Target) -> list[Violation]:
        if binding.name is None or f"{binding.source}.{binding.name}" == target.module:
            return self._module_binding(site, binding, target)
        if binding.is_star:
            return self._star(site, binding, target)
        obj = target.bindings.get(binding.name)
        if target.role == IMPLEMENTATION:
            return [self._implementation_name(site, binding, target, obj)]
        if obj is None:
            return self._rebound(site, binding, target)
        if target.role == SHIM:
            return [self._through(site, binding, target, obj, rules.SHIM_IMPORT)]
        return self._canonical_name(site, binding, obj)

    # Names taken from a module -------------------------------------------------------------

    def _implementation_name(
        self, site: Site, binding: Binding, target: Target, obj: ObjectRef | None
    ) -> Violation:
        if obj is None:
            message = (
                f"`{binding.name}` is imported from implementation module `{target.module}`, "
                f"which only `{self.canonical}` may import; `{self.canonical}` does not "
                f"export `{binding.name}`"
            )
            addition = self.missing_export(binding.name, target.module)
            if isinstance(addition, str):
                return self._violation(
                    rules.IMPLEMENTATION_IMPORT,
                    site,
                    binding,
                    target,
                    message,
                    edit=None,
                    unfixable=f"`{self.canonical}` does not export `{binding.name}` ({addition})",
                )
            edit = self._move(site, binding, binding.name, binding.local)
            return self._violation(
                rules.IMPLEMENTATION_IMPORT,
                site,
                binding,
                target,
                message + " yet: `fix` adds it there, re-exported from the implementation",
                edit=replace(edit, export=addition),
            )
        return self._through(site, binding, target, obj, rules.IMPLEMENTATION_IMPORT)

    def _through(
        self, site: Site, binding: Binding, target: Target, obj: ObjectRef, rule: Rule
    ) -> Violation:
        preferred = self.exports.preferred_name(obj)
        where = "implementation module" if rule is rules.IMPLEMENTATION_IMPORT else "re-export shim"
        message = (
            f"`{binding.name}` is taken from {where} `{target.module}`; "
            f"its canonical path is `{self.canonical}.{preferred}`"
        )
        return self._violation(
            rule,
            site,
            binding,
            target,
            message + self._rename_note(binding.local, preferred),
            edit=self._move(site, binding, preferred, binding.local),
        )

    def _canonical_name(self, site: Site, binding: Binding, obj: ObjectRef) -> list[Violation]:
        preferred = self.exports.preferred_name(obj)
        target = Target(self.canonical, CANONICAL, self.exports.names)
        if binding.name != preferred and not self.allow_secondary_names:
            message = (
                f"`{binding.name}` is a secondary name of `{self.canonical}.{preferred}`; "
                f"import the preferred name `{preferred}`"
            )
            return [
                self._violation(
                    rules.SECONDARY_NAME,
                    site,
                    binding,
                    target,
                    message + self._rename_note(binding.local, preferred),
                    edit=self._move(site, binding, preferred, binding.local),
                )
            ]
        if (
            binding.local != preferred
            and not self.allow_renames
            and not site.facts.binds_otherwise(preferred)
        ):
            return [
                self._violation(
                    rules.RENAMED_IMPORT,
                    site,
                    binding,
                    target,
                    f"`{self.canonical}.{preferred}` is bound under another name, "
                    f"`{binding.local}`" + self._rename_note(binding.local, preferred),
                    edit=self._move(site, binding, preferred, binding.local),
                )
            ]
        return []

    def _rebound(self, site: Site, binding: Binding, target: Target) -> list[Violation]:
        """``from m import Other as WebSocketManager``: a canonical name for another object."""
        local = binding.local
        if not (
            self.check_name_rebinding
            and binding.is_renamed
            and local in self.exports.names
            and local == self.exports.preferred_name(self.exports.names[local])
        ):
            return []
        return [
            self._violation(
                rules.NAME_REBOUND,
                site,
                binding,
                target,
                f"`{local}` is the canonical name of `{self.canonical}.{local}`, but here it "
                f"binds `{binding.source}.{binding.name}`",
                edit=replace(
                    suggestions.move_name(
                        binding,
                        suggestions.from_module(
                            binding.source, site.statement, site.importer, site.importer_is_package
                        ),
                        (binding.name or "", local),
                    ),
                    rename_to=binding.name,
                ),
            )
        ]

    def _star(self, site: Site, binding: Binding, target: Target) -> list[Violation]:
        if target.role == CANONICAL:
            self.star_importers.add(site.importer)
        if target.role not in (IMPLEMENTATION, SHIM):
            return []  # the canonical module itself, or a module that binds no canonical object
        public = sorted(target.star_names)
        if target.role == SHIM and not public:
            return []
        # The same names, bound to the same objects, from the canonical module.
        names = [(self.exports.preferred_name(target.bindings[n]), n) for n in public]
        rule = rules.IMPLEMENTATION_IMPORT if target.role == IMPLEMENTATION else rules.SHIM_IMPORT
        where = "implementation module" if target.role == IMPLEMENTATION else "re-export shim"
        return [
            self._violation(
                rule,
                site,
                binding,
                target,
                f"star import from {where} `{target.module}` binds canonical objects "
                f"({', '.join(public) or 'its names'})",
                edit=(
                    suggestions.move_name(binding, self._from_module(site), *names)
                    if names
                    else None
                ),
                unfixable=None
                if target.star_exact and names
                else "a star import binds an unknown set of names (no literal `__all__` of "
                "canonical objects only); list the names used and import them from the "
                "canonical module",
            )
        ]

    # Modules bound by an import ---------------------------------------------------------------

    def _preferred_for(self, obj: ObjectRef | None) -> str | None:
        return None if obj is None else self.exports.preferred.get(obj)

    def _module_binding(self, site: Site, binding: Binding, target: Target) -> list[Violation]:
        if target.role == CANONICAL:
            return [
                *self._implementation_attributes(site, binding),
                *self._secondary_attributes(site, binding),
            ]
        if target.role not in (IMPLEMENTATION, SHIM):
            return []
        if target.role == SHIM:
            found = site.facts.uses(binding, only=list(target.bindings))
            return self._shim_module_uses(site, binding, target, found)
        found = site.facts.uses(binding)
        edit = suggestions.swap_module(
            self.canonical, binding, site.statement, site.importer, site.importer_is_package
        )
        # Once the name binds the canonical module, each attribute is read by its preferred
        # name there (`unified_manager.UnifiedWebSocketManager` would be a secondary name).
        renames = tuple(
            (attribute, preferred)
            for attribute in sorted(found.attributes)
            if (preferred := self._preferred_for(target.bindings.get(attribute)))
            not in (None, attribute)
        )
        if renames and not self.allow_secondary_names:
            edit = replace(edit, attributes=renames)
        unfixable = self._module_rewrite_obstacle(binding, target, found)
        used = ", ".join(f"`{name}`" for name in sorted(found.attributes)) or "no attributes"
        return [
            self._violation(
                rules.IMPLEMENTATION_MODULE_IMPORT,
                site,
                binding,
                target,
                f"implementation module `{target.module}` is imported as a module "
                f"(uses {used}); only `{self.canonical}` may import it",
                edit=edit,
                unfixable=unfixable,
                symbol=target.module,
            )
        ]

    def _implementation_attributes(self, site: Site, binding: Binding) -> list[Violation]:
        """``orm.session.X`` after ``from sqlalchemy import orm``: the implementation read as
        an attribute of the canonical package, one finding per attribute, at its first read.
        A file importing the package twice is looked at once."""
        prefix = binding.source if binding.spelled_out else binding.local
        violations = []
        for leaf, target in sorted(self.submodules.items()):
            chain = f"{prefix}.{leaf}"
            if leaf in self.exports.other_names or (site.path, chain) in self._chains_seen:
                continue  # the package's own `session` is something else, or done already
            self._chains_seen.add((site.path, chain))
            if binding.spelled_out:
                head_module = prefix.split(".")[0]
            elif binding.name:
                head_module = f"{binding.source}.{binding.name}"
            else:
                head_module = binding.source
            uses = site.facts.chain_uses(chain, head_module)
            if not uses.known:
                continue
            shared = _rebound_note(prefix, uses)
            if shared is None and uses.bare is not None:
                shared = (
                    f"`{chain}` itself is used (line {uses.bare}); import what it is used for "
                    f"from `{self.canonical}`"
                )
            for attribute, reads in sorted(uses.reads.items()):
                violations.append(
                    self._chain_read(site, binding, target, chain, prefix, attribute, reads, shared)
                )
        return violations

    def _secondary_attributes(self, site: Site, binding: Binding) -> list[Violation]:
        """``m.UnifiedWebSocketManager`` after ``import …websocket_manager as m``: a secondary
        name read as an attribute of the canonical module, one finding per name, at its first
        read. A file importing the module twice is looked at once."""
        secondary = self.exports.secondary
        prefix = binding.source if binding.spelled_out else binding.local
        if self.allow_secondary_names or not secondary or (site.path, prefix) in self._chains_seen:
            return []
        self._chains_seen.add((site.path, prefix))
        head_module = prefix.split(".")[0] if binding.spelled_out else self.canonical
        uses = site.facts.chain_uses(prefix, head_module)
        if not uses.known:
            return []
        target = Target(self.canonical, CANONICAL, self.exports.names)
        violations = []
        for attribute, reads in sorted(uses.reads.items()):
            preferred = secondary.get(attribute)
            if preferred is None:
                continue
            unfixable = _rebound_note(prefix, uses) or _read_obstacle(
                f"{prefix}.{attribute}", reads
            )
            violation = self._violation(
                rules.SECONDARY_NAME,
                site,
                binding,
                target,
                f"`{prefix}.{attribute}` reads the secondary name `{attribute}` of "
                f"`{self.canonical}`{_times(reads)}; read the preferred name `{preferred}`",
                edit=None
                if unfixable
                else ChainEdit(reads[0].line, prefix, prefix, ((attribute, preferred),)),
                unfixable=unfixable,
                symbol=attribute,
            )
            violations.append(_at_first_read(violation, reads, (prefix, attribute)))
        return violations

    def _chain_read(
        self,
        site: Site,
        binding: Binding,
        target: Target,
        chain: str,
        prefix: str,
        attribute: str,
        reads: list[ChainRead],
        shared: str | None,
    ) -> Violation:
        preferred = self._preferred_for(target.bindings.get(attribute))
        unfixable = shared
        if unfixable is None and preferred is None:
            unfixable = f"`{self.canonical}` does not export `{attribute}` as the same object"
        if unfixable is None:
            on_purpose = ": that changes the implementation module, on purpose"
            unfixable = _read_obstacle(f"{chain}.{attribute}", reads, on_purpose)
        canonical = f"{self.canonical}.{preferred}" if preferred else f"{self.canonical}"
        violation = self._violation(
            rules.IMPLEMENTATION_ATTRIBUTE,
            site,
            binding,
            target,
            f"`{chain}.{attribute}` reaches implementation module `{target.module}` as an "
            f"attribute of the canonical package{_times(reads)}; its canonical path is "
            f"`{canonical}`",
            edit=ChainEdit(reads[0].line, chain, prefix, ((attribute, preferred),))
            if preferred
            else None,
            unfixable=unfixable,
            symbol=attribute,
        )
        return _at_first_read(violation, reads, (chain, attribute))

    def _module_rewrite_obstacle(
        self, binding: Binding, target: Target, found: AttributeUses
    ) -> str | None:
        """Why swapping the module for the canonical one could change behaviour, if it could."""
        if binding.spelled_out:
            return f"uses are written as `{binding.source}.…`; rewrite them by hand"
        if not found.known:
            return "the importing file could not be parsed to check how the module is used"
        if found.bare:
            return f"the module object `{binding.local}` itself is used, not only its attributes"
        if found.stored is not None:
            return _stored_note(binding.local, found.stored)
        missing = [
            name
            for name in sorted(found.attributes)
            if name not in target.bindings or self.exports.names.get(name) != target.bindings[name]
        ]
        if missing:
            names = ", ".join(f"`{name}`" for name in missing)
            return f"`{self.canonical}` does not export {names} as the same object"
        return None

    def _shim_module_uses(
        self, site: Site, binding: Binding, target: Target, found: AttributeUses
    ) -> list[Violation]:
        violations = []
        chain = binding.source if binding.spelled_out else binding.local  # (`pkg.legacy.X`)
        for attribute in sorted(found.attributes):
            obj = target.bindings.get(attribute)
            if obj is None:
                continue
            preferred = self.exports.preferred_name(obj)
            violations.append(
                self._violation(
                    rules.SHIM_IMPORT,
                    site,
                    binding,
                    target,
                    f"`{chain}.{attribute}` takes `{attribute}` through re-export shim "
                    f"`{target.module}` (used on line {found.attributes[attribute]}); its "
                    f"canonical path is `{self.canonical}.{preferred}`",
                    edit=AttributeEdit(
                        binding.line,
                        binding.local,
                        attribute,
                        self._from_module(site),
                        preferred,
                    ),
                    unfixable=(
                        f"uses are written as `{binding.source}.{attribute}`; rewrite them by hand"
                        if binding.spelled_out
                        else _shared_module_note(binding.local, found)
                    ),
                    symbol=attribute,
                )
            )
        return violations

    # Strings ---------------------------------------------------------------------------------

    def string_reference(
        self, importer: str, path: str, source_line: str, reference: StringReference, target: Target
    ) -> Violation:
        """A string naming the implementation: its canonical spelling, when there is one."""
        where = f" in `{reference.call}`" if reference.call else ""
        message = (
            f'string "{reference.value}"{where} names implementation module '
            f"`{reference.module}`; code that looks the name up through `{self.canonical}` "
            "is not affected by it"
        )
        edit: Edit | None = None
        unfixable: str | None = None
        if not reference.attributes and "import_module(" in (reference.call or ""):
            # The loaded module may be used only for what the canonical module holds as the
            # same objects: `fix` checks the uses before it rewrites the string.
            same = sorted(n for n, o in target.bindings.items() if self.exports.names.get(n) == o)
            # Unsafe: the program then holds another module object.
            edit = StringEdit(
                reference.line, reference.value, self.canonical, tuple(same), safe=False
            )
        elif not reference.attributes:
            edit = StringEdit(reference.line, reference.value, self.canonical)
            unfixable = "the canonical module is another module object: check how it is used"
        else:
            first, rest = reference.attributes[0], reference.attributes[1:]
            obj = target.bindings.get(first)
            addition = self.missing_export(first, target.module) if obj is None else None
            if isinstance(addition, ExportAddition):
                separator = ":" if reference.colon else "."
                new_value = f"{self.canonical}{separator}{'.'.join(reference.attributes)}"
                edit = StringEdit(reference.line, reference.value, new_value, export=addition)
                message += f"; `{self.canonical}` does not export `{first}` yet: `fix` adds it"
            elif obj is None:
                unfixable = f"`{self.canonical}` does not export `{first}` ({addition})"
            else:
                qualified = ".".join([self.exports.preferred_name(obj), *rest])
                separator = ":" if reference.colon else "."
                new_value = f"{self.canonical}{separator}{qualified}"
                edit = StringEdit(reference.line, reference.value, new_value)
        return Violation(
            rule=rules.STRING_REFERENCE,
            path=path,
            line=reference.line,
            column=reference.column,
            importer=importer,
            imported=reference.module,
            symbol=reference.value,
            via=reference.module,
            statement=source_line.strip(),
            message=message,
            edit=edit,
            unfixable_reason=unfixable,
            identity=(reference.call or "",),
        )

    # Helpers ---------------------------------------------------------------------------------

    def _rename_note(self, local: str, preferred: str) -> str:
        if local == preferred or self.allow_renames:
            return ""
        return suggestions.rename_note(local, preferred)

    def _from_module(self, site: Site) -> str:
        return suggestions.from_module(
            self.canonical, site.statement, site.importer, site.importer_is_package
        )

    def _move(self, site: Site, binding: Binding, preferred: str, local: str) -> FromImportEdit:
        """``preferred`` from the canonical module; the uses of ``local`` are renamed to it by
        ``fix`` when that is provably safe (unless ``allow_renames`` accepts the ``as``)."""
        edit = suggestions.move_name(binding, self._from_module(site), (preferred, local))
        if local != preferred and not self.allow_renames:
            edit = replace(edit, rename_to=preferred)
        return edit

    def _violation(
        self,
        rule: Rule,
        site: Site,
        binding: Binding,
        target: Target,
        message: str,
        *,
        edit: Edit | None,
        unfixable: str | None = None,
        symbol: str | None = None,
    ) -> Violation:
        return Violation(
            rule=rule,
            path=site.path,
            line=binding.line,
            column=binding.column,
            importer=site.importer,
            imported=target.module,
            symbol=symbol or binding.name,
            via=target.module if target.role != CANONICAL else None,
            statement=site.statement.text,
            message=message,
            edit=edit,
            unfixable_reason=unfixable,
            identity=(binding.local,),
        )


def _rebound_note(prefix: str, uses: ChainUses) -> str | None:
    """Why reads of ``prefix.X`` cannot be rewritten: its first name is bound again."""
    if uses.rebound is None:
        return None
    return (
        f"`{prefix.split('.')[0]}` is bound more than once in the file (line {uses.rebound}): "
        "some reads may be of something else"
    )


def _stored_note(local: str, line: int) -> str:
    return (
        f"an attribute of `{local}` is assigned or deleted (line {line}): with the import "
        "changed, the canonical module's would be"
    )


def _shared_module_note(local: str, found: AttributeUses) -> str | None:
    """Why reads of a shim module's attributes cannot become imports of the canonical names:
    the module object is used itself (``patch.object(shim, "Name")``, passed along) or an
    attribute of it set, and the reads would no longer see what that does."""
    if found.bare:
        return (
            f"the module object `{local}` itself is used too (what is done to it, a "
            "`patch.object`, would no longer reach the rewritten reads)"
        )
    if found.stored is not None:
        return (
            f"an attribute of `{local}` is assigned or deleted (line {found.stored}): the "
            "rewritten reads would no longer see it"
        )
    return None


def _read_obstacle(expression: str, reads: list[ChainRead], stored_why: str = "") -> str | None:
    """Why the reads of ``expression`` cannot be rewritten on their spans, if they cannot:
    one is assigned or deleted, or one is not written plainly on one line."""
    stored = next((read for read in reads if read.stored), None)
    if stored is not None:
        return f"`{expression}` is assigned or deleted (line {stored.line}){stored_why}"
    tangled = next((read for read in reads if not read.plain), None)
    if tangled is not None:
        return (
            f"`{expression}` is written over several lines or with a comment "
            f"(line {tangled.line}): rewrite it by hand"
        )
    return None


def _times(reads: list[ChainRead]) -> str:
    return f" ({len(reads)} reads)" if len(reads) > 1 else ""


def _at_first_read(violation: Violation, reads: list[ChainRead], identity: tuple) -> Violation:
    """A finding about attribute reads, placed at the first of them."""
    first = reads[0]
    return replace(
        violation,
        line=first.line,
        column=first.column,
        statement=first.text,
        identity=identity,
    )
