"""``diff_contracts``: every change between two contracts, classified (a pure function)."""

from __future__ import annotations

from harness.contract import Contract
from harness.evolution.changes import ContractDiff
from harness.evolution.channels import channel_findings
from harness.evolution.declarations import rule_findings, service_findings
from harness.evolution.http import http_findings
from harness.evolution.levels import LeveledComparison


def diff_contracts(old: Contract, new: Contract) -> ContractDiff:
    """What changed from ``old`` to ``new``: services, rules, channels and HTTP operations,
    each change with its kind, place, verdict and the services that must change."""
    levels = LeveledComparison(old, new)
    return ContractDiff.of(
        [
            *service_findings(old, new),
            *rule_findings(old, new),
            *channel_findings(old, new, levels),
            *http_findings(old, new, levels),
        ]
    )
