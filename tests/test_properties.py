"""Property-based tests: on random files, the statement reader finds exactly the imports `ast`
finds, and the prefilter never drops a file that `ast` shows imports a name it looks for."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ssot_imports.adapters.locator import ModuleLocator
from ssot_imports.application.pipeline.sources import SourceCache
from ssot_imports.configuration import run_context
from ssot_imports.domain.parsing import SourceFile, parse_python, split_lines
from ssot_imports.domain.prefilter import FactFinder, Request
from ssot_imports.domain.renames import lines_spelling
from ssot_imports.domain.statements import (
    ImportStatement,
    Placement,
    iter_file_imports,
    simple_statement,
)

NAMES = st.sampled_from(["os", "pkg", "impl", "Manager", "Impl", "core", "json", "x", "y_2"])
DOTTED = st.lists(NAMES, min_size=1, max_size=3).map(".".join)


@st.composite
def aliases(draw: st.DrawFn, dotted: bool) -> str:
    name = draw(DOTTED if dotted else NAMES)
    alias = draw(st.none() | NAMES)
    spacing = draw(st.sampled_from([" ", "  "]))
    return name if alias is None else f"{name}{spacing}as{spacing}{alias}"


@st.composite
def import_statement(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        names = draw(st.lists(aliases(dotted=True), min_size=1, max_size=3))
        return "import " + ", ".join(names)
    level = draw(st.integers(0, 2))
    module = draw(st.none() | DOTTED) if level else draw(DOTTED)
    names = draw(st.lists(aliases(dotted=False), min_size=1, max_size=3))
    source = "." * level + (module or "")
    form = draw(st.sampled_from(["plain", "parenthesised", "multiline", "comment"]))
    if form == "parenthesised":
        return f"from {source} import ({', '.join(names)})"
    if form == "multiline":
        inner = "".join(f"    {name},\n" for name in names)
        return f"from {source} import (\n{inner})"
    if form == "comment":
        return f"from {source} import {', '.join(names)}  # note"
    return f"from {source} import {', '.join(names)}"


@st.composite
def python_file(draw: st.DrawFn) -> str:
    """A file of imports at module level, in functions, in `if TYPE_CHECKING:` and `try:`
    blocks, after `;`, with docstrings that contain import-looking lines."""
    parts = ['"""Module docstring.\n\nfrom pasted.example import Nothing\n"""\n']
    for _ in range(draw(st.integers(1, 8))):
        statement = draw(import_statement())
        place = draw(st.sampled_from(["top", "function", "type_checking", "try", "semicolon"]))
        indented = "\n".join("    " + line for line in statement.splitlines())
        if place == "top":
            parts.append(statement + "\n")
        elif place == "function":
            parts.append(f"def f():\n    '''import not_a_statement'''\n{indented}\n    return 1\n")
        elif place == "type_checking":
            parts.append(f"if TYPE_CHECKING:\n{indented}\n")
        elif place == "try":
            parts.append(f"try:\n{indented}\nexcept ImportError:\n    pass\n")
        else:
            parts.append(f"value = 1; {statement}\n" if "\n" not in statement else statement + "\n")
        parts.append(draw(st.sampled_from(["", "\n", "x = 'from a import b'\n"])))
    return "".join(parts)


def _key(statement: ImportStatement) -> tuple:
    return (
        statement.line,
        statement.is_from,
        statement.level,
        statement.module,
        statement.module_level,
        statement.type_checking,
        statement.conditional,
        tuple((b.source, b.name, b.local, b.line, b.column) for b in statement.bindings),
    )


def _read_one_by_one(text: str) -> list[ImportStatement]:
    """What the statement reader finds: each statement read on its own from the lines where
    one can start (as files outside the graph are read)."""
    source = SourceFile(Path("/project/pkg/app/mod.py"), text, text.splitlines(True), "utf-8")
    cache = SourceCache(ModuleLocator([]), run_context(Path("/"), use_cache=False))
    return cache.import_statements(source, "pkg.app.mod")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_file())
def test_the_statement_reader_finds_what_ast_finds(text: str) -> None:
    tree = ast.parse(text)
    expected = list(
        iter_file_imports(
            tree, importer="pkg.app.mod", importer_is_package=False, lines=text.splitlines(True)
        )
    )
    assert sorted(map(_key, _read_one_by_one(text))) == sorted(map(_key, expected))


@settings(max_examples=300, deadline=None)
@given(python_file(), NAMES)
def test_the_prefilter_never_drops_a_file_that_imports_a_name(text: str, name: str) -> None:
    request = Request(words=(name, "import *"), import_words=(name,))
    words, tops, imported, _ = FactFinder(request).facts(text.encode())
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                taken = {*alias.name.split("."), *([alias.asname] if alias.asname else [])}
                assert taken <= set(imported), (alias.name, alias.asname, imported)
                if name in taken:
                    assert name in words
            if isinstance(node, ast.ImportFrom) and node.module and name in node.module.split("."):
                assert f"import:{name}" in words or name in words
            if node.col_offset == 0 and isinstance(node, ast.Import):
                assert {alias.name.split(".")[0] for alias in node.names} <= set(tops)


@st.composite
def awkward_file(draw: st.DrawFn) -> str:
    """A ``python_file`` whose ``from`` statements may be continued by a backslash where the
    prefilter's patterns once lost them, and with lines whose ``import`` word is no statement
    (a comment, a string) above or beside the imports."""
    lines = draw(python_file()).splitlines(keepends=True)
    out = []
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        noise = draw(st.sampled_from(["", "# see: import (grouped\n", "# copied from \\\n"]))
        if noise and not line.startswith((" ", "\t")) and not stripped.startswith(")"):
            out.append(noise)
        if stripped.startswith("from ") and " import " in stripped and draw(st.booleans()):
            head, _, rest = stripped[5:].partition(" import ")
            where = draw(st.sampled_from(["after", "inside"]))
            if where == "inside" and "." in head.strip(".") and not head.startswith("."):
                left, _, right = head.partition(".")
                line = f"{indent}from {left} \\\n{indent}    .{right} import {rest}"
            else:
                line = f"{indent}from \\\n{indent}    {head} import {rest}"
        out.append(line)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(awkward_file())
def test_a_record_names_the_module_of_every_import_statement(text: str) -> None:
    """What other steps read from a record instead of the file (the importers of a shim, a
    graph module importing a helper outside the graph) holds every import statement's module
    path (dotted or relative) and first name, whatever its form and place."""
    _, tops, _, paths = FactFinder(Request(words=("import *",))).facts(text.encode())
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if "." in module:
                assert module in paths, (module, paths)
            if node.module and not node.level:
                assert node.module.split(".")[0] in tops, (node.module, tops)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] in tops, (alias.name, tops)
                if "." in alias.name:
                    assert alias.name in paths, (alias.name, paths)


@settings(max_examples=200, deadline=None)
@given(python_file(), NAMES)
def test_the_automaton_finds_what_the_substring_searches_find(text: str, name: str) -> None:
    """Above ``AUTOMATON_FROM`` words the prefilter makes one automaton pass instead of a
    search per word: the facts are the same either way."""
    from ssot_imports.domain import prefilter

    words = (name, "import *", f'"{name}.sub', f"'{name}.sub", "__all__", f"as {name}")
    filler = tuple(f"Filler{index}Name" for index in range(prefilter.AUTOMATON_FROM))
    request = Request(words + filler, import_words=(name,))
    data = text.encode()
    with_automaton = _finder(request, "automaton")
    assert with_automaton._automaton is not None
    searches = _finder(request, "searches")
    assert with_automaton.facts(data) == searches.facts(data)
    if prefilter.hyperscan is not None:  # the one-pass scanner, where it is installed
        scanner = FactFinder(request)
        assert scanner._scanner is not None
        assert scanner.facts(data) == searches.facts(data)


def _finder(request: Request, how: str) -> FactFinder:
    """A fact finder made to use the automaton or the substring searches, as it would without
    Hyperscan."""
    from ssot_imports.domain import prefilter

    kept, prefilter.hyperscan = prefilter.hyperscan, None
    try:
        finder = FactFinder(request)
    finally:
        prefilter.hyperscan = kept
    if how == "searches":
        finder._automaton = None
    return finder


def test_the_automaton_reports_words_quoted_either_way() -> None:
    from ssot_imports.domain import prefilter

    filler = tuple(f"Filler{index}Name" for index in range(prefilter.AUTOMATON_FROM))
    request = Request(('"pkg.impl', "'pkg.impl", "Manager", *filler), import_words=("impl",))
    finders = [_finder(request, "automaton"), _finder(request, "searches")]
    if prefilter.hyperscan is not None:
        finders.append(FactFinder(request))
    for finder in finders:
        words, tops, _, _ = finder.facts(
            b"from pkg.impl import Manager\npatch('pkg.impl.Manager')\nFiller3Name = 1\n"
        )
        assert words == ['"pkg.impl', "'pkg.impl", "Filler3Name", "Manager", "import:impl"]
        assert tops == ["pkg"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_file(), NAMES)
def test_the_line_prefix_pattern_captures_what_the_line_regex_captures(
    text: str, name: str
) -> None:
    """The module of each `from M import … as <canonical name>` is captured by searching for
    the `as` and matching its line's head, not by a regex tried at every character: the labels
    are those the single regex gives."""
    import re

    from ssot_imports.application.canonical_paths.prefilter import Prefilter
    from ssot_imports.domain.exports import ExportSet, ObjectRef
    from ssot_imports.domain.prefilter import LINE_PREFIX, _compiled, _line_captures

    obj = ObjectRef("pkg.impl", name)
    prefilter = Prefilter(ExportSet("pkg.api", {name: obj}, {obj: name}), ["pkg.impl"])
    label, regex, _ = prefilter.request.patterns[1]
    line, _, main = regex.partition(LINE_PREFIX)
    single = re.compile(rf"(?m)(?:^{line})?\b{main}".encode())
    data = text.encode()
    expected = sorted(
        {f"{label}:{m.group(1).decode() if m.group(1) else '?'}" for m in single.finditer(data)}
    )
    searched, line_pattern = _compiled(regex)
    assert line_pattern is not None
    assert sorted(set(_line_captures(data, label, searched, line_pattern))) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_file(), st.lists(NAMES, min_size=1, max_size=6))
def test_the_words_finder_finds_what_substring_searches_find(text: str, names: list[str]) -> None:
    """`fix` looks for the names it renamed in every file with one pass (Hyperscan, or a
    regular expression without it): the names found are those a search per name finds."""
    from ssot_imports.domain import prefilter

    words = [name.encode() for name in dict.fromkeys(names)]
    data = text.encode()
    expected = {word for word in words if word in data}
    kept, prefilter.hyperscan = prefilter.hyperscan, None
    try:
        assert prefilter.words_finder(words)(data) == expected
    finally:
        prefilter.hyperscan = kept
    assert prefilter.words_finder(words)(data) == expected


PIECES = st.sampled_from(["Impl", "Manager", "_Impl", "Impl_", "é", "x", " ", "\n", ".", "1", "("])


@given(
    st.lists(PIECES, max_size=40).map("".join),
    st.sets(st.sampled_from(["Impl", "Manager", "ManagerImpl", "é"]), min_size=1),
)
def test_lines_spelling_a_name_are_those_a_word_bounded_regex_finds(
    text: str, names: set[str]
) -> None:
    """The rename planner finds the lines spelling its names by substring searches; a regular
    expression of word-bounded alternatives is the reference."""
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in sorted(names)))
    expected = sorted({text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)})
    assert lines_spelling(text, names) == expected


LINE_PIECES = st.sampled_from(["Impl", "Manager", "x", " ", "\n", "\r\n", "\r", "\x0c", "é"])


@given(
    st.lists(LINE_PIECES, max_size=40).map("".join),
    st.sets(st.sampled_from(["Impl", "Manager", "ManagerImpl", "é"]), min_size=1),
    st.booleans(),
)
def test_the_shim_finder_reads_the_lines_a_line_by_line_search_finds(
    text: str, names: set[str], lines_given: bool
) -> None:
    """Which lines spell a tracked name (to find its rebinds) is worked out with one search
    per name over the whole text, lines counted by newlines unless a carriage return ends
    some: the lines are those a search of each line finds, whatever the line ends, and each
    is cut from the text as it is in the file."""
    from ssot_imports.domain.parsing import split_lines
    from ssot_imports.domain.rebinding import _SpellingLines

    lines = split_lines(text)
    expected = [index for index, line in enumerate(lines) if any(n in line for n in names)]
    spelling = _SpellingLines(text, set(names), lines if lines_given else lambda: lines)
    found = [(spelling.index(), text[start:end]) for start, end in spelling]
    assert found == [(index, lines[index]) for index in expected]


def _canonical_request(names: list[str]) -> Request:
    from ssot_imports.application.canonical_paths.prefilter import Prefilter
    from ssot_imports.domain.exports import ExportSet, ObjectRef

    objects = {name: ObjectRef("pkg.impl", name) for name in names}
    exports = ExportSet("pkg.api", objects, {obj: name for name, obj in objects.items()})
    return Prefilter(exports, ["pkg.impl"]).request


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    python_file(),
    st.lists(NAMES, min_size=1, max_size=3, unique=True),
    st.lists(NAMES, min_size=1, max_size=3, unique=True),
)
def test_a_record_widened_to_a_larger_request_is_the_larger_requests_record(
    text: str, before: list[str], added: list[str]
) -> None:
    """`fix` checks again after the canonical module exports more names: an unchanged file's
    record is the earlier one, its words still asked for kept, plus what a search for the
    new words and patterns alone finds (`Request.beyond`). It must be the record a full read
    for the larger request makes."""
    earlier = _canonical_request(before)
    later = _canonical_request(list(dict.fromkeys([*before, *added])))
    data = text.encode()
    extra, still = later.beyond(earlier)
    widened = {w for w in FactFinder(earlier).facts(data)[0] if still(w)}
    widened |= set(FactFinder(extra).words(data))
    assert widened == set(FactFinder(later).facts(data)[0])


def _mask_by_characters(text: str) -> list[bool]:
    """Reference for ``string_mask``, one character at a time: a triple quote opens a
    string, the same triple quote closes it (the other kind is text inside it); a line is
    masked when it starts and ends inside a string."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # a final newline ends the last line; it does not start one
    mask = []
    inside: str | None = None
    for line in lines:
        started = inside
        index = 0
        while index < len(line):
            quote = line[index : index + 3]
            if quote in ("'''", '"""'):
                inside = quote if inside is None else (None if quote == inside else inside)
                index += 3
            else:
                index += 1
        mask.append(started is not None and inside is not None)
    return mask


QUOTED = st.sampled_from(["'''", '"""', "'", '"', "\n", "x = 1", " ", "''''", '"\n"', "#"])


@settings(max_examples=400, deadline=None)
@given(st.lists(QUOTED, max_size=30).map("".join), st.integers(min_value=0, max_value=40))
def test_the_string_mask_is_the_character_by_character_reading(text: str, through: int) -> None:
    """Lines inside triple-quoted strings, as a character-by-character reading finds them;
    a mask asked only up to a line is right up to that line."""
    from ssot_imports.domain.scopes import string_mask

    lines = text.splitlines(keepends=True)
    mask = string_mask(lines)
    assert mask == _mask_by_characters(text)
    if lines:
        through = min(through, len(lines) - 1)
        assert string_mask(lines, text, through)[: through + 1] == mask[: through + 1]


def test_a_file_mask_is_worked_out_twice_at_most(monkeypatch) -> None:
    """A test module with an import in each of its functions asks for the scope of one
    indented line after another; a part of the mask is extended once, to the whole file
    (each line asked anew made a 5 MB module's check take minutes)."""
    from ssot_imports.application.pipeline import sources

    text = '"""Tests."""\n' + "".join(
        f"def test_{n}():\n    '''Doc {n}.\n    import not_this'''\n    from pkg.impl import Impl\n"
        for n in range(200)
    )
    lines = text.splitlines(True)
    source = SourceFile(Path("/project/pkg/tests/test_mod.py"), text, lines, "utf-8")
    cache = SourceCache(ModuleLocator([]), run_context(Path("/"), use_cache=False))
    computed: list[int | None] = []
    real = sources.string_mask

    def counted(lines: list[str], text: str | None = None, through: int | None = None):
        computed.append(through)
        return real(lines, text, through)

    monkeypatch.setattr(sources, "string_mask", counted)
    found = [cache.statements_in(source, "pkg.tests.test_mod", 5 + 4 * n) for n in range(200)]
    assert [s.line for (s,) in found] == [5 + 4 * n for n in range(200)]
    assert all(not s.module_level for (s,) in found)
    assert computed == [4, None]  # the first statement's part, then the whole file once
    assert len(cache.import_statements(source, "pkg.tests.test_mod")) == 200
    assert computed == [4, None]


WORDS = st.sampled_from(["pkg", "impl", "Manager", "x", "match", "class", "None", "_", "*"])
GAPS = st.sampled_from([" ", "  ", "\t", " \t"])


@st.composite
def one_line_import(draw: st.DrawFn) -> str:
    """A one-line import, valid or not: keywords, stars, dotted names where they may not be,
    trailing commas, comments, odd spacing."""
    gap = draw(GAPS)

    def name(dotted: bool) -> str:
        return ".".join(draw(st.lists(WORDS, min_size=1, max_size=3 if dotted else 1)))

    def alias(dotted: bool) -> str:
        local = draw(st.none() | WORDS)
        return name(dotted) + ("" if local is None else f"{gap}as{gap}{local}")

    dotted = draw(st.booleans())
    names = [alias(dotted) for _ in range(draw(st.integers(1, 3)))]
    listed = draw(st.sampled_from([",", ", ", " ,"])).join(names) + draw(
        st.sampled_from(["", ",", "  # note", "#x"])
    )
    if draw(st.booleans()):
        return f"import{gap}{listed}"
    dots = "." * draw(st.integers(0, 4))
    module = draw(st.none() | st.builds(lambda: name(True)))
    return (
        f"from{gap}{dots}{draw(st.sampled_from(['', ' ']))}{module or ''}{gap}import{gap}{listed}"
    )


@settings(max_examples=600, deadline=None)
@given(one_line_import(), st.integers(0, 8), st.booleans(), st.booleans())
def test_a_simple_import_read_without_the_parser_is_what_the_parser_reads(
    text: str, indent: int, is_package: bool, module_level: bool
) -> None:
    placement = Placement(
        line_offset=11, first_line_indent=indent, module_level=module_level, conditional=True
    )
    quick = simple_statement(text, "pkg.app.mod", lambda: is_package, placement)
    try:
        tree = parse_python(text)
    except SyntaxError:
        assert quick is None  # the parser says why
        return
    parsed = list(
        iter_file_imports(
            tree,
            importer="pkg.app.mod",
            importer_is_package=is_package,
            lines=split_lines(text),
            placement=placement,
        )
    )
    if quick is not None:
        assert quick == parsed


def test_the_plain_forms_are_read_without_the_parser() -> None:
    plain = [
        "from pkg.app.core import Manager",
        "from pkg.app.core import Manager as M, Impl  # noqa: F401",
        "from .core import *",
        "from ..app import core",
        "import pkg.app.core as core, json",
    ]
    for text in plain:
        found = simple_statement(text, "pkg.app.mod", lambda: False, Placement(line_offset=4))
        assert found is not None, text
        expected = list(
            iter_file_imports(
                parse_python(text),
                importer="pkg.app.mod",
                importer_is_package=False,
                lines=split_lines(text),
                placement=Placement(line_offset=4),
            )
        )
        assert found == expected
    for text in ["from pkg import (Manager)", "from pkg import Manager; x = 1", "lazy import pkg"]:
        assert simple_statement(text, "pkg.app.mod", lambda: False, Placement()) is None


@settings(max_examples=400, deadline=None)
@given(
    st.lists(LINE_PIECES, max_size=60).map("".join) | st.integers(0, 700).map(lambda n: "x\n" * n),
    st.integers(-2, 705),
)
def test_a_line_cut_from_the_text_is_the_line_of_the_split_file(text: str, number: int) -> None:
    """``SourceFile.line`` cuts a line from the text near either end of the file (splitting
    it only otherwise): the same line as the split file's, "" past either end."""
    from ssot_imports.domain.parsing import split_lines

    lines = split_lines(text)
    expected = lines[number - 1] if 0 < number <= len(lines) else ""
    source = SourceFile(Path("/project/pkg/mod.py"), text)
    assert source.line(number) == expected
    assert source.lines == lines
    assert source.line(number) == expected  # (and from the lines, once split)


REBINDING_PIECES = st.sampled_from(
    ["Manager", "Impl", " = ", "Other", "def ", "class ", "(x)", ":", "    ", "\n", "\r\n", "#"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(REBINDING_PIECES, max_size=40).map("".join))
def test_rebinds_found_without_splitting_the_file_are_those_found_with_its_lines(
    body: str,
) -> None:
    """A shim candidate's rebinds are read from lines cut from its text, the file split
    only when a tracked name is assigned or defined: the same bindings either way."""
    from ssot_imports.domain.exports import ObjectRef
    from ssot_imports.domain.parsing import split_lines
    from ssot_imports.domain.rebinding import ImportedObject, final_bindings
    from ssot_imports.domain.scopes import string_mask

    text = "from pkg.impl import Manager, Impl\n" + body
    lines = split_lines(text)
    imported = [
        ImportedObject(1, name, ObjectRef("pkg.impl", name), conditional=False)
        for name in ("Manager", "Impl")
    ]
    split_first = final_bindings(lines, imported, string_mask(lines), text=text)
    asked: list[bool] = []

    def lazily() -> list[str]:
        asked.append(True)
        return lines

    assert final_bindings(lazily, imported, lambda: string_mask(lines), text=text) == split_first
    if "\r" not in text and " = " not in body and "def " not in body and "class " not in body:
        assert not asked  # nothing assigned or defined: the file was not split
