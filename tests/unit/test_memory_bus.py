"""The shared bus behaviour suite on the in-memory bus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.contract import Contract
from harness.memory_bus import InMemoryBus
from tests.bus_behaviour import *  # noqa: F403


@pytest.fixture
def bus(contract: Contract) -> Iterator[InMemoryBus]:
    bus = InMemoryBus(contract)
    bus.start()
    yield bus
    bus.stop()
