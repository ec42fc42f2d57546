"""Which module-level names of a module end up bound to canonical objects.

A module that imports a canonical object at module level re-exports it, unless it later binds
the same name to something else (its own wrapper function, say; another import, a star import
of a module that binds it, a loop's target). Assignments ``A = B`` (chained, in a tuple, over
lines) pass the object on under a new name. This reads the lines that spell the names one by
one, so a shim candidate never has to be parsed as a whole.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

from msgspec import Struct

from .exports import ObjectRef
from .scopes import Scope, scope_of

_DEFINITION = re.compile(r"\s*(?:async\s+def|def|class)\s+([A-Za-z_]\w*)")
# Tuple targets and their values: `X, Y = api.A, api.B`, `(a, b) = 1, 2`.
_UNPACKING = re.compile(
    r"\s*\(?\s*([A-Za-z_*][\w \t*]*(?:,[ \t]*[A-Za-z_*(][\w \t*()]*)+,?)\s*\)?\s*=(?!=)\s*"
    r"(.*?)\s*(?:#.*)?$"
)
# A value that can be paired with its target: a name or a dotted one.
_SIMPLE_VALUE = re.compile(r"[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*")
# A loop's targets (`for a, b in …`), a `with` statement's (`with x as a, y as b:`).
_LOOP = re.compile(r"\s*(?:async\s+)?for\s+(.+?)\s+in\b")
_WITH = re.compile(r"\s*(?:async\s+)?with\b")
_WITH_TARGET = re.compile(r"\bas\s+([A-Za-z_]\w*)")
# An assignment expression's target (`(Manager := make())`).
_WALRUS = re.compile(r"\b([A-Za-z_]\w*)\s*:=")
_ASSIGNMENT = re.compile(r"\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)\s*(.*?)\s*(?:#.*)?$")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# One more target of a chained assignment, at the start of what the first one is given.
_CHAINED = re.compile(r"([A-Za-z_]\w*)[ \t]*=(?!=)[ \t]*")
# ``module.Name`` (or ``pkg.module.Name``), spaces around the dots allowed.
_ATTRIBUTE = re.compile(r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\.\s*([A-Za-z_]\w*)")


class ImportedObject(Struct, frozen=True):
    """A canonical object bound by an import statement of the module."""

    line: int
    name: str
    obj: ObjectRef
    conditional: bool
    # Where on its line the import binds it (-1: not known): a statement after it on the line
    # (`from pkg.core.api import X; from other import X`) binds the name again.
    column: int = -1


def final_bindings(
    lines: list[str] | Callable[[], list[str]],
    imported: Iterable[ImportedObject],
    mask: list[bool] | Callable[[], list[bool]],
    *,
    keep_definitions: bool = False,
    text: str | None = None,
    modules: Mapping[str, Mapping[str, ObjectRef]] | None = None,
    star_names: Callable[[str, Collection[str]], Collection[str]] | None = None,
    sources: Mapping[str, Collection[str]] | None = None,
) -> dict[str, ObjectRef]:
    """The canonical objects the module binds at module level once it has run.

    A later unconditional definition or assignment of a name replaces the object; one inside
    ``if``/``except`` does not (a fallback such as ``except ImportError: X = None`` leaves the
    imported binding in place on the normal path). ``keep_definitions`` is for the module
    that defines the objects itself: its ``class``/``def`` lines are the objects, not rebinds.
    ``modules`` maps the names (``api``, or ``pkg.core.api`` for ``import pkg.core.api``)
    under which the module binds a module holding canonical objects to those objects by
    attribute name: ``Manager = api.Manager`` binds one too.
    ``lines`` may be given as a function, with ``text``: the file is then split into lines
    only once a tracked name is assigned or defined (each line spelling one is cut from
    ``text``), and most files never are. An import of one of the names from elsewhere
    rebinds it too; ``star_names``, told a star import's line and the names, says which of
    them the module it reads may bind (None: the file has no star import). ``sources`` maps
    the modules whose imports bind canonical objects to the names they bind them under: an
    import of those names from one of them is no rebinding (known without counting lines).
    """
    imported = list(imported)
    events: list[tuple[int, str, object, bool]] = [
        (item.line, item.name, item.obj, item.conditional) for item in imported
    ]
    tracked = {item.name for item in imported}
    modules = modules or {}
    # A module's name is searched for by its first part (`pkg` of `pkg.core.api`).
    heads = {alias.partition(".")[0] for alias in modules}
    tracked |= heads
    if not tracked:
        return {}
    if text is None:
        lines = lines() if callable(lines) else lines
        text = "".join(lines)
    # The lines of the imports that bind the canonical objects: another import binding one of
    # the names (`from pkg.fallback import Manager` below them) replaces the object. (Not in
    # the module that defines the objects: its imports are the objects it passes on.)
    known = {item.line for item in imported}
    # (The last place on each line where an import binds a canonical object.)
    columns: dict[int, int] = {}
    for item in imported:
        columns[item.line] = max(columns.get(item.line, -1), item.column)
    rebinding_imports = not keep_definitions

    def scope_at(index: int) -> Scope | None:
        """The scope of a module-level statement starting on ``index``, else None."""
        nonlocal mask, lines
        if callable(mask):
            mask = mask()  # computed only once a tracked name's binding is met
        if mask[index]:
            return None
        if callable(lines):
            lines = lines()
        scope = scope_of(lines, index, mask)
        return scope if scope.module_level else None

    # (Lines are counted by "\n": a file whose lines end with a bare "\r" is left aside.)
    bare_cr = "\r" in text and text.count("\r") != text.count("\r\n")
    if rebinding_imports and star_names is not None and not bare_cr:
        for index, line in star_imports(text):
            if index + 1 in known:
                continue
            names = [name for name in star_names(line.strip(), tracked) if name in tracked]
            scope = scope_at(index) if names else None
            if scope is not None:
                events += [(index + 1, name, None, scope.conditional) for name in names]
    spelling = _SpellingLines(text, tracked, lines)
    for start, end in spelling:
        read = _line_bindings(
            text, start, end, tracked, keep_definitions, heads, modules, rebinding_imports
        )
        if read is None:
            continue
        found, first_line, importing = read
        if importing and (
            _from_a_source(text, start, end, found, sources)
            or (first_line != start and bare_cr)
            or spelling.index() + 1 in known
        ):
            # (A line of an import of the canonical objects: not a rebinding; but what the
            # statements after it on the line bind, if `;` cuts it, is.)
            code = text[start:end].partition("#")[0]
            if ";" not in code:
                continue
            later = _after_import(code, columns.get(spelling.index() + 1, -1), sources)
            found = _statements_on(later, text, start, tracked, keep_definitions, heads, modules)
            if not found:
                continue
        for name, value in found:
            passes_on = isinstance(value, str) and value in tracked
            if name not in tracked and not passes_on and not isinstance(value, ObjectRef):
                continue
            index = spelling.index() - text.count("\n", first_line, start)
            scope = scope_at(index)
            if scope is None:
                continue
            tracked.add(name)  # the lines still to come are searched for it too
            events.append((index + 1, name, value, scope.conditional))

    state: dict[str, ObjectRef | None] = {}
    for _, name, value, conditional in sorted(events, key=lambda event: event[0]):
        if isinstance(value, ObjectRef):
            state[name] = value
        elif isinstance(value, str) and state.get(value) is not None:
            state[name] = state[value]
        elif not conditional:
            state[name] = None
    return {name: obj for name, obj in state.items() if obj is not None}


class _SpellingLines:
    """The lines of ``text`` that spell a name of ``tracked``, in order, each as where it
    starts and ends in ``text``; a name added to ``tracked`` meanwhile is looked for from
    the next line on. Each name is searched for with ``str.find``, its next occurrence kept
    until passed. ``index`` tells the last line's 0-based number, counting the newlines
    before it only when asked (by line lengths when the text holds a carriage return, which
    ends a line too: only then are ``lines`` needed)."""

    def __init__(
        self, text: str, tracked: set[str], lines: list[str] | Callable[[], list[str]]
    ) -> None:
        self.text, self.tracked, self.lines = text, tracked, lines
        self._ends: list[int] | None = None
        self._start = 0  # where the last line found starts
        self._line, self._counted = 0, 0  # the line of offset ``_counted`` (by "\n")

    def __iter__(self) -> Iterator[tuple[int, int]]:
        text, tracked = self.text, self.tracked
        if "\r" in text:
            lines = self.lines() if callable(self.lines) else self.lines
            self._ends = list(itertools.accumulate(map(len, lines)))
        position = 0
        following: dict[str, int] = {}  # each name's next occurrence (-1: none left)
        find = text.find
        while True:
            for name in list(tracked):
                at = following.get(name)
                if at is None or 0 <= at < position:
                    following[name] = find(name, position)
            start = min((at for at in following.values() if at >= 0), default=-1)
            if start < 0:
                return
            ends = self._ends
            if ends is None:
                self._start = text.rfind("\n", 0, start) + 1
                end = find("\n", start)
                position = len(text) if end < 0 else end + 1
            else:
                index = bisect.bisect_right(ends, start)
                self._start = ends[index - 1] if index else 0
                position = ends[index] if index < len(ends) else len(text)
            yield self._start, position

    def index(self) -> int:
        """The 0-based number of the line last found."""
        if self._ends is not None:
            return bisect.bisect_right(self._ends, self._start)
        self._line += self.text.count("\n", self._counted, self._start)
        self._counted = self._start
        return self._line


# An import statement's first line: what it imports (the names after `import`).
_IMPORT_LINE = re.compile(r"[ \t]*(?:from[ \t]+[\w. \t]+?[ \t]+)?import[ \t]+(.*)")
# A line of a continued import's list: names, `as`, commas, the closing parenthesis (or a
# backslash that continues it).
_LIST_ITEM = re.compile(r"[ \t]*[\w \t,]*(?:\)[ \t]*(?:#[^\r\n]*)?|\\|#[^\r\n]*)?\r?\n?")
# A continued import's first line: its list opened by a parenthesis, or cut by a backslash.
_OPENING = re.compile(
    r"[ \t]*from[ \t]+[\w. \t]+?[ \t]+import[ \t]*"
    r"(?:\([\w \t,]*(?:#[^\r\n]*)?|[\w \t,]*\\)\r?\n?"
)
# How many lines up an item of a parenthesised list looks for the statement's first line.
_LONGEST_LIST = 200


# A line holding a value alone: a name or a dotted one (the inside of `X = (`...`)`).
_VALUE_LINE = re.compile(r"[ \t]*[A-Za-z_][\w. \t]*\r?\n?")
# An assignment's first line whose value comes on the next: `X = (` or `X = Y = \`.
_OPEN_ASSIGNMENT = re.compile(
    r"([ \t]*[A-Za-z_]\w*[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*(?:[A-Za-z_]\w*[ \t]*=(?!=)[ \t]*)*)"
    r"(\(|\\)[ \t]*\r?\n"
)
# The line that closes `X = (`.
_CLOSING = re.compile(r"[ \t]*\)[ \t]*(?:#[^\r\n]*)?\r?\n?")


def continued_assignment(text: str, start: int) -> tuple[str, int] | None:
    """For the line at ``start`` holding a value alone: the assignment it completes, as
    written up to the value (``X = ``), and where that assignment's line starts; None when
    the line above is no ``X = (`` (closed on the line below) or ``X = \\``."""
    if start == 0:
        return None
    above = text.rfind("\n", 0, start - 1) + 1
    opening = _OPEN_ASSIGNMENT.fullmatch(text, above, start)
    if opening is None:
        return None
    if opening.group(2) == "(":
        below = text.find("\n", start) + 1
        end = text.find("\n", below) + 1 or len(text)
        if not below or _CLOSING.fullmatch(text, below, end) is None:
            return None
    return opening.group(1), above


def star_imports(text: str) -> Iterator[tuple[int, str]]:
    """Each star import's 0-based line and text (spelled `import *`, as formatters write it)."""
    line, counted = 0, 0
    at = text.find("import *")
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        statement = _IMPORT_LINE.fullmatch(text, start, end)
        if statement is not None and statement.group(1).partition("#")[0].strip("\r\t ") == "*":
            line += text.count("\n", counted, start)
            counted = start
            yield line, text[start:end]
        at = text.find("import *", end)


def _import_rebinding(
    text: str, start: int, line: str, tracked: set[str]
) -> tuple[list[str], int] | None:
    """The tracked names an import statement binds on the line at ``start`` (its first line,
    or an item line of a parenthesised list), with the offset of the statement's first line;
    None when the line is not part of an import."""
    code = line.rstrip("\r\n")
    # Statements after `;` on the line: each import of them (one before it too).
    first = _IMPORT_LINE.fullmatch(code)
    if ";" in code.partition("#")[0]:
        parts = [_IMPORT_LINE.fullmatch(part) for part in code.partition("#")[0].split(";")]
        listed_parts = [part.group(1) for part in parts if part is not None]
        if not listed_parts:
            return None
        listed, statement = ",".join(listed_parts), start
    elif first is not None:
        listed, statement = first.group(1), start
    else:
        statement = _list_opening(text, start)
        if statement is None:
            return None
        listed = line
    names = []
    listed = listed.partition("#")[0].replace("\\", " ").replace("(", " ").replace(")", " ")
    for item in listed.split(","):
        words = item.split()
        if len(words) == 1 or (len(words) == 3 and words[1] == "as"):
            local = words[-1].partition(".")[0]
            if local in tracked:
                names.append(local)
    return names, statement


def _list_opening(text: str, start: int) -> int | None:
    """Where the parenthesised import whose list holds the line at ``start`` starts, if the
    lines above it up to one such statement's first line are all items of a list."""
    position = start
    continued = False  # (below a backslash: every line up to the first ends with one)
    for _ in range(_LONGEST_LIST):
        if position == 0:
            return None
        above = text.rfind("\n", 0, position - 1) + 1
        line = text[above:position]
        opening = _OPENING.fullmatch(line)
        if opening and (not continued or line.rstrip().endswith("\\")):
            return above
        continued = continued or line.rstrip().endswith("\\")
        code = line.partition("#")[0].rstrip()
        if not _LIST_ITEM.fullmatch(line) or ")" in code or (continued and not code.endswith("\\")):
            return None
        position = above
    return None


def _line_bindings(
    text: str,
    start: int,
    end: int,
    tracked: set[str],
    keep_definitions: bool,
    heads: set[str],
    modules: Mapping[str, Mapping[str, ObjectRef]],
    rebinding_imports: bool,
) -> tuple[list[tuple[str, object]], int, bool] | None:
    """What the line at ``start`` binds, as (name, value) pairs; where its statement starts
    (above it for an item of a continued import, or the value of `X = (`); and whether an
    import binds them. None when it binds nothing this reads."""
    line = text[start:end]
    if ";" in line.partition("#")[0]:
        found = _statements_on(line, text, start, tracked, keep_definitions, heads, modules)
        return (found, start, "import" in line) if found else None
    event = _line_event(line, keep_definitions)
    if event is None and _VALUE_LINE.fullmatch(line):
        # `Manager = (` / `    api.Manager` / `)`: the assignment black writes for a long
        # value (or one continued by a backslash), read as one line.
        opened = continued_assignment(text, start)
        if opened is not None:
            event = _line_event(opened[0] + line.strip(), keep_definitions)
            if event is not None:
                start = opened[1]
    if event is not None:
        return _resolved(event, heads, modules), start, False
    if rebinding_imports and ("import" in line or _LIST_ITEM.fullmatch(line)):
        rebound = _import_rebinding(text, start, line, tracked)
        if rebound and rebound[0]:
            return [(name, None) for name in rebound[0]], rebound[1], True
    return None


# The module an absolute `from … import` names.
_FROM_MODULE = re.compile(r"[ \t]*from[ \t]+([\w.]+)[ \t]+import\b")


def _from_a_source(
    text: str,
    start: int,
    end: int,
    found: list[tuple[str, object]],
    sources: Mapping[str, Collection[str]] | None,
) -> bool:
    """Whether the line at ``start`` imports the names ``found`` from a module that binds
    them to canonical objects (an import the caller knows of)."""
    names = _source_names(text, start, end, sources)
    return bool(names) and all(name in names for name, _ in found)


def _source_names(
    text: str, start: int, end: int, sources: Mapping[str, Collection[str]] | None
) -> Collection[str] | None:
    """The names under which the module a `from … import` at ``start`` names binds canonical
    objects, if it is one of ``sources`` (None otherwise)."""
    module = _FROM_MODULE.match(text, start, end) if sources is not None else None
    return None if module is None or sources is None else sources.get(module.group(1))


def _resolved(
    event: list[tuple[str, str | None, str]],
    heads: set[str],
    modules: Mapping[str, Mapping[str, ObjectRef]],
) -> list[tuple[str, object]]:
    """A line's bindings as (name, value): the name it is bound to, or the canonical object
    a module's attribute is (``api.Manager``), or None."""
    return [
        (name, named if named is not None or not heads else _attribute_of(written, modules))
        for name, named, written in event
    ]


def _statements_on(
    line: str,
    text: str,
    start: int,
    tracked: set[str],
    keep_definitions: bool,
    heads: set[str],
    modules: Mapping[str, Mapping[str, ObjectRef]],
) -> list[tuple[str, object]]:
    """What the statements of a line cut by ``;`` bind, in order: assignments and
    definitions as ``_line_event`` reads them, imports of tracked names (to something else)."""
    found: list[tuple[str, object]] = []
    for segment in line.partition("#")[0].split(";"):
        event = _line_event(segment.strip(), keep_definitions)
        if event is not None:
            found += _resolved(event, heads, modules)
        elif not keep_definitions and "import" in segment:
            rebound = _import_rebinding(text, start, segment.strip(), tracked)
            found += [(name, None) for name in rebound[0]] if rebound else []
    return found


def _after_import(code: str, column: int, sources: Mapping[str, Collection[str]] | None) -> str:
    """The statements of a line cut by ``;`` (its ``code``) that come after its import of
    canonical objects: the statement holding ``column`` (-1: not known, the last one that
    imports from a module of ``sources``)."""
    segments: list[tuple[int, str]] = []
    offset = 0
    for segment in code.split(";"):
        segments.append((offset, segment))
        offset += len(segment) + 1
    if column < 0:
        imports = [
            at
            for at, segment in segments
            if _source_names(segment, 0, len(segment), sources) is not None
        ]
        if not imports:
            return ""
        column = imports[-1]
    return ";".join(segment for at, segment in segments if at > column)


def _attribute_of(value: str, modules: Mapping[str, Mapping[str, ObjectRef]]) -> ObjectRef | None:
    """The canonical object an assigned value reads from a module the file binds
    (``api.Manager`` in ``Manager = api.Manager``), if it reads one."""
    read = _ATTRIBUTE.fullmatch(value)
    if read is None:
        return None
    alias = "".join(read.group(1).split())
    return modules.get(alias, {}).get(read.group(2))


def _line_event(line: str, keep_definitions: bool) -> list[tuple[str, str | None, str]] | None:
    """For a line that binds names (a definition, an assignment, a loop's or a `with`'s
    targets, an assignment expression): each name it binds, with the name it is bound to
    when that is one (None otherwise), and the value as written (outer parentheses dropped;
    "" when unknown). A chain (``A = B = value``) binds every target to the value; a tuple
    (``X, Y = api.A, api.B``) each target to its own value, when they can be paired."""
    definition = _DEFINITION.match(line)
    if definition:
        return None if keep_definitions else [(definition.group(1), None, "")]
    assignment = _ASSIGNMENT.match(line)
    if assignment is None:
        return _other_bindings(line)
    names, value = [assignment.group(1)], assignment.group(2)
    chained = _CHAINED.match(value)
    while chained is not None:
        names.append(chained.group(1))
        value = value[chained.end() :]
        chained = _CHAINED.match(value)
    value = _unwrapped(value)
    named = value if _IDENTIFIER.fullmatch(value) else None
    found = [(name, named, value) for name in names]
    return found + [(name, None, "") for name in _WALRUS.findall(value)]


def _unwrapped(value: str) -> str:
    """``value`` without parentheses around a name or a dotted one."""
    if value.startswith("(") and value.endswith(")"):
        inner = value[1:-1].strip()
        if _IDENTIFIER.fullmatch(inner) or _ATTRIBUTE.fullmatch(inner):
            return inner
    return value


def _other_bindings(line: str) -> list[tuple[str, str | None, str]] | None:
    """The bindings of a line that is no simple assignment: tuple targets, a loop's
    targets, a `with`'s, assignment expressions."""
    unpacked = _UNPACKING.match(line)
    if unpacked is not None:
        targets = _names_in(unpacked.group(1))
        values = [_unwrapped(part.strip()) for part in unpacked.group(2).split(",")]
        if len(values) == len(targets) and all(_SIMPLE_VALUE.fullmatch(v) for v in values):
            return [
                (name, v if _IDENTIFIER.fullmatch(v) else None, v)
                for name, v in zip(targets, values, strict=True)
            ]
        return [(name, None, "") for name in targets]
    loop = _LOOP.match(line)
    names = _names_in(loop.group(1)) if loop is not None else []
    if _WITH.match(line):
        names += _WITH_TARGET.findall(line)
    names += _WALRUS.findall(line)
    return [(name, None, "") for name in names] or None


def _names_in(targets: str) -> list[str]:
    """The names of a target list (``a, (b, *c)``)."""
    return _IDENTIFIER.findall(targets.replace("*", " "))


def binds_otherwise(lines: list[str], name: str, mask: list[bool]) -> bool:
    """Whether the module defines or assigns ``name`` itself at module level.

    Such a module has to import the canonical object under another name (a wrapper function
    named like the canonical one, say), so that rename is not a finding.
    """
    for index, line in enumerate(lines):
        if mask[index] or name not in line:
            continue
        event = _line_event(line, keep_definitions=False)
        bound = [target for target, _, _ in event or ()]
        if name in bound and scope_of(lines, index, mask).module_level:
            return True
    return False
