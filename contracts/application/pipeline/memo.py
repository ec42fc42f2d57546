"""A contract's findings kept between runs, and reused while nothing they depend on changed.

What a check found depends on its options, on the content of the files it read (the targets,
the candidates the prefilter pointed to, whatever the graph scanned) and, for every other
file, only on what the prefilter saw in it: a file the check did not read can only matter
by becoming a candidate, which its prefilter record would show. So a warm run compares the
content digest of each file the last run read and the prefilter summary of every file (which
also tells added, removed and renamed files); when all agree, the findings of the last run
are the findings of this one. Otherwise everything is checked again (and kept again).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from ... import __version__
from ...domain.codec import (
    coverage_from_json,
    coverage_to_json,
    diagnostic_from_json,
    diagnostic_to_json,
    violation_from_json,
    violation_to_json,
)
from ...domain.findings import Diagnostic
from ...domain.prefilter import Record, Request
from ..context import RunContext
from ..ports import ContractFindings

FORMAT = 2  # 2: findings whose renames `fix` would refuse say so


class FindingsMemo:
    """The findings of one contract, under ``name``, valid for ``key`` and these records."""

    def __init__(
        self,
        context: RunContext,
        name: str,
        key: Iterable[Any],
        records: dict[Path, Record],
        request: Request,
    ) -> None:
        self.context = context
        # The records may hold other contracts' words: only this request's are summarised.
        self.request = request
        self.name = name
        text = json.dumps([FORMAT, __version__, *key], default=str, sort_keys=True)
        self.key = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        self.records = records

    @cached_property
    def summaries(self) -> dict[str, str]:
        """What the prefilter saw in each file (worked out only when a memo is kept)."""
        project = self.request.project
        return {str(path): project(record).summary() for path, record in self.records.items()}

    def recall(self) -> ContractFindings | None:
        """The kept findings, if they still hold (the graph's left-out files are restored to
        the run's context)."""
        data = self.context.ports.memo.load(self.name)
        if not data:
            return None
        if not isinstance(data.get("key"), str) or not isinstance(data.get("summaries"), dict):
            # Not a stale document (those are simply replaced): not one of ours at all.
            self.context.ports.memo.ignore(self.name, "unexpected content")
            return None
        if data["key"] != self.key or data["summaries"] != self.summaries:
            return None
        try:
            digests = data["digests"]
            for path, digest in digests.items():
                if self.records[Path(path)].digest != digest:
                    return None
            findings = ContractFindings(
                violations=[violation_from_json(v) for v in data["violations"]],
                diagnostics=[diagnostic_from_json(d) for d in data["diagnostics"]],
                coverage=coverage_from_json(data["coverage"]),
                warnings=list(data["warnings"]),
                ignored_imports=int(data["ignored_imports"]),
            )
            excluded = {Path(p): diagnostic_from_json(d) for p, d in data["excluded"].items()}
            findings.needed = {Path(p) for p in data["needed"]}
        except (KeyError, TypeError, ValueError, AttributeError):
            self.context.ports.memo.ignore(self.name, "unexpected content")
            return None
        self.context.excluded_files.update(excluded)
        return findings

    def keep(
        self,
        findings: ContractFindings,
        read: Iterable[Path],
        excluded: dict[Path, Diagnostic],
    ) -> None:
        """Keep ``findings``, valid while the files in ``read`` keep their content."""
        if not self.context.ports.memo.keeps:
            return
        data = {
            "key": self.key,
            "summaries": self.summaries,
            "digests": {
                str(path): self.records[path].digest for path in read if path in self.records
            },
            "violations": [violation_to_json(v) for v in findings.violations],
            "diagnostics": [diagnostic_to_json(d) for d in findings.diagnostics],
            "coverage": coverage_to_json(findings.coverage),
            "warnings": findings.warnings,
            "ignored_imports": findings.ignored_imports,
            "excluded": {str(p): diagnostic_to_json(d) for p, d in excluded.items()},
            "needed": sorted(map(str, findings.needed or ())),
        }
        self.context.ports.memo.store(self.name, data)
