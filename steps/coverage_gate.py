"""The contract coverage gate of a run of the features.

Coverage is measured once, when the session's services have stopped (so every consumer group
has committed what it handled) and before the broker goes; the gate is decided at session end.
It applies only to a whole run: a selection (``-k``, ``-m``, a node id, ``--lf``) or a run cut
short (``-x``) cannot be expected to exercise every message, so it is reported, not gated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from harness.contract import Channel, Contract
from harness.coverage import ContractCoverage, ReceivedCounts, measure_coverage
from harness.errors import HarnessError
from harness.observer import ContractObserver
from harness.rules import Judgement
from steps.wire_check import settle


@runtime_checkable
class CountsConsumed(Protocol):
    """A bus that can tell what a consumer group has consumed (KafkaBus.consumed_counts)."""

    def consumed_counts(self, group: str, channels: Sequence[Channel]) -> Mapping[str, int]: ...


@dataclass
class SuiteRun:
    """What the session selected and ran, and the coverage measured at its end."""

    collected: int = 0
    deselected: int = 0
    node_ids_given: bool = False
    finished: set[str] = field(default_factory=set)
    coverage: ContractCoverage | None = None
    receives_unmeasured: str = ""

    def partial_because(self) -> str:
        """Why this run is not the whole suite ("" when it is)."""
        if self.node_ids_given:
            return "tests were selected by node id"
        if self.deselected:
            return f"{self.deselected} tests were deselected (-k, -m, --lf, ...)"
        if len(self.finished) < self.collected:
            return f"only {len(self.finished)} of {self.collected} tests ran (stopped early)"
        return ""


def measure(
    contract: Contract, observer: ContractObserver, bus: object, judgement: Judgement
) -> tuple[ContractCoverage, str]:
    """The run's coverage; and why receive operations were not measured ("" if they were).
    The findings that count against the gate are those that fail the run's ``judgement``
    (a real service's rule breaches are reported, not failed, unless strict)."""
    received: ReceivedCounts | None = None
    why = ""
    if isinstance(bus, CountsConsumed):
        try:
            received = _received_counts(contract, bus)
        except HarnessError as exc:
            why = str(exc)
    else:
        why = f"{type(bus).__name__} cannot tell what consumer groups committed"
    coverage = measure_coverage(
        contract,
        observer.messages(),
        received=received,
        violations=[
            v
            for v in settle(observer.violations, within_s=2.0, judgement=judgement)
            if judgement.fails(v)
        ],
        exchanges=observer.exchanges.exchanges(),
        judgement=judgement,
    )
    return coverage, why


def _received_counts(contract: Contract, bus: CountsConsumed) -> dict[str, Mapping[str, int]]:
    counts: dict[str, Mapping[str, int]] = {}
    for service in contract.services.values():
        channels = contract.consumed_by(service.id)
        if channels:
            counts[service.id] = bus.consumed_counts(service.consumer_group, channels)
    return counts


def gate_heading(applied: bool, partial: str, mode: str) -> str:
    """The line that says whether the gate applied to this run, and why (not)."""
    if applied:
        return f"gate: applied (--contract-coverage-gate={mode})"
    if mode == "off":
        return "gate: not applied (--contract-coverage-gate=off)"
    return f"gate: not applied, a partial run ({partial})"
