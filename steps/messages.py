"""Steps about messages on the wire: who publishes what for the batch or the request, with which
fields and which correlation id. Messages are named as in the contract (the real class names).

"for the batch" filters by the batch id; "for the request" also by the correlation id of the
scenario's latest pipeline request. Counts are of events (a redelivered envelope is one event).
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_bdd import then

from steps.parameters import phrase, service_id, table_rows
from steps.pipeline import PipelineUnderTest
from steps.redelivery import expect_each_twice


def _publishes(pipeline: PipelineUnderTest, sender: str, message: str, of: str, count: int) -> None:
    found = pipeline.of(of).expect_events(pipeline.channel(message), count=count)
    for event in found:
        pipeline.expect_sender(event, sender)
    assert len(found) == count, f"{len(found)} x {message}, not {count}: {found[-1].summary()}"


@then(phrase("{sender} publishes {message:Message} for the {of:Name}"))
def publishes(pipeline: PipelineUnderTest, sender: str, message: str, of: str) -> None:
    _publishes(pipeline, sender, message, of, 1)


@then(phrase("{sender} publishes {count:d} {message:Message} for the {of:Name}"))
def publishes_count(
    pipeline: PipelineUnderTest, sender: str, count: int, message: str, of: str
) -> None:
    _publishes(pipeline, sender, message, of, count)


@then(phrase("{sender} publishes {message:Message} for the {of:Name} with:"))
def publishes_with(
    pipeline: PipelineUnderTest,
    sender: str,
    message: str,
    of: str,
    datatable: Sequence[Sequence[str]],
) -> None:
    rows = table_rows(datatable, header=("field", "value"))
    pipeline.expect_sender(pipeline.expect_fields(pipeline.channel(message), rows, of=of), sender)


@then(phrase("{sender} publishes no {message:Message} for the {of:Name}"))
def publishes_none(pipeline: PipelineUnderTest, sender: str, message: str, of: str) -> None:
    service_id(pipeline.contract, sender)  # a name the contract knows
    channel = pipeline.channel(message)
    pipeline.of(of).expect_none(channel, for_s=pipeline.deadlines.quiet_s)


@then(phrase("{sender} publishes exactly one {message:Message} for the {of:Name}"))
def publishes_exactly_one(pipeline: PipelineUnderTest, sender: str, message: str, of: str) -> None:
    channel, wire = pipeline.channel(message), pipeline.of(of)
    first = wire.expect(channel)
    pipeline.expect_sender(first, sender)
    quiet_s = pipeline.deadlines.quiet_s  # then no second event, within the quiet window
    wire.expect_none(channel, where=lambda m: m.event_id != first.event_id, for_s=quiet_s)


# --- correlation ids (the seed: the ORIGINAL id throughout, a NEW one per LLM comparison) ----


@then(phrase("every message of these kinds for the batch carries the request's correlation id:"))
def kinds_carry_request_id(pipeline: PipelineUnderTest, datatable: Sequence[Sequence[str]]) -> None:
    wanted = pipeline.request
    wire = pipeline.wire.scoped(batch_id=wanted.batch_id, within_s=pipeline.deadlines.pipeline_s)
    for (message,) in table_rows(datatable, header=("message",)):
        channel = pipeline.channel(message)
        wire.expect(channel)
        other = [m for m in wire.events(channel) if m.correlation_id != wanted.correlation_id]
        assert not other, (
            f"{message} carries another correlation id than the request's "
            f"({wanted.correlation_id}): {other[0].summary()}"
        )


@then(phrase("each {message:Message} for the batch carries a new correlation id of its own"))
def each_has_new_id(pipeline: PipelineUnderTest, message: str) -> None:
    channel = pipeline.channel(message)
    wire = pipeline.wire.scoped(
        batch_id=pipeline.request.batch_id, within_s=pipeline.deadlines.pipeline_s
    )
    wire.expect(channel)
    ids = [str(m.correlation_id) for m in wire.events(channel)]
    shared = sorted({i for i in ids if ids.count(i) > 1})
    assert not shared, f"{message}s share correlation ids: {shared}"
    reused = set(ids) & set(pipeline.scenario.correlation_ids)
    assert not reused, f"{message} reuses the scenario's correlation ids {sorted(map(str, reused))}"


@then(
    phrase(
        "each {message:Message} for the batch carries the correlation id of the "
        "{answered:Message} it answers"
    )
)
def each_answers(pipeline: PipelineUnderTest, message: str, answered: str) -> None:
    wire = pipeline.wire.scoped(
        batch_id=pipeline.request.batch_id, within_s=pipeline.deadlines.pipeline_s
    )
    questions = wire.events(pipeline.channel(answered))
    answers = wire.expect_events(pipeline.channel(message), count=max(len(questions), 1))
    asked = sorted(str(m.correlation_id) for m in questions)
    answered_ids = sorted(str(m.correlation_id) for m in answers)
    assert answered_ids == asked, (
        f"{len(answers)} {message} for {len(questions)} {answered}; "
        f"unanswered: {sorted(set(asked) - set(answered_ids))}, "
        f"answering nothing: {sorted(set(answered_ids) - set(asked))}"
    )


@then(phrase("{message:Message} carries the request's correlation id again"))
def carries_request_id_again(pipeline: PipelineUnderTest, message: str) -> None:
    wanted = pipeline.request
    found = pipeline.wire.expect(
        pipeline.channel(message), batch_id=wanted.batch_id, within_s=pipeline.deadlines.pipeline_s
    )
    assert found.correlation_id == wanted.correlation_id, (
        f"{message} carries {found.correlation_id}, not the request's {wanted.correlation_id}"
    )


@then(phrase("every message for the batch crossed the wire twice"))
def every_message_twice_on_the_wire(pipeline: PipelineUnderTest) -> None:
    wire = pipeline.wire.scoped(batch_id=pipeline.batch.batch_id)
    expect_each_twice(wire, within_s=pipeline.deadlines.message_s)
