"""Watching the bus in tests: every envelope of every channel, looked up by channel and batch."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx

from harness.bus import Bus, Delivery
from harness.contract import Contract
from harness.envelope import Envelope
from harness.waiting import wait_for

Where = Callable[[Envelope], bool]


class Wire:
    """A tap on every channel (from the beginning); waits poll against a deadline."""

    def __init__(self, contract: Contract, bus: Bus) -> None:
        self._lock = threading.Lock()
        self._seen: list[tuple[str, Envelope]] = []
        self._dead: list[Delivery] = []
        channels = list(contract)
        bus.subscribe(channels, group=None, handler=self._record, name="test-wire")
        bus.subscribe([contract.dead_letter_channel], group=None, handler=self._dead.append)

    def _record(self, delivery: Delivery) -> None:
        with self._lock:
            self._seen.append((delivery.channel.id, delivery.envelope()))

    def messages(self, channel_id: str, batch_id: str | None = None) -> list[Envelope]:
        with self._lock:
            seen = list(self._seen)
        return [e for c, e in seen if c == channel_id and (batch_id is None or _about(e, batch_id))]

    def wait(
        self,
        channel_id: str,
        batch_id: str,
        *,
        count: int = 1,
        where: Where = lambda _e: True,
        within_s: float = 10.0,
    ) -> list[Envelope]:
        """The first ``count`` messages on ``channel_id`` about ``batch_id`` matching ``where``."""

        def found() -> list[Envelope] | None:
            hits = [e for e in self.messages(channel_id, batch_id) if where(e)]
            return hits if len(hits) >= count else None

        return wait_for(
            found,
            within_s=within_s,
            awaited=f"{count} x {channel_id} for batch {batch_id}",
            seen=lambda: [f"{c}: {e.data}" for c, e in self._seen[-10:]],
        )

    def dead_letters(self) -> list[Delivery]:
        return list(self._dead)


def _about(envelope: Envelope, batch_id: str) -> bool:
    data = envelope.data
    return batch_id in (data.get("batch_id"), data.get("entity_id"))


def http(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One JSON call; returns (status, decoded body) for success and error statuses alike."""
    raw = body if isinstance(body, bytes) else None
    response = httpx.request(
        method,
        url,
        content=raw,
        json=None if raw is not None or body is None else body,
        headers={"Content-Type": "application/json", **(headers or {})},
        timeout=10,
    )
    return response.status_code, response.json()


def problem(answer: Any) -> str:
    """The text of an error answer: ErrorDetail's message and field, or the real ``detail``."""
    error = answer.get("error")
    if isinstance(error, dict):
        return f"{error['message']} (field {error.get('details', {}).get('field')})"
    return str(answer.get("detail", answer))
