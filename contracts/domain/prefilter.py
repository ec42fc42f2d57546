"""What a file's bytes say before anything is parsed: requested substrings, patterns, and the
first names of its imports.

Before anything is parsed, each file under the roots is tested with substring searches (and a
few anchored regular expressions for import lines); the checks then parse only the few files
these facts point to. Reading the bytes, and remembering facts between runs, is the
prefilter reader's job (an adapter); here the bytes are given.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

try:  # Hyperscan: every word in one vectorised pass; not on every platform (then: searches)
    import hyperscan
except ImportError:  # pragma: no cover - the wheel exists for Linux on x86-64 only
    hyperscan = None

# Patterns that start with a literal are searched for fast; whether a match starts its line
# is checked afterwards, on the few matches there are.
# (A name's bytes: ASCII letters, digits and underscores, and any byte of a character beyond
# ASCII, which Python's names may hold; spaces between words are spaces, tabs or form feeds.)
# (`from.x import y` is relative; `from a . b import c` has spaces around its dot.)
_FROM = re.compile(
    rb"from(?:[ \t\f]+|(?=\.))"
    rb"(\.*[A-Za-z0-9_.\x80-\xff]*(?:[ \t\f]*\.[ \t\f]*[A-Za-z0-9_.\x80-\xff]*)*)"
)
# The same where a backslash may continue the statement between its words (`from \` /
# `a.b import c`, `from a \` / `.b import c`): slower, for the files that hold one.
_SPACE = rb"(?:[ \t\f]|\\(?:\r\n?|\n))"
_CONTINUED_FROM = re.compile(
    rb"from(?:" + _SPACE + rb"+|(?=\.))"
    rb"((?:\." + _SPACE + rb"*)*"
    rb"(?:(?!import\b)[A-Za-z0-9_\x80-\xff]+"
    rb"(?:" + _SPACE + rb"*\." + _SPACE + rb"*[A-Za-z0-9_\x80-\xff]+)*)?)"
)
_DOTTED = re.compile(
    rb"[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*"
    rb"(?:[ \t\f]*\.[ \t\f]*[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)*"
)
_NAME = re.compile(rb"[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*")
# What follows each `import`: a parenthesised list, or the rest of the statement (a backslash
# continues it; `;`, `#` and the line's end, old Mac's bare CR too, end it).
# (No `\b` in front: a leading literal is searched for fast; `reimport x` only adds names.)
# A comment inside the parentheses may hold a `)`: `# TODO(ann)`; it runs to its line's end,
# and nothing else can read its text: a list never closed (`# see import (` above comments)
# is given up in linear time, not after trying every way to cut each comment.
_IMPORTED = re.compile(
    rb"import(?:[ \t\f]+|(?=[(\\]))"
    rb"(\((?:[^)#]|#[^\n]*(?=\n|\Z))*\)|[^\r\n;#\\]*(?:\\(?:\r\n?|\n)[^\r\n;#\\]*)*)"
)
_CONTINUATION = re.compile(rb"\\(?:\r\n?|\n)")
# Label prefix of an import word found where an import statement could be: ``import:word``.
IMPORT_CONTEXT = "import"


@dataclass(frozen=True)
class Record:
    """What one file contains, as far as the prefilters are concerned."""

    words: frozenset[str]  # the requested substrings that occur in the file
    tops: tuple[str, ...]  # first names of import statements (sorted)
    # Every name an import statement may take or bind: the names after `import` (each part of
    # a dotted module name, and `as` names). A file that imports anything from a module, or
    # the module itself, spells one of these; prose after the word `import` only adds names.
    # (A sorted tuple: a fifth of the memory of a set, kept for every file of the tree.)
    imported: tuple[str, ...] = ()
    readable: bool = True
    # The file's content, as a digest: what a warm run compares to know a file is unchanged.
    digest: str = ""
    # The dotted or relative module paths its import lines name (``from a.b import``,
    # ``from ..x import``, ``import a.b``): whether each exists is known without reading the
    # file again (a path that is no module is a stale import).
    paths: tuple[str, ...] = ()

    def summary(self) -> str:
        """A short, stable digest of what the prefilter saw (not of the whole content): two
        files with equal summaries are the same to every check that did not read them."""
        text = "\x1e".join(sorted(self.words)) + "\x1f" + self._imports_summary
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    @cached_property
    def _imports_summary(self) -> str:
        """The part of the summary no request changes (worked out once per file and run)."""
        text = "\x1f".join("\x1e".join(part) for part in (self.tops, self.imported, self.paths))
        return f"{self.readable}\x1f{text}"


UNREADABLE_RECORD = Record(frozenset(), (), readable=False)


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Request:
    """What to look for: substrings, and named patterns tried on files containing a trigger.

    A pattern ``(label, regex, triggers)`` runs only on files that contain one of its trigger
    substrings; when it matches, ``label`` is added to the file's words (with a capturing
    group: ``label:captured`` for every match). A regex written ``LINE + LINE_PREFIX + MAIN``
    is searched for as ``MAIN`` (after a non-word character), and what ``LINE`` captures in
    the text from the start of the match's line up to it (the whole of that text) is recorded
    (``label:?`` when it does not match): a regular expression that starts with a literal is
    searched for fast, one that starts at each line is tried at every character. An import
    word found on a line that could hold an import statement adds ``import:word``. Imported
    top-level names are always collected.
    """

    words: tuple[str, ...]
    patterns: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    import_words: tuple[str, ...] = ()

    def covers(self, other: Request) -> bool:
        """Whether records made for this request answer everything ``other`` asks."""
        return (
            set(other.words) <= set(self.words)
            and set(other.patterns) <= set(self.patterns)
            and set(other.import_words) <= set(self.import_words)
        )

    def union(self, other: Request) -> Request:
        """One request that answers both (one read of the tree for several contracts)."""
        return Request(
            tuple(sorted({*self.words, *other.words})),
            tuple(sorted({*self.patterns, *other.patterns})),
            tuple(sorted({*self.import_words, *other.import_words})),
        )

    def beyond(self, earlier: Request) -> tuple[Request, Callable[[str], bool]]:
        """What this request asks that ``earlier`` did not (a request of its own), and which
        words of a record made for ``earlier`` still hold for this one: a record made for
        ``earlier`` plus what the first finds in the file is this request's record. (A
        pattern whose regex or triggers changed is asked again, its old captures dropped.)"""
        patterns = set(earlier.patterns)
        kept_patterns = [p for p in self.patterns if p in patterns]
        new = Request(
            tuple(word for word in self.words if word not in set(earlier.words)),
            tuple(p for p in self.patterns if p not in patterns),
            tuple(word for word in self.import_words if word not in set(earlier.import_words)),
        )
        still = frozenset(
            [
                *(word for word in self.words if word in set(earlier.words)),
                *(label for label, _, _ in kept_patterns),
                *(
                    f"{IMPORT_CONTEXT}:{word}"
                    for word in self.import_words
                    if word in set(earlier.import_words)
                ),
            ]
        )
        labels = tuple(f"{label}:" for label, _, _ in kept_patterns)
        return new, lambda word: word in still or word.startswith(labels)

    def project(self, record: Record) -> Record:
        """``record``, made for a request covering this one, as this request alone would have
        made it: the words and labels the other requests added are left out."""
        asked = self._asked
        if record.words <= asked:
            return record
        labels = self._labels
        words = frozenset(word for word in record.words if word in asked or word.startswith(labels))
        if len(words) == len(record.words):
            return record
        # A copy with other words (``dataclasses.replace`` would take ten times as long, for
        # thousands of records per contract).
        projected = object.__new__(Record)
        projected.__dict__.update(record.__dict__, words=words)
        return projected

    @cached_property
    def _asked(self) -> frozenset[str]:
        return frozenset(
            [
                *self.words,
                *(label for label, _, _ in self.patterns),
                *(f"{IMPORT_CONTEXT}:{word}" for word in self.import_words),
            ]
        )

    @cached_property
    def _labels(self) -> tuple[str, ...]:
        """The prefixes of what a capturing pattern adds (``label:captured``)."""
        return tuple(f"{label}:" for label, _, _ in self.patterns)


class FactFinder:
    """Works out a file's record from its bytes, for one request.

    Every search is a pass over the file, so a search whose answer is already known is not
    made: a word is looked for only if each shorter searched-for text it contains was found
    (``UnifiedManager`` cannot occur where ``Manager`` does not), and a pattern's trigger
    likewise. The quoted forms of a path (``"pkg.mod`` and ``'pkg.mod``) share one search for
    the path itself.
    """

    def __init__(self, request: Request) -> None:
        words = [word.encode() for word in request.words]
        # A quoted word is looked for in the file with every `'` made a `"`: one search for
        # both spellings of each path (reported in each spelling asked for).
        self._reported: dict[bytes, list[str]] = {}
        for word in words:
            self._reported.setdefault(_one_quote(word), []).append(word.decode())
        wanted = list(self._reported)
        # The bare path of each quoted word: searched for once, reported never. (Not for a
        # quoted package prefix, `"pkg.`: its bare form is in every file that imports it.)
        quoted = {
            word[1:]
            for word in wanted
            if word[:1] == b'"' and len(word) > 1 and not word.endswith(b".")
        }
        searched = sorted({*wanted, *quoted}, key=len)
        every_word = [
            *searched,
            *(word.encode() for word in request.import_words),
            *(trigger.encode() for _, _, triggers in request.patterns for trigger in triggers),
        ]
        # One Hyperscan pass finds them all, whatever their number; without it, one substring
        # search per word, or (for many words) one pass of an Aho–Corasick automaton.
        self._scanner = WordScanner(every_word) if hyperscan is not None and every_word else None
        self._quoting = self._scanner is None and any(word[:1] == b'"' for word in searched)
        # Many words (the union of many contracts' requests): one pass of a multi-word
        # automaton costs the same for 30 words or 300; each substring search costs a pass.
        self._automaton = (
            word_automaton(every_word)
            if self._scanner is None and len(searched) + len(request.import_words) > AUTOMATON_FROM
            else None
        )
        # Searched one by one (no Hyperscan, few words): the shorter words each contains, so
        # that it is searched for only where they all occur. (A frozenset each: ``contained
        # <= present`` is one C-level test per search.) Worked out only then: for the 600
        # words of 30 contracts, it is 360,000 substring tests.
        one_by_one = self._scanner is None and self._automaton is None

        def within(text: bytes, *, itself: bool) -> frozenset[bytes]:
            if not one_by_one:
                return frozenset()
            return frozenset(w for w in searched if w in text and (itself or w != text))

        self._searches = [(raw, within(raw, itself=False), raw[:1] == b'"') for raw in searched]
        self.patterns = [
            (
                label,
                *_compiled(regex),
                [(t.encode(), within(t.encode(), itself=True)) for t in triggers],
            )
            for label, regex, triggers in request.patterns
        ]
        self.import_words = [
            (f"{IMPORT_CONTEXT}:{word}", word.encode()) for word in request.import_words
        ]
        self._trigger_sets = [
            frozenset(trigger for trigger, _ in triggers) for *_, triggers in self.patterns
        ]
        # With one pass finding every word (Hyperscan, the automaton), the patterns and import
        # words to try are looked up from the words found: a file spells a few of the many a
        # run of many contracts asks for, and each test of one costs a loop step per file.
        self._patterns_of: dict[bytes, list[int]] = {}
        for number, spelled in enumerate(self._trigger_sets):
            for trigger in spelled:
                self._patterns_of.setdefault(trigger, []).append(number)
        self._import_words_of: dict[bytes, list[str]] = {}
        for label, raw in self.import_words:
            self._import_words_of.setdefault(raw, []).append(label)

    def facts(self, data: bytes) -> tuple[list[str], list[str], list[str], list[str]]:
        """The requested words a file contains, the first names of its imports, every name
        its import statements take or bind, and the dotted or relative module paths its
        import lines name."""
        found = self.words(data)
        return self._imports(data, found)

    def words(self, data: bytes) -> list[str]:
        """The requested words (and pattern labels, import words) a file contains."""
        present: set[bytes] = set()
        one_quote = data.translate(_ONE_QUOTE) if self._quoting else data
        if self._scanner is not None:
            present = self._scanner.present(data)
        elif self._automaton is not None:
            # Quotes unified: the words without one cannot tell the difference.
            text = one_quote.decode("latin-1")
            present = {word.encode("latin-1") for _, word in self._automaton.iter(text)}
        else:
            for raw, contained, quoted in self._searches:
                if contained <= present and raw in (one_quote if quoted else data):
                    present.add(raw)
        found = [word for raw in present for word in self._reported.get(raw, ())]
        # Whether ``present`` holds every word found (import words and triggers too).
        automaton = self._scanner is not None or self._automaton is not None
        if automaton:
            tried = sorted({number for raw in present for number in self._patterns_of.get(raw, ())})
            patterns = [self.patterns[number] for number in tried]
        else:
            patterns = [
                pattern
                for pattern in self.patterns
                if any(contained <= present and word in data for word, contained in pattern[3])
            ]
        for label, pattern, line_pattern, _ in patterns:
            if line_pattern is not None:
                found += _line_captures(data, label, pattern, line_pattern)
                continue
            for match in pattern.finditer(data):
                # A pattern with a group records what it captured: ``label:captured``
                # (``label:?`` when the group did not take part in the match).
                if pattern.groups:
                    captured = match.group(1)
                    found.append(f"{label}:{captured.decode() if captured else '?'}")
                else:
                    found.append(label)
                    break
        if automaton:
            spelled_words = [
                (label, raw) for raw in present for label in self._import_words_of.get(raw, ())
            ]
        else:
            spelled_words = [(label, raw) for label, raw in self.import_words if raw in data]
        for label, raw in spelled_words:
            if in_import_context(data, raw):
                found.append(label)
        return found

    def _imports(
        self, data: bytes, found: list[str]
    ) -> tuple[list[str], list[str], list[str], list[str]]:
        # The first name of each import statement: `from X` and `import X, Y` (where a
        # statement can start: `try: import X` too); and the module paths with a dot in them.
        tops: set[bytes] = set()
        paths: set[bytes] = set()
        # (a search for one byte first: a two-byte needle is searched for ten times slower)
        continued = b"\\" in data and _CONTINUATION.search(data) is not None
        # (A match that is no statement and holds its keyword again, `import` in a comment or
        # a string, may run over one: `# see import (` above `import a.b`, `if "import":
        # import a.b`. The search then goes on from after its keyword.)
        pattern = _CONTINUED_FROM if continued else _FROM
        position: int | None = 0
        while position is not None:
            matches, position = pattern.finditer(data, position), None
            for match in matches:
                path = match.group(1)
                if continued:
                    path = _CONTINUATION.sub(b"", path)
                path = path.translate(None, b" \t\f")
                if path and _at_statement_start(data, match.start()):
                    if b"." in path:
                        paths.add(path)
                    name = _NAME.match(path)
                    if name:
                        tops.add(name.group())
                elif path and _runs_over(data, match, b"from"):
                    position = match.start() + len(b"from")
                    break
        listed = []
        position = 0
        while position is not None:
            matches, position = _IMPORTED.finditer(data, position), None
            for match in matches:
                names = match.group(1)
                listed.append(names)
                if names[:1] != b"(" and _at_statement_start(data, match.start()):
                    for part in _CONTINUATION.sub(b" ", names).split(b","):
                        dotted = _DOTTED.match(part.strip())
                        if dotted:
                            path = dotted.group()
                            tops.add(_NAME.match(path).group())  # type: ignore[union-attr]
                            if b"." in path:
                                paths.add(path.translate(None, b" \t\f"))
                elif _runs_over(data, match, b"import") and not _at_statement_start(
                    data, match.start()
                ):
                    position = match.start() + len(b"import")
                    break
        imported = set(_NAME.findall(b" ".join(listed)))
        imported.discard(b"as")
        text = bytes.decode if data.isascii() else _python_name
        return (
            sorted(set(found)),
            sorted(map(text, tops)),
            sorted(map(text, imported)),
            sorted(map(text, paths)),
        )


def _runs_over(data: bytes, match: re.Match[bytes], keyword: bytes) -> bool:
    """Whether a match of an import pattern holds its first word, ``keyword``, again."""
    return data.find(keyword, match.start() + len(keyword), match.end()) >= 0


def _python_name(name: bytes) -> str:
    """A name (or dotted path) as Python reads it: NFKC-normalised (``café`` spelled with a
    combining accent is the module ``café``); bytes that are not UTF-8 read as Latin-1 (a file
    in another declared encoding: its ASCII names are right, the others are a guess)."""
    if name.isascii():
        return name.decode()
    try:
        return unicodedata.normalize("NFKC", name.decode("utf-8"))
    except UnicodeDecodeError:
        return unicodedata.normalize("NFKC", name.decode("latin-1"))


_ONE_QUOTE = bytes.maketrans(b"'", b'"')
# Splits a pattern into what is captured from its line and what is searched for (see Request).
LINE_PREFIX = "\x00"
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _compiled(regex: str) -> tuple[re.Pattern[bytes], re.Pattern[bytes] | None]:
    """The searched pattern, and the one its line must match before it (None: none)."""
    line, separator, main = regex.partition(LINE_PREFIX)
    if not separator:
        return re.compile(regex.encode()), None
    return re.compile(main.encode()), re.compile(line.encode())


def _line_captures(
    data: bytes, label: str, pattern: re.Pattern[bytes], line_pattern: re.Pattern[bytes]
) -> list[str]:
    """``label:captured`` for each match of ``pattern`` that starts a word: what
    ``line_pattern`` captures from the text before it on its line (``?``: no match)."""
    found = []
    for match in pattern.finditer(data):
        start = match.start()
        if start and data[start - 1] in _WORD_BYTES:
            continue
        line_start = data.rfind(b"\n", 0, start) + 1
        head = line_pattern.fullmatch(data, line_start, start)
        captured = head.group(1) if head is not None else None
        found.append(f"{label}:{captured.decode() if captured else '?'}")
    return found


# From how many searched words one automaton pass beats a substring search per word (a search
# of a 20 KB file takes about 10 µs, an automaton pass about 100 µs whatever the words).
AUTOMATON_FROM = 24


class WordScanner:
    """Which of many words occur in a text, in one Hyperscan pass that reports each word
    once. A word starting with ``"`` is also looked for with ``'`` (reported with ``"``)."""

    def __init__(self, words: list[bytes]) -> None:
        patterns: list[bytes] = []
        self._reported: list[bytes] = []
        for word in dict.fromkeys(words):
            for form in (word, b"'" + word[1:]) if word[:1] == b'"' else (word,):
                patterns.append(form)
                self._reported.append(word)
        self._database = hyperscan.Database()
        self._database.compile(
            expressions=patterns,
            ids=list(range(len(patterns))),
            elements=len(patterns),
            flags=hyperscan.HS_FLAG_SINGLEMATCH,
            literal=True,
        )
        self._scratch = hyperscan.Scratch(self._database)

    def present(self, data: bytes) -> set[bytes]:
        found: set[bytes] = set()
        reported = self._reported

        def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
            found.add(reported[index])

        self._database.scan(data, match_event_handler=on_match, scratch=self._scratch)
        return found


def words_finder(words: list[bytes]) -> Callable[[bytes], set[bytes]]:
    """Which of ``words`` a text holds: one Hyperscan pass where it is installed, otherwise
    one regular-expression pass (most texts hold none) and a search per word."""
    if hyperscan is not None and words:
        return WordScanner(words).present
    any_word = re.compile(b"|".join(map(re.escape, words))) if words else None

    def present(data: bytes) -> set[bytes]:
        if any_word is None or any_word.search(data) is None:
            return set()
        return {word for word in words if word in data}

    return present


def word_automaton(words: list[bytes]) -> Any:  # an ahocorasick.Automaton
    """An Aho–Corasick automaton that reports each of ``words`` found in a text (bytes read
    as Latin-1, so that every byte is one character)."""
    import ahocorasick  # (here: a run of few words never makes one)

    automaton = ahocorasick.Automaton()
    for word in words:
        text = word.decode("latin-1")
        automaton.add_word(text, text)
    automaton.make_automaton()
    return automaton


def _one_quote(word: bytes) -> bytes:
    """A word starting with a quote, spelled with ``"`` (the file is searched so too)."""
    return b'"' + word[1:] if word[:1] == b"'" else word


# What may come before an import statement on its line (``statements.IMPORT_HEAD``, in bytes).
_ONE_LINE_STRING = rb"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
_STATEMENT_HEAD = re.compile(
    rb"[ \t\f]*(?:(?:if|elif|else|try|except|finally|with|for|while|def|class|async|case)\b"
    rb"(?:[^\n#'\"]|" + _ONE_LINE_STRING + rb")*:[ \t\f]*)?"
    rb"(?:(?:[^\n#'\";]|" + _ONE_LINE_STRING + rb")*;[ \t\f]*)*(?:lazy[ \t\f]+)?"
)


# What ends a block's header, a statement, or (a bare CR) a line.
_HEAD_ENDS = re.compile(rb"[:;\r]")


def _at_statement_start(data: bytes, position: int) -> bool:
    """Whether an import statement may start at ``position``: only blanks come before it on
    its line, or PEP 810's ``lazy``, or a one-line block's header (``try: import x``), or
    statements ended by ``;``. (Not the ``import`` of ``from a import b``.)"""
    start = data.rfind(b"\n", 0, position) + 1
    head = data[start:position]
    if not start and head[:3] == codecs.BOM_UTF8:
        head = head[3:]
    head = head.strip(b" \t\f")
    if not head or head == b"lazy":
        return True  # (most)
    if _HEAD_ENDS.search(head) is None:
        return False  # (most others: the `import` of a `from` statement)
    head = head[head.rfind(b"\r") + 1 :]  # (a bare CR ends a line too)
    return _STATEMENT_HEAD.fullmatch(head) is not None


def in_import_context(data: bytes, word: bytes) -> bool:
    """Whether ``word`` occurs on a line that could hold an import statement.

    A line that starts with ``#`` or with a quote is a comment, a string or the inside of a
    string, so it cannot import anything unless a ``;`` comes before the word. Every other
    line counts: prose inside a docstring makes a file a candidate, never the reverse.
    """
    position = data.find(word)
    while position != -1:
        start = max(data.rfind(b"\n", 0, position), data.rfind(b"\r", 0, position)) + 1
        head = data[start:position]
        if head.lstrip()[:1] not in (b"#", b'"', b"'") or b";" in head:
            return True
        position = data.find(word, position + len(word))
    return False
