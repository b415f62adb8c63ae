"""Expectations on the wire that the steps share, built on the contract observer.

A redelivered envelope is the same event, so counts are of distinct event ids. Every wait polls
against a deadline and is filtered by batch id and, for a pipeline's messages, by the request's
correlation id; a timeout says what was awaited and shows the last messages of the batch::

    completions = expect_events(observer, "batchPipelineCompleted", count=1, within_s=30,
                                batch_id=batch_id, correlation_id=request.correlation_id)
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.contract import Contract
from harness.errors import WaitTimeout
from harness.observer import ContractObserver, ObservedMessage, Where
from harness.waiting import wait_for
from steps.parameters import field_differences


def channel_of(contract: Contract, message: str) -> str:
    """The channel id of a message named as in the contract (e.g. BatchPipelineCompletedV1)."""
    return contract.message(message).channel_id


def events(
    observer: ContractObserver,
    channel: str,
    *,
    batch_id: str,
    correlation_id: str | None = None,
    where: Where | None = None,
) -> list[ObservedMessage]:
    """The matching messages, one per event id (the first copy of each)."""
    first: dict[object, ObservedMessage] = {}
    for message in observer.messages(
        channel, batch_id=batch_id, correlation_id=correlation_id, where=where
    ):
        first.setdefault(message.get("/event_id") or id(message), message)
    return list(first.values())


def expect_events(
    observer: ContractObserver,
    channel: str,
    *,
    count: int,
    within_s: float,
    batch_id: str,
    correlation_id: str | None = None,
    where: Where | None = None,
) -> list[ObservedMessage]:
    """Wait until ``count`` distinct events match; return them (there may be more)."""
    name = observer.contract.channel(channel).message.name

    def enough() -> list[ObservedMessage] | None:
        found = events(
            observer, channel, batch_id=batch_id, correlation_id=correlation_id, where=where
        )
        return found if len(found) >= count else None

    return wait_for(
        enough,
        within_s=within_s,
        awaited=f"{count} x {name} for batch {batch_id}",
        seen=lambda: [m.summary() for m in observer.messages(batch_id=batch_id)[-10:]],
        correlation_id=correlation_id,
    )


def expect_event(
    observer: ContractObserver,
    channel: str,
    *,
    within_s: float,
    batch_id: str,
    correlation_id: str | None = None,
    where: Where | None = None,
) -> ObservedMessage:
    """Wait for the first matching event and return it."""
    found = expect_events(
        observer,
        channel,
        count=1,
        within_s=within_s,
        batch_id=batch_id,
        correlation_id=correlation_id,
        where=where,
    )
    return found[0]


def expect_fields(
    observer: ContractObserver,
    channel: str,
    rows: Sequence[Sequence[str]],
    *,
    within_s: float,
    batch_id: str,
    correlation_id: str | None = None,
) -> ObservedMessage:
    """Wait for a message whose data has every ``| field | value |`` row; say what differs."""
    try:
        return observer.expect(
            channel,
            batch_id=batch_id,
            correlation_id=correlation_id,
            where=lambda m: not field_differences(m.data, rows),
            within_s=within_s,
        )
    except WaitTimeout as timeout:
        seen = observer.messages(channel, batch_id=batch_id, correlation_id=correlation_id)
        if not seen:
            raise
        differences = "\n  ".join(field_differences(seen[-1].data, rows))
        raise AssertionError(
            f"{seen[-1].name} for batch {batch_id} does not say what the scenario expects:\n"
            f"  {differences}\nthe message: {seen[-1].summary()}"
        ) from timeout


def expect_sender(contract: Contract, message: ObservedMessage, service_id: str) -> None:
    """The message was published by ``service_id`` (its ``source_service``)."""
    expected = contract.service(service_id).source_service
    assert message.source_service == expected, (
        f"{message.name} was published by {message.source_service!r}, "
        f"not by {service_id} ({expected!r}): {message.summary()}"
    )
