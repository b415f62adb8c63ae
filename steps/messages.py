"""Steps about messages on the wire: who publishes what for the batch or the request, with which
fields and which correlation id. Messages are named as in the contract (the real class names).

"for the batch" filters by the batch id; "for the request" also by the correlation id of the
scenario's latest pipeline request. Counts are of events (a redelivered envelope is one event).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest
from pytest_bdd import then

from harness.contract import Contract
from harness.errors import WaitTimeout
from harness.observer import ContractObserver
from harness.waiting import wait_for
from steps.context import BatchUnderTest, Deadlines, PipelineScenario
from steps.expectations import (
    channel_of,
    events,
    expect_event,
    expect_events,
    expect_fields,
    expect_sender,
)
from steps.parameters import phrase, service_id, table_rows

Scope = tuple[str, str | None]
"""(batch id, correlation id or None) a step looks at."""


def _scope(scenario: PipelineScenario, request: pytest.FixtureRequest, of: str) -> Scope:
    """What a step looks at: "the request" (its batch and correlation id), or "the batch"
    (the ``scenario_batch`` fixture's id)."""
    if of == "request":
        return scenario.request.batch_id, scenario.request.correlation_id
    if of == "batch":
        batch: BatchUnderTest = request.getfixturevalue("scenario_batch")
        return batch.batch_id, None
    raise LookupError(f'say "for the batch" or "for the request", not "for the {of}"')


def _publishes(
    contract: Contract,
    observer: ContractObserver,
    deadlines: Deadlines,
    scope: Scope,
    sender: str,
    message: str,
    count: int,
) -> None:
    batch_id, correlation_id = scope
    found = expect_events(
        observer,
        channel_of(contract, message),
        count=count,
        within_s=deadlines.pipeline_s,
        batch_id=batch_id,
        correlation_id=correlation_id,
    )
    for event in found:
        expect_sender(contract, event, service_id(contract, sender))
    assert len(found) == count, f"{len(found)} x {message}, not {count}: {found[-1].summary()}"


@then(phrase("{sender} publishes {message:Message} for the {of:Name}"))
def publishes(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    request: pytest.FixtureRequest,
    sender: str,
    message: str,
    of: str,
) -> None:
    scope = _scope(pipeline_scenario, request, of)
    _publishes(pipeline_contract, pipeline_observer, step_deadlines, scope, sender, message, 1)


@then(phrase("{sender} publishes {count:d} {message:Message} for the {of:Name}"))
def publishes_count(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    request: pytest.FixtureRequest,
    sender: str,
    count: int,
    message: str,
    of: str,
) -> None:
    scope = _scope(pipeline_scenario, request, of)
    _publishes(pipeline_contract, pipeline_observer, step_deadlines, scope, sender, message, count)


@then(phrase("{sender} publishes {message:Message} for the {of:Name} with:"))
def publishes_with(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    request: pytest.FixtureRequest,
    sender: str,
    message: str,
    of: str,
    datatable: Sequence[Sequence[str]],
) -> None:
    batch_id, correlation_id = _scope(pipeline_scenario, request, of)
    found = expect_fields(
        pipeline_observer,
        channel_of(pipeline_contract, message),
        table_rows(datatable, header=("field", "value")),
        within_s=step_deadlines.pipeline_s,
        batch_id=batch_id,
        correlation_id=correlation_id,
    )
    expect_sender(pipeline_contract, found, service_id(pipeline_contract, sender))


@then(phrase("{sender} publishes no {message:Message} for the {of:Name}"))
def publishes_none(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    request: pytest.FixtureRequest,
    sender: str,
    message: str,
    of: str,
) -> None:
    service_id(pipeline_contract, sender)  # a name the contract knows
    batch_id, correlation_id = _scope(pipeline_scenario, request, of)
    pipeline_observer.expect_none(
        channel_of(pipeline_contract, message),
        batch_id=batch_id,
        correlation_id=correlation_id,
        for_s=step_deadlines.quiet_s,
    )


@then(phrase("{sender} publishes exactly one {message:Message} for the {of:Name}"))
def publishes_exactly_one(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    request: pytest.FixtureRequest,
    sender: str,
    message: str,
    of: str,
) -> None:
    batch_id, correlation_id = _scope(pipeline_scenario, request, of)
    channel = channel_of(pipeline_contract, message)
    first = expect_event(
        pipeline_observer,
        channel,
        within_s=step_deadlines.pipeline_s,
        batch_id=batch_id,
        correlation_id=correlation_id,
    )
    expect_sender(pipeline_contract, first, service_id(pipeline_contract, sender))
    pipeline_observer.expect_none(  # a second event, within the quiet window
        channel,
        batch_id=batch_id,
        correlation_id=correlation_id,
        where=lambda m: m.get("/event_id") != first.get("/event_id"),
        for_s=step_deadlines.quiet_s,
    )


# --- correlation ids (the seed: the ORIGINAL id throughout, a NEW one per LLM comparison) ----


@then(phrase("every message of these kinds for the batch carries the request's correlation id:"))
def kinds_carry_request_id(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    datatable: Sequence[Sequence[str]],
) -> None:
    wanted = pipeline_scenario.request
    for (message,) in table_rows(datatable, header=("message",)):
        channel = channel_of(pipeline_contract, message)
        expect_event(
            pipeline_observer, channel, within_s=step_deadlines.pipeline_s, batch_id=wanted.batch_id
        )
        other = [
            m
            for m in events(pipeline_observer, channel, batch_id=wanted.batch_id)
            if m.correlation_id != wanted.correlation_id
        ]
        assert not other, (
            f"{message} carries another correlation id than the request's "
            f"({wanted.correlation_id}): {other[0].summary()}"
        )


@then(phrase("each {message:Message} for the batch carries a new correlation id of its own"))
def each_has_new_id(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    message: str,
) -> None:
    batch_id = pipeline_scenario.request.batch_id
    channel = channel_of(pipeline_contract, message)
    expect_event(pipeline_observer, channel, within_s=step_deadlines.pipeline_s, batch_id=batch_id)
    ids = [str(m.correlation_id) for m in events(pipeline_observer, channel, batch_id=batch_id)]
    shared = sorted({i for i in ids if ids.count(i) > 1})
    assert not shared, f"{message}s share correlation ids: {shared}"
    reused = set(ids) & set(pipeline_scenario.correlation_ids)
    assert not reused, f"{message} reuses the scenario's correlation ids {sorted(map(str, reused))}"


@then(
    phrase(
        "each {message:Message} for the batch carries the correlation id of the "
        "{answered:Message} it answers"
    )
)
def each_answers(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    message: str,
    answered: str,
) -> None:
    batch_id = pipeline_scenario.request.batch_id
    questions = events(
        pipeline_observer, channel_of(pipeline_contract, answered), batch_id=batch_id
    )
    answers = expect_events(
        pipeline_observer,
        channel_of(pipeline_contract, message),
        count=max(len(questions), 1),
        within_s=step_deadlines.pipeline_s,
        batch_id=batch_id,
    )
    asked = sorted(str(m.correlation_id) for m in questions)
    answered_ids = sorted(str(m.correlation_id) for m in answers)
    assert answered_ids == asked, (
        f"{len(answers)} {message} for {len(questions)} {answered}; "
        f"unanswered: {sorted(set(asked) - set(answered_ids))}, "
        f"answering nothing: {sorted(set(answered_ids) - set(asked))}"
    )


@then(phrase("{message:Message} carries the request's correlation id again"))
def carries_request_id_again(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    step_deadlines: Deadlines,
    message: str,
) -> None:
    wanted = pipeline_scenario.request
    found = expect_event(
        pipeline_observer,
        channel_of(pipeline_contract, message),
        within_s=step_deadlines.pipeline_s,
        batch_id=wanted.batch_id,
    )
    assert found.correlation_id == wanted.correlation_id, (
        f"{message} carries {found.correlation_id}, not the request's {wanted.correlation_id}"
    )


@then(phrase("every message for the batch crossed the wire twice"))
def every_message_twice_on_the_wire(
    pipeline_observer: ContractObserver, step_deadlines: Deadlines, scenario_batch: BatchUnderTest
) -> None:
    def copies() -> Counter[object]:
        return Counter(
            m.get("/event_id") for m in pipeline_observer.messages(batch_id=scenario_batch.batch_id)
        )

    def all_twice() -> bool:
        counted = copies()
        return bool(counted) and min(counted.values()) >= 2

    try:
        wait_for(all_twice, within_s=step_deadlines.message_s, awaited="a second copy of each")
    except WaitTimeout:
        once = [
            m.summary()
            for m in pipeline_observer.messages(batch_id=scenario_batch.batch_id)
            if copies()[m.get("/event_id")] < 2
        ]
        raise AssertionError(f"{len(once)} messages crossed the wire once: {once[:5]}") from None
