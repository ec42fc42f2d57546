"""Benchmark ssot-imports against lint-imports and ruff on synthetic monorepos.

    python bench/run.py                       # N = 1,000, 10,000 and 50,000; 5 runs each
    python bench/run.py --sizes 200 --runs 5  # the smoke run the test suite uses

For each size, in the same run and alternating the tools, after one warm-up run of each:

* cold: no cache (``--no-cache`` for all three tools);
* warm: the tool's cache present and one file touched (its content changed);
* wall time (median of the runs) and peak RSS of each process (``os.wait4``);
* what each tool found, against the violations the generator planted.

Results go to ``bench/out/results.json`` and a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import CANONICAL, IMPLEMENTATION, generate

BIN = Path(sys.executable).parent
TOOLS = ("ssot-imports", "lint-imports", "ruff")

SSOT_CONFIG = f"""\
[importlinter]
root_packages =
    mono
contract_types =
    canonical_import: ssot_imports.canonical_import.CanonicalImportContract
    single_module_identity: ssot_imports.single_module_identity.SingleModuleIdentityContract

[importlinter:contract:ssot]
name = SSOT
type = canonical_import
canonical_module = {CANONICAL}
implementation_modules =
    {IMPLEMENTATION}

[importlinter:contract:identity]
name = One name per module
type = single_module_identity
"""

PROTECTED_CONFIG = f"""\
[importlinter]
root_packages =
    mono

[importlinter:contract:protected]
name = Protected
type = protected
protected_modules =
    {IMPLEMENTATION}
allowed_importers =
    {CANONICAL}
"""

RUFF_CONFIG = f"""\
[lint]
select = ["TID251"]
[lint.flake8-tidy-imports.banned-api]
"{IMPLEMENTATION}".msg = "import it from {CANONICAL}"
[lint.per-file-ignores]
"{CANONICAL.replace(".", "/")}.py" = ["TID251"]
"""


def commands(tree: Path, cold: bool) -> dict[str, list[str]]:
    no_cache = ["--no-cache"] if cold else []
    return {
        "ssot-imports": [
            str(BIN / "ssot-imports"), "check", "--config", "ssot.ini", "--format", "json",
            "--output", "ssot.json", *no_cache,
        ],
        "lint-imports": [
            str(BIN / "lint-imports"), "--no-logo", *no_cache, "--config", "protected.ini",
        ],
        "ruff": [
            str(BIN / "ruff"), "check", "--config", "ruff.toml", "--output-format", "json",
            "--exit-zero", *no_cache, ".",
        ],
    }  # fmt: skip


# The tools run as they would on a developer's machine: Python writes bytecode. (Some sandboxes
# set PYTHONDONTWRITEBYTECODE; pip compiles installed packages anyway, but an editable install
# would then compile its modules again at every start.) The warm-up run writes it.
TOOL_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time (s), peak RSS (KiB) and stdout of one run of ``command``."""
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
    return elapsed, usage.ru_maxrss, (cwd / ".stdout").read_text()


def found(tool: str, tree: Path, stdout: str) -> dict[str, int]:
    """What a tool reported, by kind (ours) or as a count of banned imports (the others)."""
    if tool == "ssot-imports":
        counts: dict[str, int] = {}
        for violation in json.loads((tree / "ssot.json").read_text())["violations"]:
            counts[violation["kind"]] = counts.get(violation["kind"], 0) + 1
        return counts
    if tool == "ruff":
        return {"implementation-import": len(json.loads(stdout or "[]"))}
    lines = [line for line in stdout.splitlines() if line.strip().startswith("- ")]
    total = sum(line.count(",") + 1 for line in lines)  # "(l.3, 9)" lists two imports
    return {"implementation-import": total}


def touch(tree: Path, run: int) -> None:
    """Change one module, as a developer would between two commits."""
    path = tree / "mono" / "pkg000" / "sub00" / "mod00.py"
    with path.open("a") as stream:
        stream.write(f"# touched {run}\n")


def bench_size(size: int, runs: int, workdir: Path) -> dict:
    tree = workdir / f"tree-{size}"
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    planted = generate(tree, size, seed=size)
    (tree / "ssot.ini").write_text(SSOT_CONFIG)
    (tree / "protected.ini").write_text(PROTECTED_CONFIG)
    (tree / "ruff.toml").write_text(RUFF_CONFIG)

    samples: dict[str, dict[str, list]] = {
        tool: {"cold": [], "warm": [], "cold_rss": [], "warm_rss": []} for tool in TOOLS
    }
    results: dict[str, dict[str, int]] = {}
    for tool in TOOLS:  # warm-up: fills the OS cache and each tool's own cache
        measure(commands(tree, cold=False)[tool], tree)
    for run in range(runs):
        order = TOOLS[run % 3 :] + TOOLS[: run % 3]  # alternate which tool goes first
        for tool in order:
            seconds, rss, stdout = measure(commands(tree, cold=True)[tool], tree)
            samples[tool]["cold"].append(seconds)
            samples[tool]["cold_rss"].append(rss)
            results[tool] = found(tool, tree, stdout)
        for tool in order:
            # The warm-up and every warm run leave the tool's cache current, except for the
            # file touched now.
            touch(tree, run)
            seconds, rss, _ = measure(commands(tree, cold=False)[tool], tree)
            samples[tool]["warm"].append(seconds)
            samples[tool]["warm_rss"].append(rss)

    summary = {"size": size, "files": planted.modules, "planted": asdict(planted), "tools": {}}
    for tool in TOOLS:
        s = samples[tool]
        summary["tools"][tool] = {
            "cold_s": statistics.median(s["cold"]),
            "warm_s": statistics.median(s["warm"]),
            "peak_rss_mib": max(s["cold_rss"] + s["warm_rss"]) / 1024,
            "cold_runs_s": [round(x, 3) for x in s["cold"]],
            "warm_runs_s": [round(x, 3) for x in s["warm"]],
            "found": results[tool],
        }
    ours = summary["tools"]["ssot-imports"]
    for other in ("lint-imports", "ruff"):
        theirs = summary["tools"][other]
        summary[f"ratio_vs_{other}"] = {
            "cold": ours["cold_s"] / theirs["cold_s"],
            "warm": ours["warm_s"] / theirs["warm_s"],
            "peak_rss": ours["peak_rss_mib"] / theirs["peak_rss_mib"],
        }
    shutil.rmtree(tree)
    return summary


def table(summaries: list[dict]) -> str:
    lines = [
        "| N | files | tool | cold (s) | warm (s) | peak RSS (MiB) | found |",
        "| ---: | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for summary in summaries:
        for tool in TOOLS:
            t = summary["tools"][tool]
            found_text = ", ".join(f"{k} {v}" for k, v in sorted(t["found"].items()))
            lines.append(
                f"| {summary['size']:,} | {summary['files']:,} | {tool} | {t['cold_s']:.2f} | "
                f"{t['warm_s']:.2f} | {t['peak_rss_mib']:.0f} | {found_text} |"
            )
    lines += [
        "",
        "| N | ours / lint-imports cold | warm | peak RSS | ours / ruff cold | warm | peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for summary in summaries:
        a, b = summary["ratio_vs_lint-imports"], summary["ratio_vs_ruff"]
        lines.append(
            f"| {summary['size']:,} | {a['cold']:.2f} | {a['warm']:.2f} | {a['peak_rss']:.2f} | "
            f"{b['cold']:.1f} | {b['warm']:.1f} | {b['peak_rss']:.1f} |"
        )
    sizes = {s["size"]: s for s in summaries}
    if 10_000 in sizes and 50_000 in sizes:
        growth = {
            tool: sizes[50_000]["tools"][tool]["cold_s"] / sizes[10_000]["tools"][tool]["cold_s"]
            for tool in TOOLS
        }
        lines += [
            "",
            "Cold time 50k / 10k: " + ", ".join(f"{t} {g:.2f}" for t, g in growth.items()),
        ]
    return "\n".join(lines)


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--output", type=Path, default=None)
    arguments = parser.parse_args(argv)
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    arguments.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summaries = []
    for size in arguments.sizes:
        summary = bench_size(size, arguments.runs, arguments.workdir)
        summaries.append(summary)
        print(f"N={size:,} done after {time.perf_counter() - started:.0f} s", file=sys.stderr)
    report = {
        "date": date.today().isoformat(),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "versions": versions(),
        "runs": arguments.runs,
        "duration_s": round(time.perf_counter() - started, 1),
        "results": summaries,
    }
    output = arguments.output or arguments.workdir / "results.json"
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(table(summaries))
    print(f"\nwritten to {output} in {report['duration_s']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
