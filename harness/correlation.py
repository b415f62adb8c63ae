"""The correlation chain of a pipeline, checked across every message seen on the wire.

Each message of the contract says (``x-correlation``) which correlation id it carries:

- ``request``: a pipeline request; its correlation id starts a chain for its batch;
- ``pipeline``: the correlation id of a pipeline request seen for the same batch (every phase
  command, result, outcome, denial and the completion);
- ``comparison``: a NEW id per LLM comparison request: unique, and belonging to no pipeline;
- ``comparison-result``: the id of the comparison request it answers (a Kafka request, or an
  HTTP one: the real CJ asks the LLM provider over HTTP, ``requested_elsewhere`` holds those);
- ``registration`` / ``own``: ids outside the pipeline's chain (not checked here).

Checked after the fact over everything recorded, because the tap reads many topics at once and
may see a consequence before its cause.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from harness.errors import Violation
from harness.observed import ObservedMessage


def correlation_breaches(
    messages: Sequence[ObservedMessage],
    *,
    batch_id: str | None = None,
    requested_elsewhere: Iterable[str] = (),
) -> list[Violation]:
    """Every message whose correlation id breaks its chain (optionally for one batch);
    ``requested_elsewhere``: correlation ids of comparison requests made over HTTP."""
    chains = _pipeline_chains(messages)
    every_chain = {c for ids in chains.values() for c in ids}
    breaches = [
        *_pipeline_breaches(messages, chains, every_chain),
        *_comparison_breaches(messages, every_chain, set(requested_elsewhere)),
    ]
    return [
        _violation(message, reason)
        for message, reason in breaches
        if batch_id is None or message.batch_id == batch_id
    ]


def _pipeline_chains(messages: Iterable[ObservedMessage]) -> dict[str | None, set[str]]:
    chains: dict[str | None, set[str]] = defaultdict(set)
    for message in messages:
        if message.channel.message.correlation_kind == "request" and message.correlation_id:
            chains[message.batch_id].add(message.correlation_id)
    return chains


Breach = tuple["ObservedMessage", str]


def _pipeline_breaches(
    messages: Iterable[ObservedMessage], chains: dict[str | None, set[str]], every: set[str]
) -> Iterable[Breach]:
    for message in messages:
        if message.channel.message.correlation_kind != "pipeline" or message.document is None:
            continue
        allowed = chains.get(message.batch_id, set()) if message.batch_id else every
        if message.correlation_id not in allowed:
            yield message, f"not the correlation id of a pipeline request for {message.batch_id}"


def _comparison_breaches(
    messages: Sequence[ObservedMessage], every: set[str], over_http: set[str]
) -> list[Breach]:
    requests = [m for m in messages if m.channel.message.correlation_kind == "comparison"]
    results = [m for m in messages if m.channel.message.correlation_kind == "comparison-result"]
    # Requests are told apart by event id: a redelivery (the same envelope again, as
    # at-least-once delivery allows) is the same request, not a second one with the same id.
    events_per_id: dict[str | None, set[object]] = defaultdict(set)
    for message in requests:
        events_per_id[message.correlation_id].add(message.get("/event_id"))
    breaches: list[Breach] = []
    for message in requests:
        if message.correlation_id in every:
            breaches.append((message, "reuses the pipeline's correlation id"))
        elif len(events_per_id[message.correlation_id]) > 1:
            breaches.append((message, "shares its correlation id with another request"))
    for message in results:
        if message.correlation_id not in events_per_id and message.correlation_id not in over_http:
            breaches.append((message, "answers no comparison request"))
    return breaches


def _violation(message: ObservedMessage, reason: str) -> Violation:
    return Violation(
        message.channel.address,
        message.name,
        "/correlation_id",
        f"[correlation] {reason} (correlation_id {message.correlation_id})",
        sender=message.sender,
    )
