"""The correlation check tells a redelivered LLM comparison request from a second request.

At-least-once delivery puts the same envelope (same event_id) on the wire twice; that is one
request. Two envelopes (two event ids) under one correlation id are two requests sharing it.
"""

from __future__ import annotations

from typing import Any

from harness.contract import Contract
from harness.correlation import correlation_breaches
from harness.message_factory import MessageFactory
from harness.observed import ObservedMessage

REQUEST = "LLMComparisonRequestV1"


def observed(contract: Contract, channel_id: str, document: dict[str, Any]) -> ObservedMessage:
    channel = contract.channel(channel_id)
    return ObservedMessage(channel, channel.address, None, 0, 0, 0.0, document)


def test_the_same_request_delivered_twice_is_no_breach(
    contract: Contract, message_factory: MessageFactory
) -> None:
    request = message_factory.build_envelope(REQUEST)  # a fresh event id and correlation id
    twice = [observed(contract, "llmComparisonRequest", request) for _ in range(2)]
    assert correlation_breaches(twice) == []


def test_two_requests_sharing_a_correlation_id_are_a_breach(
    contract: Contract, message_factory: MessageFactory
) -> None:
    first = message_factory.build_envelope(REQUEST)
    second = message_factory.build_envelope(REQUEST, correlation_id=first["correlation_id"])
    breaches = correlation_breaches(
        [observed(contract, "llmComparisonRequest", d) for d in (first, second)]
    )
    assert [b.reason.split(" (")[0] for b in breaches] == [
        "[correlation] shares its correlation id with another request"
    ] * 2
