"""The benchmark stays runnable: small runs of the real script and tools, both tree profiles."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import REPO, run_tool


def test_benchmark_smoke_run(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    result = run_tool(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--profile",
            "sparse",
            "--sizes",
            "200",
            "--runs",
            "5",
            "--big-file-mb",
            "0.05",
            "--workdir",
            str(tmp_path / "work"),
            "--output",
            str(output),
        ],
        cwd=REPO,
    )
    assert result.code == 0, result.err
    report = json.loads(output.read_text())
    assert report["runs"] == 5
    (summary,) = report["results"]
    assert summary["profile"] == "sparse" and summary["setup"] == "mono"
    planted = summary["planted"]
    tools = summary["tools"]
    assert set(tools) == {"ssot-imports", "lint-imports", "ruff"}
    for tool in tools.values():
        assert len(tool["cold_runs_s"]) == len(tool["warm_runs_s"]) == 5
        assert tool["cold_s"] > 0 and tool["warm_s"] > 0 and tool["peak_rss_mib"] > 0
    # ssot-imports finds exactly what was planted, kind by kind.
    assert tools["ssot-imports"]["found"] == {
        "implementation-import": planted["implementation_import"],
        "shim-import": planted["shim_import"],
        "renamed-import": planted["renamed_import"],
        "secondary-name": planted["secondary_name"],
        "string-reference": planted["string_reference"],
        "shadow-root": planted["shadow_root"],
    }
    # The others see import statements of the implementation: lint-imports those in the
    # graph, ruff all (in this tree, one name per statement, all at module level).
    assert tools["lint-imports"]["found"] == {
        "implementation-import": planted["implementation_import_in_graph"]
    }
    assert tools["ruff"]["found"] == {"implementation-import": planted["implementation_import"]}
    assert summary["expected"]["ssot-imports"] == tools["ssot-imports"]["found"]
    assert set(summary["ratio_vs_lint-imports"]) == {"cold", "warm", "peak_rss"}
    assert summary["fix"]["s"] > 0 and summary["fix"]["fixed"] > 0
    assert "| 200 |" in result.out and "ours / lint-imports cold" in result.out
    # The very large module: every finding planted is found, and one fix removes them all.
    big = report["big_file"]
    assert big["found"] == big["planted"] == 2 + 2 * big["cases"]
    assert (big["fixed"], big["left"]) == (big["found"], 0)
    assert big["check_s"] > 0 and big["fix_peak_rss_mib"] > 0
    assert "| fix / check | fixed | left |" in result.out


def test_benchmark_smoke_run_dense(tmp_path: Path) -> None:
    """A dense tree, checked with its largest root and with all five (forced at this size)."""
    output = tmp_path / "results.json"
    result = run_tool(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--profile",
            "dense",
            "--sizes",
            "300",
            "--big-file-mb",
            "0",
            "--runs",
            "1",
            "--five-roots-from",
            "0",
            "--facades",
            "1",
            "3",
            "--facades-size",
            "300",
            "--growth-size",
            "150",
            "--workdir",
            str(tmp_path / "work"),
            "--output",
            str(output),
        ],
        cwd=REPO,
    )
    assert result.code == 0, result.err
    report = json.loads(output.read_text())
    assert report["profiles"] == ["dense"]
    one, five = report["results"]
    assert (one["setup"], one["roots"]) == ("one-root", ["backend"])
    assert five["setup"] == "five-root" and len(five["roots"]) == 5
    assert one["files_in_roots"] < five["files_in_roots"] == five["files"]
    for summary in (one, five):
        assert summary["profile"] == "dense"
        for tool, measured in summary["tools"].items():
            # Every tool finds exactly what was planted in the configured roots.
            assert measured["found"] == summary["expected"][tool], (summary["setup"], tool)
            assert measured["matches_planted"]
        assert summary["fix"]["s"] > 0 and summary["fix"]["peak_rss_mib"] > 0
        assert summary["fix"]["fixed"] > 0 and summary["fix"]["ratio_to_check_cold"] > 0
    # Five roots hold every kind the dense profile plants.
    assert set(five["expected"]["ssot-imports"]) == {
        "implementation-import", "implementation-module-import", "shim-import",
        "renamed-import", "secondary-name", "name-rebound", "string-reference", "shadow-root",
        "stale-import",
    }  # fmt: skip
    assert "| dense | 300 |" in result.out and "fix / check cold" in result.out
    # Many façades: each planted pair adds its findings (one of each kind per pair at this
    # size, and the legacy shim's own import of the implementation).
    one_facade, three_facades = report["many_facades"]["rows"]
    assert (one_facade["contracts"], three_facades["contracts"]) == (1, 3)
    assert three_facades["violations"] - one_facade["violations"] == 2 * 6
    for row in (one_facade, three_facades):
        assert row["ssot-imports"]["cold_s"] > 0 and row["lint-imports"]["peak_rss_mib"] > 0
    assert "| contracts | violations |" in result.out
    # Growth: cold runs of ours and lint-imports on a smaller dense tree, against the largest.
    growth = report["growth"]
    assert (growth["size"], growth["runs"]) == (150, 1)
    assert set(growth["cold_s"]) == {"ssot-imports", "lint-imports"}
    assert all(seconds > 0 for seconds in growth["cold_s"].values())
    assert (
        growth["ratios"]["ssot-imports"]
        == one["tools"]["ssot-imports"]["cold_s"] / (growth["cold_s"]["ssot-imports"])
    )
    assert "Cold time (dense, one root) 0.3k / 0.15k: ssot-imports " in result.out
    # The tables of a full run (its sizes faked from this one's summary): both growth lines.
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import run
    finally:
        sys.path.remove(str(REPO / "bench"))
    sizes = [dict(one, size=8_353), dict(one, size=50_000)]
    growth = dict(growth, size=10_000)
    growth["ratios"] = run.growth_ratios(sizes, growth)
    text = run.table(sizes, growth)
    assert "Cold time (dense) 50k / 8.353k: ssot-imports 1.00, lint-imports 1.00" in text
    assert "Cold time (dense, one root) 50k / 10k: ssot-imports " in text
