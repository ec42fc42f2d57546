"""The ``ssot-imports`` command line: check, baseline, fix.

Exit codes: 0 every contract kept, 1 a contract broken (or coverage too low), 2 a usage or
configuration error, reported as one line on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, api
from .application.pipeline.baseline import (
    CONFIG_OPTION,
    DEFAULT_BASELINE,
    apply_baseline,
    updated_entries,
)
from .application.pipeline.checking import CheckRequest
from .domain import rules
from .domain.errors import UsageError
from .domain.report import CheckReport
from .domain.selection import PathScope, ReportScope, rule_selection
from .output.text import printable

EXIT_OK, EXIT_BROKEN, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # (128 + SIGINT, as a shell reports it)
FORMATS = ("text", "json", "github", "sarif")


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, the terminal's width read without ``shutil`` (argparse imports
    it for that on every start, and it imports three compression modules: ~2 ms a run)."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """``COLUMNS``, else the terminal's width, else 80 (as ``shutil.get_terminal_size``)."""
    with contextlib.suppress(KeyError, ValueError):
        columns = int(os.environ["COLUMNS"])
        if columns > 0:
            return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80
    return columns or 80


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors as one line (the usage block is in ``--help``)."""

    def __init__(self, *args: Any, formatter_class: type = _Formatter, **kwargs: Any) -> None:
        super().__init__(*args, formatter_class=formatter_class, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ssot-imports",
        description="Give every shared object exactly one import path, and keep it that way.",
    )
    parser.add_argument("--version", action="version", version=f"ssot-imports {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="run every contract of the config")
    _common_options(check)
    check.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="report only findings in these files or folders (the whole tree is still "
        "analysed); pre-commit passes the staged files",
    )
    _selection_options(check)
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument("--output", metavar="FILE", help="write the report here, not stdout")
    check.add_argument(
        "--sarif",
        metavar="FILE",
        help="also write a SARIF 2.1.0 report to FILE (for code scanning uploads)",
    )
    check.add_argument(
        "--min-coverage",
        type=_percent,
        metavar="PCT",
        help="fail when a contract checked less than PCT%% of the files under its roots",
    )
    baseline_choice = check.add_mutually_exclusive_group()
    baseline_choice.add_argument(
        "--baseline",
        metavar="FILE",
        help="accept the violations listed in FILE; only new ones fail (default: the "
        f"config's '{CONFIG_OPTION}' option, else {DEFAULT_BASELINE} beside the config, "
        "when it exists)",
    )
    baseline_choice.add_argument(
        "--no-baseline", action="store_true", help="ignore any baseline: report every violation"
    )
    baseline_choice.add_argument(
        "--since",
        metavar="REF",
        help="report only violations that are new since the merge base with the git REF "
        "(origin/main); replaces the baseline",
    )
    check.add_argument(
        "--strict-baseline",
        action="store_true",
        help="also fail while the baseline lists violations that are fixed",
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when violations are found (2 still means a usage error)",
    )
    check.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print the findings only: no header, coverage, summary or progress",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report (auto: on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR forces it)",
    )
    check.set_defaults(handler=_check)

    baseline = commands.add_parser(
        "baseline", help="write the current violations to a baseline file"
    )
    _common_options(baseline)
    baseline.add_argument(
        "--output",
        metavar="FILE",
        help=f"baseline file (default: the config's '{CONFIG_OPTION}' option, "
        f"else {DEFAULT_BASELINE} beside the config)",
    )
    baseline.add_argument(
        "--update",
        action="store_true",
        help="drop entries that no longer occur; never add new ones",
    )
    baseline.add_argument(
        "--add-new", action="store_true", help="with --update: also accept new violations"
    )
    baseline.set_defaults(handler=_baseline)

    fix = commands.add_parser(
        "fix", help="rewrite fixable violations to the canonical import or string"
    )
    _common_options(fix)
    _selection_options(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    fix.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also apply the fixes that can change behaviour (shadow-root rewrites, renames "
        "listed in __all__, import_module strings)",
    )
    fix.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="processes that rewrite files (default: one per CPU when 32 files or more change)",
    )
    fix.add_argument("paths", nargs="*", metavar="PATHS", help="only fix under these paths")
    fix.set_defaults(handler=_fix)

    rule = commands.add_parser("rule", help="explain a rule (finding code) from the catalogue")
    shown = rule.add_mutually_exclusive_group(required=True)
    shown.add_argument(
        "code", nargs="?", metavar="CODE", help="a rule code or name: SSOT001, shim-import"
    )
    shown.add_argument("--all", action="store_true", help="list every rule: code, name, summary")
    shown.add_argument(
        "--markdown", action="store_true", help="print docs/rules.md (every rule, in full)"
    )
    rule.set_defaults(handler=_rule)
    return parser


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return value


def _rule(arguments: argparse.Namespace) -> int:
    if arguments.markdown:
        sys.stdout.write(rules.rules_markdown())
    elif arguments.all:
        for known in rules.ALL_RULES:
            print(f"{known.code:8} {known.name:28} {known.summary}")
    else:
        named = rules.RULES_BY_NAME.get(arguments.code)
        code = named.code if named else arguments.code.upper()
        if code not in rules.RULES_BY_CODE:
            import difflib  # (here: only a mistyped code needs it)

            close = difflib.get_close_matches(code, list(rules.RULES_BY_CODE), n=1)
            hint = f" (did you mean {close[0]}?)" if close else " (see `ssot-imports rule --all`)"
            raise UsageError(f"rule {arguments.code!r}: no such rule code{hint}")
        sys.stdout.write(rules.rule_markdown(rules.RULES_BY_CODE[code]))
    return EXIT_OK


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="import-linter config file (default: setup.cfg, .importlinter or pyproject.toml "
        "in --path, then in the working directory)",
    )
    parser.add_argument(
        "--path",
        metavar="DIR",
        default=".",
        help="project root: put on sys.path; reported paths are relative to it (default: .)",
    )
    parser.add_argument(
        "--contract",
        action="append",
        default=[],
        metavar="ID",
        help="check only this contract id (repeatable)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write .import_linter_cache/ (the graph's and ssot-imports' own)",
    )
    parser.add_argument("--verbose", action="store_true", help="print timings per phase")


def _selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these rule codes or code prefixes, comma-separated (SSOT001,SSOT00); "
        "rule names work too",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="leave out these rule codes or prefixes; the more specific of --select and "
        "--ignore wins",
    )


def _codes(values: list[str], option: str) -> list[str]:
    codes = [code for value in values for code in value.split(",") if code.strip()]
    if any(not value.strip(", ") for value in values):
        raise UsageError(f"{option} '': give rule codes or prefixes (SSOT001, SSOT, ALL)")
    return codes


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 0 and 100: {text!r}")
    return value


class _ToleratedStdout:
    """Standard output that outlives its reader. Once the pipe is closed
    (``ssot-imports fix --diff | head -1``) the rest of the output is dropped, and the command
    still ends with its own exit code; a full disk is a one-line error."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._drop()
            except OSError as error:
                raise UsageError(f"cannot write to standard output ({error.strerror})") from None
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()
            except OSError as error:
                raise UsageError(f"cannot write to standard output ({error.strerror})") from None

    def _drop(self) -> None:
        self._gone = True
        # Python flushes stdout again at exit: let that go nowhere, without a complaint.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if sys.stdout is None:  # started with its standard output closed (`>&-`)
        if not getattr(arguments, "output", None):
            print(
                "ssot-imports: error: standard output is closed; pass --output FILE",
                file=sys.stderr,
            )
            return EXIT_USAGE
        sys.stdout = open(os.devnull, "w")  # (the report goes to --output)  # noqa: SIM115
    original = sys.stdout
    sys.stdout = _ToleratedStdout(original)  # type: ignore[assignment]
    try:
        code = arguments.handler(arguments)
        sys.stdout.flush()
        return code
    except UsageError as error:
        _clear_progress()
        print(f"ssot-imports: error: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`ssot-imports fix --diff | head -1`): stop quietly, and keep
        # Python from complaining when it flushes stdout at exit.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return _interrupted()
    except BaseException as error:
        # A bug, not bad input (or a panic in a compiled library, which Python raises as a
        # BaseException): one line, never a traceback.
        if isinstance(error, SystemExit | GeneratorExit) or os.environ.get("SSOT_IMPORTS_DEBUG"):
            raise
        if _caused_by_an_interrupt(error):
            return _interrupted()
        _clear_progress()
        print(
            f"ssot-imports: internal error: {type(error).__name__}: "
            f"{printable(str(error).splitlines()[0] if str(error) else '')} "
            "(set SSOT_IMPORTS_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    finally:
        sys.stdout = original


def _interrupted() -> int:
    """Say that the run was interrupted (Ctrl-C), in one line; its exit code."""
    _clear_progress()
    print("ssot-imports: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def _caused_by_an_interrupt(error: BaseException) -> bool:
    """Whether ``error`` wraps a Ctrl-C: Python reports one that comes while a class is
    being made (a module loaded on first use) as a ``RuntimeError`` caused by it."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def run(on_start: Callable[[], None] = lambda: None) -> NoReturn:
    """The ``ssot-imports`` command: ``main``, then an exit that skips the interpreter's
    teardown (freeing every module and object of the run: 10 to 15 ms of a check of 1,000
    small files, for nothing). A run that started worker processes or threads (``fix``'s
    pool and fork server) exits the usual way, so that they are shut down and their
    temporary files removed.

    The cyclic garbage collector stays off from start to end: the use cases pause it for
    their run anyway (``api``), and turned back on before the report is written it would
    first scan every object the run kept (35 ms with 30 façade contracts), for a process
    about to exit."""
    gc.disable()
    try:
        on_start()  # (from here on, ``main`` turns an interrupt into one line and 130)
        code = main()
    except KeyboardInterrupt:  # (before ``main`` catches it: while it imports what it needs)
        code = _interrupted()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, AttributeError):  # (a reader that went away)
            stream.flush()
    threading = sys.modules.get("threading")
    if code != EXIT_INTERRUPTED and (
        "multiprocessing" in sys.modules or (threading and threading.active_count() > 1)
    ):
        sys.exit(code)
    # (Interrupted, a thread may be inside grimp's scanner: the interpreter's teardown would
    # stop it there and abort. A copy of this process was stopped already; ``fix``'s
    # workers and fork server end when this process does.)
    os._exit(code)


def _clear_progress() -> None:
    """Remove a progress line from the terminal before anything else is printed."""
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def _progress(verbose: bool) -> Callable[[str], None]:
    """Progress lines on stderr, only for a person watching a terminal (or with --verbose)."""
    started = time.perf_counter()
    interactive = sys.stderr.isatty()

    def report(message: str) -> None:
        elapsed = time.perf_counter() - started
        if verbose:
            print(f"[{elapsed:7.2f}s] {message}", file=sys.stderr)
        elif interactive:
            print(f"\r\033[K{message}…", end="", file=sys.stderr, flush=True)

    return report


def _request(arguments: argparse.Namespace) -> CheckRequest:
    select = _codes(getattr(arguments, "select", []), "--select")
    ignore = _codes(getattr(arguments, "ignore", []), "--ignore")
    files = getattr(arguments, "files", [])
    scope = None
    if select or ignore or files:
        scope = ReportScope(
            rule_selection(select, ignore),
            _path_scope(files, Path(arguments.path)) if files else None,
        )
    quiet = getattr(arguments, "quiet", False)
    return CheckRequest(
        config=arguments.config,
        project_root=Path(arguments.path),
        contract_ids=tuple(arguments.contract),
        use_cache=not arguments.no_cache,
        progress=_progress(arguments.verbose) if not quiet else lambda message: None,
        scope=scope,
    )


def _path_scope(given: list[str], project: Path) -> PathScope:
    """Files and folders as typed, relative to the project root as reports spell paths."""
    root = project.resolve()
    files: set[str] = set()
    folders: list[str] = []
    for text in given:
        path = Path(text).resolve()
        if not path.exists():
            raise UsageError(f"{text}: no such file or directory")
        try:
            relative = path.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{text}: outside the project root {root}") from None
        if path.is_dir():
            folders.append("" if relative == "." else relative)
        else:
            files.add(relative)
    return PathScope(frozenset(files), tuple(folders))


def _check(arguments: argparse.Namespace) -> int:
    request = _request(arguments)
    if arguments.since is not None and not arguments.since.strip():
        raise UsageError("--since '': give a git reference (origin/main, a tag, a commit)")
    if arguments.since:
        report = api.check_since(request, arguments.since)
    else:
        report = api.check(request)
        report.changed = frozenset(_pull_request_changes(report))
    _clear_progress()
    baseline_path = (
        None
        if arguments.no_baseline or arguments.since
        else _baseline_path(arguments.baseline, report, False)
    )
    if arguments.strict_baseline and baseline_path is None:
        raise UsageError(
            "--strict-baseline: no baseline to be strict about (none given with --baseline, "
            f"none configured with '{CONFIG_OPTION}', no {DEFAULT_BASELINE} beside "
            f"{report.config_path})"
        )
    if baseline_path is not None:
        apply_baseline(report, api.load_baseline(baseline_path))
    exit_code = EXIT_BROKEN if report.broken else EXIT_OK
    exit_code = max(exit_code, _coverage_gate(report, arguments.min_coverage))
    exit_code = max(exit_code, _report_unchecked(report))
    if arguments.strict_baseline and report.fixed:
        print(
            f"ssot-imports: {len(report.fixed)} baselined violation(s) no longer occur and "
            "--strict-baseline is set: run `ssot-imports baseline --update`",
            file=sys.stderr,
        )
        exit_code = EXIT_BROKEN
    if arguments.exit_zero:
        exit_code = EXIT_OK
    rendering_started = time.perf_counter()
    text = _render(report, arguments, exit_code)
    report.timings["rendering"] = time.perf_counter() - rendering_started
    _write(text, arguments.output)
    if arguments.sarif:
        from .output.sarif import render_sarif

        _write(render_sarif(report), arguments.sarif)
    if arguments.format == "github":
        _append_step_summary(report, sarif=bool(getattr(arguments, "sarif", None)))
    if arguments.verbose:
        for phase, seconds in report.timings.items():
            print(f"timing: {phase}: {seconds * 1000:.1f} ms", file=sys.stderr)
    return exit_code


def _pull_request_changes(report: CheckReport) -> set[str]:
    """On a pull request (``GITHUB_BASE_REF``), the files it changes, to annotate first; only
    an ordering, so any trouble with git leaves the order as it is."""
    base_branch = os.environ.get("GITHUB_BASE_REF")
    if not base_branch:
        return set()
    from .adapters.git import GitRevisions

    try:
        revisions = GitRevisions(report.project_root)
        return revisions.changed_paths(revisions.merge_base(f"origin/{base_branch}"))
    except UsageError:
        return set()


def _baseline_path(explicit: str | None, report: CheckReport, for_writing: bool) -> Path | None:
    """The baseline file: the flag, else the config option (relative to the config file),
    else the default name beside the config file (read only when it exists)."""
    if explicit:
        return Path(explicit)
    configured = report.session_options.get(CONFIG_OPTION)
    if configured:
        return report.config_path.parent / str(configured)
    default = report.config_path.parent / DEFAULT_BASELINE
    if default.is_dir():
        raise UsageError(f"baseline {default}: a directory, not a baseline file")
    return default if for_writing or default.is_file() else None


def _baseline(arguments: argparse.Namespace) -> int:
    if arguments.add_new and not arguments.update:
        raise UsageError("--add-new only makes sense with --update")
    report = api.check(_request(arguments))
    _clear_progress()
    path = _baseline_path(arguments.output, report, for_writing=True)
    assert path is not None
    existing = api.load_baseline(path) if arguments.update else None
    entries, change = updated_entries(report, existing, arguments.add_new)
    api.write_baseline(path, entries)
    unchecked = _report_unchecked(report)
    if existing is None:
        print(f"wrote {len(entries)} baseline entries to {path}")
        return unchecked
    print(
        f"updated {path}: {change.kept} kept, {change.removed} removed as fixed, "
        f"{change.added} added"
    )
    left_out = sum(1 for v in report.violations if v.baseline_state == "new")
    if left_out and not arguments.add_new:
        print(
            f"ssot-imports: {left_out} new violation(s) were not added (use --add-new to "
            "accept them)",
            file=sys.stderr,
        )
    return unchecked


def _fix(arguments: argparse.Namespace) -> int:
    report = api.fix(
        _request(arguments),
        arguments.paths,
        arguments.diff,
        unsafe=arguments.unsafe_fixes,
        jobs=arguments.jobs,
    )
    _clear_progress()
    for outcome in report.files:
        if arguments.diff and outcome.diff:
            sys.stdout.write(outcome.diff)
    sys.stdout.flush()  # (the diff before the summary on standard error, on one terminal)
    verb = "would fix" if arguments.diff else "fixed"
    changed = report.changed_files
    print(
        f"{verb} {report.fixed} violation{'s' if report.fixed != 1 else ''} in "
        f"{len(changed)} file{'s' if len(changed) != 1 else ''}",
        file=sys.stderr if arguments.diff else sys.stdout,
    )
    stream = sys.stderr if arguments.diff else sys.stdout
    for diagnostic in report.unreadable:
        where = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
        # (Not blocking: a file outside the graph whose imports were read one by one.)
        label = "not checked, left untouched" if diagnostic.blocking else "left untouched"
        print(printable(f"  {label}: {where}: {diagnostic.message}"), file=stream)
    for outcome in report.files:
        if outcome.skipped:
            print(printable(f"  skipped {outcome.path}: {outcome.skipped}"), file=stream)
        elif (outcome.fixed or outcome.exported) and not arguments.diff:
            exported = f"now exports {', '.join(outcome.exported)}" if outcome.exported else ""
            done = f"{outcome.fixed} fixed" if outcome.fixed else ""
            print(
                printable(f"  {outcome.path}: {'; '.join(filter(None, (done, exported)))}"),
                file=stream,
            )
    if report.left:
        print(f"{len(report.left)} violation(s) left:", file=stream)
        for violation, reason in report.left:
            print(
                printable(
                    f"  {violation.path}:{violation.line}: {violation.code} {violation.kind}: "
                    f"{reason}"
                ),
                file=stream,
            )
    if arguments.verbose:
        for phase, seconds in report.timings.items():
            print(f"timing: {phase}: {seconds * 1000:.1f} ms", file=sys.stderr)
        print(f"timing: processes rewriting files: {report.processes}", file=sys.stderr)
    blocked = [d for d in report.unreadable if d.blocking]
    return EXIT_BROKEN if report.left or blocked or (arguments.diff and report.fixed) else EXIT_OK


def _report_unchecked(report: CheckReport) -> int:
    """Say so, and fail, when files that may hold a finding could not be checked."""
    if not report.blocking:
        return EXIT_OK
    first = report.blocking[0]
    print(
        f"ssot-imports: {len(report.blocking)} file(s) could not be checked and may hide "
        f"violations; the first: {printable(first.path)}: {printable(first.message)}",
        file=sys.stderr,
    )
    return EXIT_BROKEN


def _coverage_gate(report: CheckReport, minimum: float | None) -> int:
    if minimum is None:
        return EXIT_OK
    failing = [c for c in report.contracts if c.coverage.percent < minimum]
    for contract in failing:
        print(
            f"ssot-imports: contract '{contract.id}' checked {contract.coverage.percent:.1f}% "
            f"of its files, below --min-coverage {minimum:g}",
            file=sys.stderr,
        )
    return EXIT_BROKEN if failing else EXIT_OK


def _render(report: CheckReport, arguments: argparse.Namespace, exit_code: int) -> str:
    # Each renderer is imported when used: a run loads only the one it needs.
    output_format = arguments.format
    if output_format == "json":
        from .output.json_report import render_json

        return render_json(report, exit_code)
    if output_format == "github":
        from .output.github import render_github

        elsewhere = [
            *(["the job summary"] if _summary_folder_exists() else []),
            *(["the SARIF report"] if getattr(arguments, "sarif", None) else []),
        ]
        return render_github(report, report.changed, arguments.quiet, elsewhere)
    if output_format == "sarif":
        from .output.sarif import render_sarif

        return render_sarif(report)
    from .output.colour import painter, use_colour
    from .output.text import render_text

    colour = use_colour(arguments.color, None if arguments.output else sys.stdout)
    return render_text(report, quiet=arguments.quiet, paint=painter(colour))


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{output}: cannot write the report ({error.strerror})") from None


def _summary_folder_exists() -> bool:
    """``$GITHUB_STEP_SUMMARY`` is set, in a folder that exists (where it can be written)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    return bool(target) and Path(target).parent.is_dir()


def _append_step_summary(report: CheckReport, sarif: bool) -> None:
    """Append the Markdown summary to ``$GITHUB_STEP_SUMMARY`` when it is set."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from .output.github import markdown_summary

    try:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(markdown_summary(report, report.changed, sarif))
    except OSError as error:
        raise UsageError(
            f"GITHUB_STEP_SUMMARY={target}: cannot append the summary ({error.strerror})"
        ) from None
