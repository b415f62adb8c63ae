"""The correlation check tells a redelivered LLM comparison request from a second request.

At-least-once delivery puts the same envelope (same event_id) on the wire twice; that is one
request. Two envelopes (two event ids) under one correlation id are two requests sharing it.
"""

from __future__ import annotations

import copy
from typing import Any

from harness.contract import Contract
from harness.correlation import correlation_breaches
from harness.envelope import new_id
from harness.observed import ObservedMessage


def observed(contract: Contract, channel_id: str, document: dict[str, Any]) -> ObservedMessage:
    channel = contract.channel(channel_id)
    return ObservedMessage(channel, channel.address, None, 0, 0, 0.0, document)


def comparison_request(contract: Contract) -> dict[str, Any]:
    example = contract.channel("llmComparisonRequest").message.examples[0]
    document = copy.deepcopy(dict(example))
    document["event_id"] = new_id()
    document["correlation_id"] = new_id()
    return document


def test_the_same_request_delivered_twice_is_no_breach(contract: Contract) -> None:
    request = comparison_request(contract)
    twice = [observed(contract, "llmComparisonRequest", request) for _ in range(2)]
    assert correlation_breaches(twice) == []


def test_two_requests_sharing_a_correlation_id_are_a_breach(contract: Contract) -> None:
    first = comparison_request(contract)
    second = {**copy.deepcopy(first), "event_id": new_id()}
    breaches = correlation_breaches(
        [observed(contract, "llmComparisonRequest", d) for d in (first, second)]
    )
    assert [b.reason.split(" (")[0] for b in breaches] == [
        "[correlation] shares its correlation id with another request"
    ] * 2
