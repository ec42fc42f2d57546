"""The catalogue of finding kinds: one place that names, explains and documents each of them.

Every violation and diagnostic carries a ``kind`` from this catalogue, so the text report, the
SARIF rules and ``docs/rules.md`` all describe a finding the same way (code, why, how to fix).
"""

from __future__ import annotations

from dataclasses import dataclass

DOCS_URL = "https://github.com/ssot-imports/ssot-imports/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Rule:
    """A kind of finding, documented the way ruff documents a rule."""

    code: str
    kind: str
    summary: str
    why: str
    fix: str
    is_diagnostic: bool = False

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.kind}"


_RULES = (
    Rule(
        "SSOT001",
        "implementation-import",
        "A name is imported from an implementation module outside the canonical module.",
        "Code that reads the implementation directly bypasses the canonical façade, so patches, "
        "wrappers and future moves of the canonical module do not reach it.",
        "Import the canonical name from the canonical module (the suggestion gives the line).",
    ),
    Rule(
        "SSOT002",
        "implementation-module-import",
        "An implementation module is imported as a module.",
        "Every attribute read through the implementation module is a second path to the "
        "objects the canonical module owns.",
        "Import the canonical module instead, or import the names you use from it.",
    ),
    Rule(
        "SSOT003",
        "shim-import",
        "A canonical object is taken through a re-export shim.",
        "A shim is one more name for the same object: tests patch one path while code reads "
        "another, and a shim can silently start pointing somewhere else.",
        "Import the object from the canonical module (the suggestion gives the line).",
    ),
    Rule(
        "SSOT004",
        "secondary-name",
        "A secondary alias of a canonical object is imported instead of its preferred name.",
        "Two names for one object make searches, patches and reviews miss half of the uses.",
        "Import the preferred name; keep the local name with `as` until the uses are renamed.",
    ),
    Rule(
        "SSOT005",
        "renamed-import",
        "A canonical object is bound under a different local name.",
        "A local rename hides the object from anyone searching for its canonical name.",
        "Import the preferred name without `as` and rename the uses in the file.",
    ),
    Rule(
        "SSOT006",
        "name-rebound",
        "A canonical export name is bound to an object that is not the canonical one.",
        "Readers (and patches) assume a name like the canonical one means the canonical object.",
        "Import the canonical object, or give the other object its own name.",
    ),
    Rule(
        "SSOT007",
        "string-reference",
        "A string names a path inside an implementation module.",
        "`mock.patch` and `importlib` strings that name the implementation do not affect code "
        "that looks the name up through the canonical module, so tests pass while code is "
        "unpatched.",
        "Use the canonical dotted path (the suggestion gives the string), or patch the "
        "consumer's own binding.",
    ),
    Rule(
        "SSOT010",
        "shadow-root",
        "A project module is imported under a shorter second name.",
        "Python loads the file twice under two names: two class objects, two singletons, "
        "`isinstance` failing across them.",
        "Import the module by its full name from the project root.",
    ),
    Rule(
        "IL001",
        "forbidden-import",
        "An import that a `forbidden` contract bans.",
        "The contract's author declared that these modules must not depend on each other.",
        "Remove the import or route it through a permitted module.",
    ),
    Rule(
        "IL002",
        "layers-violation",
        "A lower layer imports a higher layer.",
        "Layering keeps the lower layers reusable and free of cycles.",
        "Invert the dependency or move the code to the right layer.",
    ),
    Rule(
        "IL003",
        "independence-violation",
        "Two modules declared independent depend on each other.",
        "Independent modules must be changeable and removable on their own.",
        "Move the shared code to a module both may import.",
    ),
    Rule(
        "IL004",
        "protected-import",
        "A protected module is imported by a module that is not allowed to.",
        "Only the listed importers may depend on a protected module.",
        "Import through one of the allowed importers, or add the importer to the contract.",
    ),
    Rule(
        "IL005",
        "acyclic-siblings-violation",
        "Sibling modules import each other in a cycle.",
        "Cycles between siblings make the package impossible to split or reason about.",
        "Break the cycle at the import the message names.",
    ),
    Rule(
        "IL006",
        "private-module-import",
        "A private module is imported from outside its package.",
        "Private modules are implementation details of their package.",
        "Import the public API of the package instead.",
    ),
    Rule(
        "IL099",
        "contract-broken",
        "A contract of an unknown type reported itself broken.",
        "The contract type did not expose structured data, so only its verdict is known.",
        "Run `lint-imports` for that contract to see its own report.",
    ),
    Rule(
        "D001",
        "syntax-error",
        "A file under a root package does not parse, so it was not checked.",
        "A file that cannot be parsed hides every import it contains.",
        "Fix the syntax error (or run under the Python version the file targets).",
        is_diagnostic=True,
    ),
    Rule(
        "D002",
        "undecodable-file",
        "A file under a root package cannot be read as text in its declared encoding.",
        "An unreadable file hides every import it contains.",
        "Save the file in UTF-8 or declare its encoding in a coding comment.",
        is_diagnostic=True,
    ),
    Rule(
        "D003",
        "unchecked-file",
        "A Python file under a root package is outside the import graph.",
        "A folder without `__init__.py` on the way hides its files from import graphs, so "
        "graph-based contracts never check them.",
        "Add the missing `__init__.py`, or enable `check_unreachable_files` on the contract.",
        is_diagnostic=True,
    ),
    Rule(
        "D005",
        "unreadable-file",
        "A file under a root package cannot be read at all.",
        "An unreadable file hides every import it contains.",
        "Make the file readable by the user running the check.",
        is_diagnostic=True,
    ),
    Rule(
        "D004",
        "unmatched-ignore",
        "An `ignore_imports` entry matches no import.",
        "A stale ignore can silently hide a future violation.",
        "Remove the entry or correct it.",
        is_diagnostic=True,
    ),
)

RULES_BY_KIND: dict[str, Rule] = {rule.kind: rule for rule in _RULES}
ALL_RULES: tuple[Rule, ...] = _RULES


def rule_for(kind: str) -> Rule:
    """Return the rule of a finding kind; unknown kinds are a programming error."""
    return RULES_BY_KIND[kind]
