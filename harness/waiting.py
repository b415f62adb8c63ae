"""Waiting against a deadline: poll a condition, never sleep a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from harness.errors import WaitTimeout

T = TypeVar("T")


def wait_for(
    probe: Callable[[], T | None],
    *,
    within_s: float,
    awaited: str,
    seen: Callable[[], list[str]] = list,
    correlation_id: str | None = None,
    interval_s: float = 0.005,
) -> T:
    """The first truthy value of ``probe()``; WaitTimeout (showing ``seen()``) at the deadline."""
    deadline = time.monotonic() + within_s
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise WaitTimeout(
                awaited, within_s=within_s, correlation_id=correlation_id, seen=seen()
            )
        time.sleep(interval_s)
