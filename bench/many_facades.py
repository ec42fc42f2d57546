"""The multi-façade benchmark: 1, 10 and 30 ``canonical_import`` contracts in one config.

A dense tree gets 29 more façade pairs (``facades.py``) beside its relay hub. A config with
``k`` contracts checks the hub and the first ``k - 1`` planted pairs, over the largest root;
lint-imports runs the same ``k`` pairs as ``protected`` contracts. Both run cold (no cache),
alternating, in the same run; the table gives each one's median time and peak RSS, the
ratio of ours to lint-imports', and our time for ``k`` contracts over our time for one.
"""

from __future__ import annotations

import json
import shutil
import statistics
from collections.abc import Callable
from pathlib import Path

import dense
import facades
from generate import generate

TOOLS = ("ssot-imports", "lint-imports")
HEAD = f"""\
[importlinter]
root_packages =
    {dense.LARGEST_ROOT}
"""
OURS = """\
contract_types =
    canonical_import: ssot_imports.canonical_import.CanonicalImportContract
"""
HUB = facades.Pair("relay", dense.CANONICAL, dense.IMPLEMENTATION, dense.LEGACY_SHIM, {})


def configs(pairs: list[facades.Pair], count: int) -> tuple[str, str]:
    """Our config and lint-imports' for the hub and the first ``count - 1`` planted pairs."""
    chosen = [HUB, *pairs[: count - 1]]
    ours = HEAD + OURS + "".join(facades.ssot_contract(pair) for pair in chosen)
    theirs = HEAD + "".join(facades.protected_contract(pair) for pair in chosen)
    return ours, theirs


def bench_many_facades(
    size: int,
    counts: list[int],
    runs: int,
    workdir: Path,
    measure: Callable[[list[str], Path], tuple[float, int, str]],
    binaries: Path,
    tree: Path | None = None,
) -> dict:
    """The scenario on ``tree`` (a dense tree of ``size`` files as generated, which the
    façades are planted in), or on a tree generated here."""
    generated = tree is None
    if tree is None:
        tree = workdir / f"tree-facades-{size}"
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        generate(tree, size, seed=size, profile="dense")
    pairs = facades.plant_facades(tree, max(counts) - 1, seed=size)
    rows = []
    for count in counts:
        ours, theirs = configs(pairs, count)
        (tree / f"ssot-{count}.ini").write_text(ours)
        (tree / f"protected-{count}.ini").write_text(theirs)
        commands = {
            "ssot-imports": [
                str(binaries / "ssot-imports"), "check", "--no-cache", "--config",
                f"ssot-{count}.ini", "--format", "json", "--output", "ssot.json",
            ],
            "lint-imports": [
                str(binaries / "lint-imports"), "--no-logo", "--no-cache",
                "--config", f"protected-{count}.ini",
            ],
        }  # fmt: skip
        for tool in TOOLS:
            measure(commands[tool], tree)  # warm-up: the OS cache
        samples: dict[str, list[tuple[float, int]]] = {tool: [] for tool in TOOLS}
        for run in range(runs):
            for tool in TOOLS[run % 2 :] + TOOLS[: run % 2]:
                seconds, rss, _ = measure(commands[tool], tree)
                samples[tool].append((seconds, rss))
        violations = json.loads((tree / "ssot.json").read_text())["violations"]
        row = {"contracts": count, "violations": len(violations)}
        for tool in TOOLS:
            row[tool] = {
                "cold_s": statistics.median(s for s, _ in samples[tool]),
                "peak_rss_mib": max(rss for _, rss in samples[tool]) / 1024,
                "runs_s": [round(s, 3) for s, _ in samples[tool]],
            }
        rows.append(row)
    if generated:
        shutil.rmtree(tree)
    one = rows[0]["ssot-imports"]["cold_s"]
    for row in rows:
        ours, theirs = row["ssot-imports"], row["lint-imports"]
        row["ratio_vs_lint_imports"] = ours["cold_s"] / theirs["cold_s"]
        row["rss_ratio_vs_lint_imports"] = ours["peak_rss_mib"] / theirs["peak_rss_mib"]
        row["ratio_vs_one_contract"] = ours["cold_s"] / one
    return {"size": size, "rows": rows, "runs": runs}


def table(result: dict) -> str:
    lines = [
        f"Many façades (dense profile, {result['size']:,} files, root `{dense.LARGEST_ROOT}`, "
        f"cold, median of {result['runs']}):",
        "",
        "| contracts | violations | ours (s) | lint-imports (s) | ours / lint-imports "
        "| ours / ours with 1 | ours RSS (MiB) | lint-imports RSS (MiB) | RSS ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["rows"]:
        ours, theirs = row["ssot-imports"], row["lint-imports"]
        lines.append(
            f"| {row['contracts']} | {row['violations']:,} | {ours['cold_s']:.2f} | "
            f"{theirs['cold_s']:.2f} | {row['ratio_vs_lint_imports']:.2f} | "
            f"{row['ratio_vs_one_contract']:.2f} | {ours['peak_rss_mib']:.0f} | "
            f"{theirs['peak_rss_mib']:.0f} | {row['rss_ratio_vs_lint_imports']:.2f} |"
        )
    return "\n".join(lines)
