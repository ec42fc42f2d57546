"""Which findings a run reports: rule codes chosen with ``--select``/``--ignore``, and files.

The analysis always covers the whole tree (shims and exports are read everywhere); the
selection only narrows what is reported afterwards, and what a baseline or a reference run is
compared against, so that an entry outside the selection is neither "fixed" nor "new".
"""

from __future__ import annotations

from collections.abc import Iterable

from msgspec import Struct

from .errors import UsageError
from .report import CheckReport
from .rules import ALL_RULES, RULES_BY_NAME


class RuleSelection(Struct, frozen=True):
    """Rule codes, or code prefixes, to report and to leave out, the way ruff reads them: the
    most specific matching selector decides, and ``ignore`` wins a tie."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def includes(self, code: str) -> bool:
        chosen = _longest(self.select, code) if self.select else 0
        if chosen is None:
            return False
        dropped = _longest(self.ignore, code)
        return dropped is None or dropped < chosen

    def includes_diagnostic(self, code: str) -> bool:
        """Whether a diagnostic of the tool (a ``D`` code: a file or cache it could not use) is
        reported. A ``--select`` that names finding rules only does not hide them (a damaged
        cache is worth knowing whatever findings one asked for); ``--ignore D006``, or a
        ``--select`` naming ``D`` codes, narrows them like any code."""
        if any(selector[:1] == code[:1] for selector in self.select if selector):
            return self.includes(code)
        return _longest(self.ignore, code) is None


def _longest(prefixes: tuple[str, ...], code: str) -> int | None:
    lengths = [len(prefix) for prefix in prefixes if code.startswith(prefix)]
    return max(lengths) if lengths else None


def rule_selection(
    select: Iterable[str], ignore: Iterable[str], option: str = "--select"
) -> RuleSelection:
    """Selectors as typed (``ssot00``, ``SSOT001``, ``shim-import``, ``ALL``), validated."""
    return RuleSelection(
        tuple(_selector(text, option) for text in select),
        tuple(_selector(text, "--ignore") for text in ignore),
    )


def _selector(text: str, option: str) -> str:
    named = RULES_BY_NAME.get(text.strip())
    if named is not None:
        return named.code
    prefix = text.strip().upper()
    if prefix == "ALL":
        return ""
    codes = [rule.code for rule in ALL_RULES]
    if prefix and any(code.startswith(prefix) for code in codes):
        return prefix
    import difflib  # (here: imported only when a selector is wrong)

    close = difflib.get_close_matches(prefix, codes, n=1)
    hint = f"did you mean {close[0]}?" if close else "see `ssot-imports rule --all`"
    raise UsageError(f"{option} {text!r}: no rule code starts with it ({hint})")


class PathScope(Struct, frozen=True):
    """Project-relative files and folders whose findings are reported."""

    files: frozenset[str]
    folders: tuple[str, ...] = ()

    def includes(self, path: str) -> bool:
        return path in self.files or any(
            not folder or path.startswith(folder + "/") for folder in self.folders
        )


class ReportScope(Struct, frozen=True):
    """Which findings a run reports: by rule code and by path."""

    rules: RuleSelection = RuleSelection()
    paths: PathScope | None = None

    def includes(self, code: str, path: str) -> bool:
        return self.rules.includes(code) and (self.paths is None or self.paths.includes(path))

    def includes_entry(self, entry: dict) -> bool:
        """A baseline entry, which names its rule by kind."""
        rule = RULES_BY_NAME.get(str(entry.get("kind")))
        code = rule.code if rule is not None else ""
        return self.includes(code, str(entry.get("path")))


def narrow_report(report: CheckReport, scope: ReportScope) -> None:
    """Keep the findings in ``scope``. A contract broken only by findings left out counts as
    kept. A file that could not be checked stays reported whatever the rule selection says:
    leaving it out would turn "not checked" into "passed"."""
    for contract in report.contracts:
        had_violations = bool(contract.violations)
        contract.violations = [v for v in contract.violations if scope.includes(v.code, v.path)]
        if had_violations and not contract.violations:
            contract.kept = True
    # The result that only holds wrong suppressions exists when it has something to say.
    report.contracts = [c for c in report.contracts if c.type != "suppressions" or c.violations]
    report.suppressed = [
        (violation, suppression)
        for violation, suppression in report.suppressed
        if scope.includes(violation.code, violation.path)
    ]
    report.diagnostics = [
        d
        for d in report.diagnostics
        if (scope.paths is None or scope.paths.includes(d.path))
        and (d.blocking or scope.rules.includes_diagnostic(d.code))
    ]
    report.scope = scope
