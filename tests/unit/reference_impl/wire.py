"""Watching the bus in tests: the expectation driver on every channel, and the dead letters."""

from __future__ import annotations

from typing import Any

import httpx

from harness.bus import Bus, Delivery
from harness.contract import Contract
from harness.expectations import Expectations
from harness.observer import ContractObserver


def watch(contract: Contract, bus: Bus) -> Expectations:
    """The one expectation driver over a contract observer of every channel of ``bus``."""
    observer = ContractObserver(contract, bus)
    observer.start()
    return Expectations(observer, within_s=10.0)


class DeadLetters:
    """Every dead letter on the bus (the observer taps the contract's channels only)."""

    def __init__(self, contract: Contract, bus: Bus) -> None:
        self._dead: list[Delivery] = []
        bus.subscribe([contract.dead_letter_channel], group=None, handler=self._dead.append)

    def __call__(self) -> list[Delivery]:
        return list(self._dead)


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
