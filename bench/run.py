"""Benchmark ssot-imports against lint-imports and ruff on synthetic monorepos.

    python bench/run.py                                      # both profiles, default sizes, 5 runs
    python bench/run.py --profile sparse                     # N = 1,000, 10,000 and 50,000
    python bench/run.py --profile dense                      # N = 1,000, 8,353 and 50,000
    python bench/run.py --profile sparse --sizes 200 --runs 5  # the smoke run the test suite uses

Two tree profiles (``bench/generate.py``): *sparse*, small modules in one root package ``mono``
(the original benchmark), and *dense*, five root packages shaped like the real codebase
(19.8 KB per file). A dense tree is checked with its largest root (``backend``) as the only
root package and, from ``--five-roots-from`` files on (default 5,000), also with all five roots;
lint-imports' ``protected`` contract runs on the same roots and ruff on the same folders.

For each tree and configuration, in the same run and alternating the tools, after one warm-up
run of each:

* cold: no cache (``--no-cache`` for all three tools);
* warm: the tool's cache present and one file touched (its content changed);
* wall time (median of the runs) and peak RSS of each process (``os.wait4``);
* what each tool found, against what the generator planted for those roots;
* ``ssot-imports fix --no-cache``, once, on a fresh copy of the tree (it rewrites files; on
  the tree itself for its last configuration): wall time, peak RSS, and its ratio to the cold
  check;
* growth: cold runs alone of ours and lint-imports on a dense tree of 10,000 files, one root
  (``--growth-size``), the other end of the 50,000 / 10,000 growth;
* one very large test module (``bench/big_file.py``, 5 MB by default, ``--big-file-mb``):
  ``check`` and ``fix`` once each, their time and peak RSS, and what the fix left;
* many façades (``bench/many_facades.py``, with the dense profile): 1, 10 and 30
  ``canonical_import`` contracts in one config (``--facades``), beside lint-imports with the
  same pairs as ``protected`` contracts, planted in the dense tree of 8,353 files once it is
  benchmarked.

Trees of 20,000 files or more get ``--large-runs`` runs per tool (default 1), the many-façades
scenario ``--facades-runs`` (default 5): the whole benchmark then fits in ten minutes on two
CPUs.

Results go to ``bench/out/results.json`` and Markdown tables are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import big_file
import dense
import many_facades
from generate import CANONICAL, IMPLEMENTATION, ROOT, generate

BIN = Path(sys.executable).parent
TOOLS = ("ssot-imports", "lint-imports", "ruff")
PROFILES = ("sparse", "dense")
DEFAULT_SIZES = {"sparse": [1_000, 10_000, 50_000], "dense": [1_000, 8_353, 50_000]}
CACHES = (".import_linter_cache", ".ruff_cache")


@dataclass(frozen=True)
class Setup:
    """One configuration of the three tools on a tree: which roots, which module pair."""

    name: str  # "mono", "one-root" or "five-root"
    roots: tuple[str, ...]
    canonical: str
    implementation: str
    touch: str  # the module the warm runs change


SPARSE = Setup("mono", (ROOT,), CANONICAL, IMPLEMENTATION, f"{ROOT}/pkg000/sub00/mod00.py")
DENSE_ONE = Setup(
    "one-root", (dense.LARGEST_ROOT,), dense.CANONICAL, dense.IMPLEMENTATION, dense.TOUCH_FILE
)
DENSE_FIVE = Setup(
    "five-root", dense.ROOTS, dense.CANONICAL, dense.IMPLEMENTATION, dense.TOUCH_FILE
)


def setups(profile: str, size: int, five_roots_from: int) -> list[Setup]:
    if profile == "sparse":
        return [SPARSE]
    return [DENSE_ONE, DENSE_FIVE] if size >= five_roots_from else [DENSE_ONE]


def _roots(setup: Setup) -> str:
    return "".join(f"    {root}\n" for root in setup.roots)


def ssot_config(setup: Setup) -> str:
    return f"""\
[importlinter]
root_packages =
{_roots(setup)}contract_types =
    canonical_import: ssot_imports.canonical_import.CanonicalImportContract
    single_module_identity: ssot_imports.single_module_identity.SingleModuleIdentityContract

[importlinter:contract:ssot]
name = SSOT
type = canonical_import
canonical_module = {setup.canonical}
implementation_modules =
    {setup.implementation}

[importlinter:contract:identity]
name = One name per module
type = single_module_identity
"""


def protected_config(setup: Setup) -> str:
    return f"""\
[importlinter]
root_packages =
{_roots(setup)}
[importlinter:contract:protected]
name = Protected
type = protected
protected_modules =
    {setup.implementation}
allowed_importers =
    {setup.canonical}
"""


def ruff_config(setup: Setup) -> str:
    return f"""\
[lint]
select = ["TID251"]
[lint.flake8-tidy-imports.banned-api]
"{setup.implementation}".msg = "import it from {setup.canonical}"
[lint.per-file-ignores]
"{setup.canonical.replace(".", "/")}.py" = ["TID251"]
"""


# The sparse profile's configs, as before (the scoped-graph tests write the same).
SSOT_CONFIG, PROTECTED_CONFIG, RUFF_CONFIG = (f(SPARSE) for f in (ssot_config, protected_config,
                                                                   ruff_config))  # fmt: skip


def commands(setup: Setup, cold: bool) -> dict[str, list[str]]:
    no_cache = ["--no-cache"] if cold else []
    folders = ["."] if setup is SPARSE else list(setup.roots)
    return {
        "ssot-imports": [
            str(BIN / "ssot-imports"), "check", "--config", f"ssot-{setup.name}.ini",
            "--format", "json", "--output", "ssot.json", *no_cache,
        ],
        "lint-imports": [
            str(BIN / "lint-imports"), "--no-logo", *no_cache,
            "--config", f"protected-{setup.name}.ini",
        ],
        "ruff": [
            str(BIN / "ruff"), "check", "--config", f"ruff-{setup.name}.toml",
            "--output-format", "json", "--exit-zero", *no_cache, *folders,
        ],
    }  # fmt: skip


def fix_command(setup: Setup) -> list[str]:
    return [str(BIN / "ssot-imports"), "fix", "--config", f"ssot-{setup.name}.ini", "--no-cache"]


# The tools run as they would on a developer's machine: Python writes bytecode. (Some sandboxes
# set PYTHONDONTWRITEBYTECODE; pip compiles installed packages anyway, but an editable install
# would then compile its modules again at every start.) The warm-up run writes it.
TOOL_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# GNU time forks (never vforks) the tool, so the peak it reports is the tool's own. The
# ``ru_maxrss`` that ``os.wait4`` gives for a child of this process would include this
# process's memory: Python starts children with vfork, and Linux carries the parent's peak
# into the child's at exec. It is the fallback where GNU time is missing.
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


def measure(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time (s), peak RSS (KiB) and stdout of one run of ``command``."""
    peak_file = cwd / ".peak"
    if GNU_TIME is not None:
        command = [GNU_TIME, "-f", "%M", "-o", str(peak_file), *command]
    started = time.perf_counter()
    with open(cwd / ".stdout", "w") as out:
        process = subprocess.Popen(
            command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=TOOL_ENV
        )
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{command[0]} failed with exit code {process.returncode} in {cwd}")
    peak = usage.ru_maxrss
    if GNU_TIME is not None:
        # GNU time passes the tool's exit code on, and notes it first when it is not 0.
        peak = int(peak_file.read_text().split()[-1])
    return elapsed, peak, (cwd / ".stdout").read_text()


# lint-imports lists each illegal import as "- a -> b (l.3, 9)"; long lines wrap, so the line
# numbers are counted wherever they are, not per line of output.
LINE_NUMBERS = re.compile(r"\(l\.([\d,\s]+)\)")


def found(tool: str, tree: Path, stdout: str) -> dict[str, int]:
    """What a tool reported, by kind (ours) or as a count of banned imports (the others)."""
    if tool == "ssot-imports":
        counts: dict[str, int] = {}
        for violation in json.loads((tree / "ssot.json").read_text())["violations"]:
            counts[violation["kind"]] = counts.get(violation["kind"], 0) + 1
        return counts
    if tool == "ruff":
        return {"implementation-import": len(json.loads(stdout or "[]"))}
    total = sum(len(group.split(",")) for group in LINE_NUMBERS.findall(stdout))
    return {"implementation-import": total}


def touch(tree: Path, setup: Setup, run: int) -> None:
    """Change one module, as a developer would between two commits."""
    with (tree / setup.touch).open("a") as stream:
        stream.write(f"# touched {run}\n")


def clear_caches(tree: Path) -> None:
    for name in CACHES:
        shutil.rmtree(tree / name, ignore_errors=True)


def time_fix(tree: Path, setup: Setup, workdir: Path, in_place: bool = False) -> dict:
    """``ssot-imports fix`` once, cold, on a copy of the tree (it rewrites files), or on the
    tree itself when nothing is measured on it afterwards (``in_place``)."""
    if in_place:
        seconds, rss, stdout = measure(fix_command(setup), tree)
    else:
        copy = workdir / f"{tree.name}-fix"
        shutil.rmtree(copy, ignore_errors=True)
        ignored = shutil.ignore_patterns(*CACHES, "ssot.json", ".stdout")
        shutil.copytree(tree, copy, ignore=ignored)
        try:
            seconds, rss, stdout = measure(fix_command(setup), copy)
        finally:
            shutil.rmtree(copy, ignore_errors=True)
    fixed = re.search(r"fixed (\d+) violations? in (\d+) files?", stdout)
    left = re.search(r"(\d+) violation\(s\) left", stdout)
    return {
        "s": seconds,
        "peak_rss_mib": rss / 1024,
        "fixed": int(fixed.group(1)) if fixed else 0,
        "files_changed": int(fixed.group(2)) if fixed else 0,
        "left": int(left.group(1)) if left else 0,
    }


def bench_setup(tree: Path, setup: Setup, runs: int, workdir: Path, last: bool = False) -> dict:
    """Every tool on one configuration of ``tree``: warm-up, cold and warm runs, then fix
    (on the tree itself for the ``last`` configuration: nothing is measured on it after)."""
    (tree / f"ssot-{setup.name}.ini").write_text(ssot_config(setup))
    (tree / f"protected-{setup.name}.ini").write_text(protected_config(setup))
    (tree / f"ruff-{setup.name}.toml").write_text(ruff_config(setup))
    clear_caches(tree)  # a cache written for another configuration must not serve this one
    samples: dict[str, dict[str, list]] = {
        tool: {"cold": [], "warm": [], "cold_rss": [], "warm_rss": []} for tool in TOOLS
    }
    results: dict[str, dict[str, int]] = {}
    for tool in TOOLS:  # warm-up: fills the OS cache and each tool's own cache
        measure(commands(setup, cold=False)[tool], tree)
    touched = (tree / setup.touch).read_bytes()
    for run in range(runs):
        order = TOOLS[run % 3 :] + TOOLS[: run % 3]  # alternate which tool goes first
        for tool in order:
            seconds, rss, stdout = measure(commands(setup, cold=True)[tool], tree)
            samples[tool]["cold"].append(seconds)
            samples[tool]["cold_rss"].append(rss)
            results[tool] = found(tool, tree, stdout)
        for tool in order:
            # The warm-up and every warm run leave the tool's cache current, except for the
            # file touched now.
            touch(tree, setup, run)
            seconds, rss, _ = measure(commands(setup, cold=False)[tool], tree)
            samples[tool]["warm"].append(seconds)
            samples[tool]["warm_rss"].append(rss)
    (tree / setup.touch).write_bytes(touched)  # the tree as generated, for what comes next
    tools = {}
    for tool in TOOLS:
        s = samples[tool]
        tools[tool] = {
            "cold_s": statistics.median(s["cold"]),
            "warm_s": statistics.median(s["warm"]),
            "peak_rss_mib": max(s["cold_rss"] + s["warm_rss"]) / 1024,
            "cold_runs_s": [round(x, 3) for x in s["cold"]],
            "warm_runs_s": [round(x, 3) for x in s["warm"]],
            "found": results[tool],
        }
    fix = time_fix(tree, setup, workdir, in_place=last)
    fix["ratio_to_check_cold"] = fix["s"] / tools["ssot-imports"]["cold_s"]
    fix["rss_ratio_to_check"] = fix["peak_rss_mib"] / tools["ssot-imports"]["peak_rss_mib"]
    return {"tools": tools, "fix": fix}


def bench_size(
    size: int,
    runs: int,
    workdir: Path,
    profile: str = "sparse",
    five_roots_from: int = 5_000,
    then: Callable[[Path], None] | None = None,
) -> list[dict]:
    """One tree of ``size`` modules, benchmarked in each of its configurations; ``then`` is
    given the tree once that is done (the last configuration's fix rewrote it)."""
    tree = workdir / f"tree-{profile}-{size}"
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    planted = generate(tree, size, seed=size, profile=profile)
    summaries = []
    configurations = setups(profile, size, five_roots_from)
    for setup in configurations:
        summary = {
            "profile": profile,
            "setup": setup.name,
            "roots": list(setup.roots),
            "size": size,
            "files": planted.modules,
            "files_in_roots": sum(1 for root in setup.roots for _ in (tree / root).rglob("*.py")),
            "planted": asdict(planted),
            "expected": planted.expected(list(setup.roots)),
        }
        last = setup is configurations[-1] and then is None
        summary.update(bench_setup(tree, setup, runs, workdir, last=last))
        for tool, result in summary["tools"].items():
            result["matches_planted"] = result["found"] == summary["expected"][tool]
        ours = summary["tools"]["ssot-imports"]
        for other in ("lint-imports", "ruff"):
            theirs = summary["tools"][other]
            summary[f"ratio_vs_{other}"] = {
                "cold": ours["cold_s"] / theirs["cold_s"],
                "warm": ours["warm_s"] / theirs["warm_s"],
                "peak_rss": ours["peak_rss_mib"] / theirs["peak_rss_mib"],
            }
        summaries.append(summary)
    if then is not None:
        then(tree)
    shutil.rmtree(tree)
    return summaries


def bench_growth(size: int, runs: int, workdir: Path) -> dict:
    """Cold runs alone (ours and lint-imports', one root) on a dense tree of ``size`` files:
    the other end of the 50k / 10k growth the targets name."""
    tree = workdir / f"tree-dense-{size}"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    generate(tree, size, seed=size, profile="dense")
    setup = DENSE_ONE
    (tree / f"ssot-{setup.name}.ini").write_text(ssot_config(setup))
    (tree / f"protected-{setup.name}.ini").write_text(protected_config(setup))
    tools = ("ssot-imports", "lint-imports")
    cold = {tool: commands(setup, cold=True)[tool] for tool in tools}
    for tool in tools:
        measure(cold[tool], tree)  # warm-up: the OS cache
    samples: dict[str, list[float]] = {tool: [] for tool in tools}
    for run in range(runs):
        for tool in tools[run % 2 :] + tools[: run % 2]:
            samples[tool].append(measure(cold[tool], tree)[0])
    shutil.rmtree(tree)
    return {
        "size": size,
        "runs": runs,
        "cold_s": {tool: statistics.median(samples[tool]) for tool in tools},
        "cold_runs_s": {tool: [round(x, 3) for x in samples[tool]] for tool in tools},
    }


def bench_big_file(megabytes: float, workdir: Path) -> dict:
    """``check`` then ``fix`` (once each, cold) on a tree with one very large module."""
    tree = workdir / "tree-big-file"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    planted = big_file.write_tree(tree, megabytes)
    ours = str(BIN / "ssot-imports")
    check = [ours, "check", "--no-cache", "--format", "json", "--output", "big.json"]
    check_s, check_rss, _ = measure(check, tree)
    before = len(json.loads((tree / "big.json").read_text())["violations"])
    fix_s, fix_rss, stdout = measure([ours, "fix", "--no-cache"], tree)
    measure(check, tree)
    after = len(json.loads((tree / "big.json").read_text())["violations"])
    fixed = re.search(r"fixed (\d+) violations?", stdout)
    shutil.rmtree(tree)
    return {
        "megabytes": planted["bytes"] / 1_000_000,
        "cases": planted["cases"],
        "planted": planted["findings"],
        "found": before,
        "check_s": check_s,
        "check_peak_rss_mib": check_rss / 1024,
        "fix_s": fix_s,
        "fix_peak_rss_mib": fix_rss / 1024,
        "fixed": int(fixed.group(1)) if fixed else 0,
        "left": after,
        "ratio_fix_to_check": fix_s / check_s,
    }


def big_file_table(big: dict) -> str:
    return "\n".join(
        [
            "| file (MB) | findings | check (s) | check RSS (MiB) | fix (s) | fix RSS (MiB) "
            "| fix / check | fixed | left |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {big['megabytes']:.1f} | {big['found']:,} | {big['check_s']:.2f} | "
            f"{big['check_peak_rss_mib']:.0f} | {big['fix_s']:.2f} | {big['fix_peak_rss_mib']:.0f} "
            f"| {big['ratio_fix_to_check']:.2f} | {big['fixed']:,} | {big['left']:,} |",
        ]
    )


def _label(summary: dict) -> str:
    return f"| {summary.get('profile', 'sparse')} | {summary['size']:,} | {summary['files']:,} | "


def table(summaries: list[dict], growth: dict | None = None) -> str:
    lines = [
        "| profile | N | files | roots | tool | cold (s) | warm (s) | peak RSS (MiB) | found |",
        "| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for summary in summaries:
        roots = summary.get("setup", "mono")
        for tool in TOOLS:
            t = summary["tools"][tool]
            found_text = ", ".join(f"{k} {v}" for k, v in sorted(t["found"].items()))
            mark = {True: " (= planted)", False: " (≠ planted)"}.get(t.get("matches_planted"), "")
            lines.append(
                f"{_label(summary)}{roots} | {tool} | {t['cold_s']:.2f} | "
                f"{t['warm_s']:.2f} | {t['peak_rss_mib']:.0f} | {found_text}{mark} |"
            )
    lines += [
        "",
        "| profile | N | files | roots | ours / lint-imports cold | warm | peak RSS "
        "| ours / ruff cold | warm | peak RSS |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for summary in summaries:
        a, b = summary["ratio_vs_lint-imports"], summary["ratio_vs_ruff"]
        lines.append(
            f"{_label(summary)}{summary.get('setup', 'mono')} | {a['cold']:.2f} | "
            f"{a['warm']:.2f} | {a['peak_rss']:.2f} | {b['cold']:.1f} | {b['warm']:.1f} | "
            f"{b['peak_rss']:.1f} |"
        )
    fixes = [s for s in summaries if "fix" in s]
    if fixes:
        lines += [
            "",
            "| profile | N | files | roots | fix (s) | fix peak RSS (MiB) | fix / check cold "
            "| fix / check RSS | fixed | files changed | left |",
            "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for summary in fixes:
            f = summary["fix"]
            lines.append(
                f"{_label(summary)}{summary['setup']} | {f['s']:.2f} | {f['peak_rss_mib']:.0f} | "
                f"{f['ratio_to_check_cold']:.2f} | {f['rss_ratio_to_check']:.2f} | {f['fixed']} | "
                f"{f['files_changed']} | {f['left']} |"
            )
    for profile, (small, large) in (("sparse", (10_000, 50_000)), ("dense", (8_353, 50_000))):
        sizes = {
            s["size"]: s
            for s in summaries
            if s.get("profile", "sparse") == profile
            and s.get("setup") in (None, "mono", "one-root")
        }
        if small in sizes and large in sizes:
            ratios = {
                tool: sizes[large]["tools"][tool]["cold_s"] / sizes[small]["tools"][tool]["cold_s"]
                for tool in TOOLS
            }
            lines += [
                "",
                f"Cold time ({profile}) {large // 1000}k / {small / 1000:g}k: "
                + ", ".join(f"{t} {g:.2f}" for t, g in ratios.items()),
            ]
    lines += growth_lines(summaries, growth)
    return "\n".join(lines)


def growth_ratios(summaries: list[dict], growth: dict) -> dict[str, float]:
    """The dense profile's cold time at its largest size (one root) over its time at the
    growth size, for the two tools measured at both."""
    ones = [s for s in summaries if s.get("profile") == "dense" and s.get("setup") == "one-root"]
    if not ones:
        return {}
    large = max(ones, key=lambda summary: summary["size"])
    return {
        tool: large["tools"][tool]["cold_s"] / seconds for tool, seconds in growth["cold_s"].items()
    }


def growth_lines(summaries: list[dict], growth: dict | None) -> list[str]:
    if growth is None or not growth.get("ratios"):
        return []
    large = max(
        s["size"] for s in summaries if s.get("profile") == "dense" and s.get("setup") == "one-root"
    )
    small = f"{growth['size'] / 1000:g}k"
    return [
        "",
        f"Cold time (dense, one root) {large / 1000:g}k / {small}: "
        + ", ".join(f"{tool} {ratio:.2f}" for tool, ratio in growth["ratios"].items())
        + f" ({small}: "
        + ", ".join(f"{tool} {s:.2f} s" for tool, s in growth["cold_s"].items())
        + f", median of {growth['runs']} cold runs)",
    ]


def versions() -> dict[str, str]:
    def version_of(command: list[str]) -> str:
        result = subprocess.run(command, capture_output=True, text=True)
        return (result.stdout or result.stderr).strip().splitlines()[-1]

    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "ssot-imports": version("ssot-imports"),
        "import-linter": version("import-linter"),
        "grimp": version("grimp"),
        "ruff": version_of([str(BIN / "ruff"), "--version"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile", choices=(*PROFILES, "both"), default="both",
        help="tree profile (default: both)",
    )  # fmt: skip
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=None,
        help="modules per tree (default: sparse 1000 10000 50000, dense 1000 8353 50000)",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--large-runs", type=int, default=1, metavar="N",
        help="runs per tool for trees of 20,000 files or more (default: 1), so that the whole "
        "benchmark fits in ten minutes on two CPUs",
    )  # fmt: skip
    parser.add_argument(
        "--growth-size", type=int, default=10_000, metavar="N",
        help="dense tree whose cold time (one root; ours and lint-imports) is the other end of "
        "the growth to 50,000 files (default: 10000; 0: skip)",
    )  # fmt: skip
    parser.add_argument(
        "--five-roots-from", type=int, default=5_000, metavar="N",
        help="dense trees of at least N modules are also checked with all five roots "
        "(default: 5000)",
    )  # fmt: skip
    parser.add_argument(
        "--big-file-mb", type=float, default=5.0, metavar="MB",
        help="size of the one very large module checked and fixed (default: 5; 0: skip)",
    )  # fmt: skip
    parser.add_argument(
        "--facades", type=int, nargs="+", default=[1, 10, 30], metavar="K",
        help="contract counts of the many-façades scenario, on the dense profile (default: "
        "1 10 30; 0: skip)",
    )  # fmt: skip
    parser.add_argument(
        "--facades-size", type=int, default=8_353, metavar="N",
        help="files of the many-façades tree (default: 8353; the dense tree of that size, once "
        "it is benchmarked)",
    )  # fmt: skip
    parser.add_argument(
        "--facades-runs", type=int, default=5, metavar="N",
        help="runs per tool and contract count of the many-façades scenario (default: 5)",
    )  # fmt: skip
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--output", type=Path, default=None)
    arguments = parser.parse_args(argv)
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    profiles = PROFILES if arguments.profile == "both" else (arguments.profile,)
    arguments.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def done(what: str) -> None:
        print(f"{what} done after {time.perf_counter() - started:.0f} s", file=sys.stderr)

    counts = [count for count in arguments.facades if count > 0]
    many: dict | None = None

    def facades_on(tree: Path | None) -> None:
        nonlocal many
        many = many_facades.bench_many_facades(
            arguments.facades_size, counts, arguments.facades_runs, arguments.workdir, measure,
            BIN, tree,
        )  # fmt: skip
        done("many façades")

    summaries = []
    growth = None
    for profile in profiles:
        sizes = arguments.sizes or DEFAULT_SIZES[profile]
        for size in sizes:
            runs = arguments.runs if size < 20_000 else min(arguments.runs, arguments.large_runs)
            facades_here = counts and (profile, size) == ("dense", arguments.facades_size)
            then = facades_on if facades_here else None
            summaries += bench_size(
                size, runs, arguments.workdir, profile, arguments.five_roots_from, then
            )
            done(f"{profile} N={size:,}")
        if profile == "dense" and 0 < arguments.growth_size < max(sizes):
            growth = bench_growth(arguments.growth_size, min(arguments.runs, 3), arguments.workdir)
            done(f"dense N={arguments.growth_size:,} (growth)")
    big = None
    if arguments.big_file_mb > 0:
        big = bench_big_file(arguments.big_file_mb, arguments.workdir)
        done("big file")
    if counts and "dense" in profiles and many is None:
        facades_on(None)
    if growth is not None:
        growth["ratios"] = growth_ratios(summaries, growth)
    report = {
        "date": date.today().isoformat(),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "versions": versions(),
        "runs": arguments.runs,
        "large_runs": arguments.large_runs,
        "profiles": list(profiles),
        "duration_s": round(time.perf_counter() - started, 1),
        "results": summaries,
        "big_file": big,
        "many_facades": many,
        "growth": growth,
    }
    output = arguments.output or arguments.workdir / "results.json"
    output.write_text(json.dumps(report, indent=2) + "\n")
    tables = table(summaries, growth)
    print(tables)
    if big is not None:
        print("\n" + big_file_table(big))
    if many is not None:
        print("\n" + many_facades.table(many))
    print(f"\nwritten to {output} in {report['duration_s']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
