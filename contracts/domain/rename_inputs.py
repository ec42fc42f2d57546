"""What the rename planner is given for one file, the same for ``check`` and ``fix``: the
edits of its findings with the attribute renames that go with them, and the part of the file
it must read. ``check`` works out with these what ``fix`` will do, so that a finding promises
no rename ``fix`` would refuse."""

from __future__ import annotations

import ast
import re

from .edits import AttributeEdit, ChainEdit, Edit, FromImportEdit, ModuleEdit, StringEdit
from .modules import resolve_relative
from .parsing import line_at, split_lines
from .renames import MERGED, lines_spelling
from .scopes import string_mask
from .segments import cut_module

# Why no rename is made in a file ``ast`` cannot read whole (said by ``check`` and ``fix``).
NOT_READ_BY_AST = "the file is not UTF-8 or uses syntax this Python does not read"


def attribute_renames(edits: list[tuple[str, Edit]]) -> list[tuple[str, Edit]]:
    """For each import whose local name comes to bind the canonical module, the renames of
    its attribute reads to the preferred names there, as a chain edit of its own (made with
    it; not a finding of its own)."""
    extra: list[tuple[str, Edit]] = []
    for key, edit in edits:
        if not isinstance(edit, FromImportEdit | ModuleEdit) or not edit.attributes:
            continue
        local = edit.local if isinstance(edit, FromImportEdit) else edit.alias
        if local:
            extra.append((f"{MERGED}{key}", ChainEdit(edit.line, local, local, edit.attributes)))
    return extra


def statements_needed(
    text: str,
    edits: list[tuple[str, Edit]],
    lines: list[str] | None = None,
    mask: list[bool] | None = None,
    imports: bool = True,
) -> ast.Module | None:
    """The file's top-level statements that the edits and renames can concern, parsed on
    their own as one module; None: parse the whole file.

    Those are the statements holding an edit, those that spell a name a rename, an
    attribute edit or a chain edit is about (every occurrence of a name is on a line that
    spells it), the module-level imports (an earlier one may take a moved name) and the first
    statement (a docstring). Everything the planners look at is in them; every part that
    changes is parsed again after the change. A loaded module's holder is known only from its
    statement: such files are parsed whole.

    The rename planner alone needs no import that spells none of the names (``imports``
    false): the module-level imports are for the edits, a moved name joining one of them.
    ``lines`` and ``mask`` are the file's lines and string mask, when known.
    """
    names: set[str] = set()
    for _, edit in edits:
        if isinstance(edit, StringEdit) and edit.exposes is not None:
            return None
        if isinstance(edit, FromImportEdit) and edit.rename_to:
            names |= {edit.local, edit.rename_to}
        elif isinstance(edit, AttributeEdit):
            names |= {edit.local, edit.name}
        elif isinstance(edit, ChainEdit):  # every read is rewritten, in any statement
            names.add(edit.chain.partition(".")[0])
    lines = split_lines(text) if lines is None else lines
    mask = string_mask(lines) if mask is None else mask
    wanted = {1, *(edit.line for _, edit in edits), *lines_spelling(text, names)}
    # (And the star imports, wherever they are: one below a renamed import may bind the new
    # name again.)
    if imports:
        wanted.update(
            number
            for number, line in enumerate(lines, 1)
            if line.startswith(_TOP_IMPORTS) and not mask[number - 1]
        )
    # Star imports, in a block too (`if …:`, `try: from x import *`): found in the text, not
    # line by line (most files spell a `*`, few import with one).
    for found in _STAR_IN_LINE.finditer(text):
        start = found.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue  # (`reimport *`: not the keyword)
        number = line_at(text, start)
        if number <= len(mask) and not mask[number - 1]:
            wanted.add(number)
    return cut_module(lines, mask, wanted)


# How a module-level import starts (``cut_module`` takes the statement whole from there).
_TOP_IMPORTS = ("import ", "from ", "lazy ", "import\t", "from\t")
_STAR_IN_LINE = re.compile(r"import[ \t]*\*")  # (a literal first: searched fast)


_STAR = re.compile(
    r"^[ \t]*(?:lazy[ \t]+)?from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]*\*", re.MULTILINE
)


def star_imported(text: str, module: str, package: bool) -> list[str]:
    """The modules ``text`` star-imports (absolute names; a relative one that does not
    resolve is left out: nothing can be said of it, and the planner asks of every star
    import it meets)."""
    found = []
    for dots, rest in _STAR.findall(text):
        if not dots:
            found.append(rest)
            continue
        absolute = resolve_relative(module, package, len(dots), rest or None)
        if absolute is not None:
            found.append(absolute)
    return found


def may_bind(text: str, name: str) -> bool:
    """Whether a star import of the module whose source is ``text`` may bind ``name``: not
    when it never spells the name and star-imports nothing itself."""
    if re.search(r"import[ \t]*\*", text):
        return True
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None
