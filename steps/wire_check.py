"""The wire check of one scenario: every message it caused must keep the contract.

A scenario's messages are those of its batch ids (the observer checks schema, event_type,
source_service, key and the correlation chain of each), plus any message without a batch id
that carries one of the scenario's correlation ids. A violation that fails the run's judgement
(breaking; a rule breach of this project's own services, or of any with --strict-rules) fails
the scenario, naming the message, the channel and the JSON pointer of each::

    violations = settled_violations(observer, scenario, within_s=2.0, judgement=judgement)
    if any(judgement.fails(v) for v in violations):
        raise WireCheckFailed(scenario.name, violations, judgement)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from harness.errors import ContractViolation, Violation, WaitTimeout
from harness.findings import counts, describe
from harness.observed import ObservedMessage
from harness.observer import ContractObserver
from harness.rules import Judgement
from harness.waiting import wait_for
from steps.context import PipelineScenario


def scenario_messages(
    observer: ContractObserver, scenario: PipelineScenario
) -> list[ObservedMessage]:
    """What crossed the wire for the scenario, in the order the observer saw it."""
    found: dict[tuple[str, int, int], ObservedMessage] = {}
    for batch_id in scenario.batch_ids:
        for message in observer.messages(batch_id=batch_id):
            found.setdefault((message.topic, message.partition, message.offset), message)
    for message in _without_batch(observer, scenario):
        found.setdefault((message.topic, message.partition, message.offset), message)
    return sorted(found.values(), key=lambda m: m.seen_at)


def scenario_violations(observer: ContractObserver, scenario: PipelineScenario) -> list[Violation]:
    """Every contract violation of the scenario's messages."""
    found = [v for batch_id in scenario.batch_ids for v in observer.violations(batch_id=batch_id)]
    return found + [v for m in _without_batch(observer, scenario) for v in m.violations]


def settled_violations(
    observer: ContractObserver,
    scenario: PipelineScenario,
    *,
    within_s: float,
    judgement: Judgement | None = None,
) -> list[Violation]:
    """The scenario's violations once settled (see ``settle``)."""
    return settle(
        lambda: scenario_violations(observer, scenario), within_s=within_s, judgement=judgement
    )


def settle(
    violations: Callable[[], list[Violation]],
    *,
    within_s: float,
    judgement: Judgement | None = None,
) -> list[Violation]:
    """``violations()`` once settled: none that fails ``judgement`` (by default: none at all),
    or still some after ``within_s``.

    The tap reads every topic at once, so it may record a consequence before its cause (a
    denial before the request it answers): a correlation chain is only broken if the cause
    still has not shown up after a while. A schema breach never goes away.
    """
    found: list[Violation] = []

    def clean() -> bool:
        found[:] = violations()
        return not any(judgement.fails(v) if judgement else True for v in found)

    with contextlib.suppress(WaitTimeout):
        wait_for(clean, within_s=within_s, awaited="the wire check to settle", interval_s=0.05)
    return found


def _without_batch(observer: ContractObserver, scenario: PipelineScenario) -> list[ObservedMessage]:
    """Messages with no batch id (it is missing or broken) carrying the scenario's ids."""
    return [
        m
        for correlation_id in dict.fromkeys(scenario.correlation_ids)
        for m in observer.messages(correlation_id=correlation_id)
        if m.batch_id is None
    ]


class WireCheckFailed(ContractViolation):
    """Messages of a scenario broke the contract; ``violations`` says which, where and why."""

    def __init__(
        self, scenario: str, violations: Sequence[Violation], judgement: Judgement | None = None
    ) -> None:
        super().__init__(violations)
        self.scenario = scenario
        failing = [v for v in self.violations if judgement is None or judgement.fails(v)]
        lines = "\n".join(f"  {line}" for line in describe(self.violations, judgement))
        self.args = (
            f"the wire check failed: {len(failing)} contract violation(s) in the messages of "
            f"scenario {scenario!r} ({counts(self.violations)}):\n{lines}",
        )
