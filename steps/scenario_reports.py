"""One HTML report per scenario: its flow on the wire as a sequence diagram, a timeline and
every payload (harness.report), written to ``<reports>/scenarios/<feature>-<scenario>.html``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from harness.contract import Contract
from harness.errors import Violation
from harness.findings import counts, describe
from harness.observer import ContractObserver
from harness.report import write_report
from steps.context import PipelineScenario
from steps.wire_check import scenario_messages


def slug(text: str, limit: int = 80) -> str:
    """``A GUEST batch, 4 essays`` -> ``a-guest-batch-4-essays`` (file-name safe)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "scenario"


def report_path(reports: Path, feature_file: str, scenario: str, example: str = "") -> Path:
    """``<reports>/scenarios/<feature>-<scenario>[-<example>].html``."""
    name = f"{slug(Path(feature_file).stem)}-{slug(scenario)}"
    if example:
        name += f"-{slug(example, 40)}"
    return reports / "scenarios" / f"{name}.html"


def write_scenario_report(
    observer: ContractObserver,
    contract: Contract,
    scenario: PipelineScenario,
    path: Path,
    *,
    result: str,
    violations: Sequence[Violation] = (),
) -> Path:
    """Write the scenario's report; ``result`` (passed, or why it failed) heads its summary."""
    summary = [f"result: {result}"]
    summary += [
        f"batch {b.batch_type} {b.batch_id} ({b.essay_count} essays)" for b in scenario.batches
    ]
    summary += [f"batch never registered: {b}" for b in scenario.unregistered_batch_ids]
    summary += [
        f"request {r.pipeline}{' (retry)' if r.is_retry else ''}: correlation id {r.correlation_id}"
        for r in scenario.requests
    ]
    summary.append(f"wire check: {len(violations)} finding(s): {counts(violations)}")
    summary += describe(violations)
    messages = scenario_messages(observer, scenario)
    correlations = {r.correlation_id for r in scenario.requests}
    exchanges = [
        e
        for e in observer.exchanges.exchanges()
        if e.batch_id in scenario.batch_ids or e.correlation_id in correlations
    ]
    return write_report(
        messages, contract, path, title=scenario.name, summary=summary, exchanges=exchanges
    )
