"""The benchmark stays runnable: a small run (N = 200) of the real script and tools."""

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
            "--sizes",
            "200",
            "--runs",
            "5",
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
    # The others see module-level imports only: lint-imports those in the graph, ruff all.
    assert tools["lint-imports"]["found"] == {
        "implementation-import": planted["implementation_import_in_graph"]
    }
    assert tools["ruff"]["found"] == {"implementation-import": planted["implementation_import"]}
    assert set(summary["ratio_vs_lint-imports"]) == {"cold", "warm", "peak_rss"}
    assert "| 200 |" in result.out and "ours / lint-imports cold" in result.out
