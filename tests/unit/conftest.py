"""Fixtures every unit test may use: the in-memory bus and a wire check on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.contract import Contract
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.observer import ContractObserver


@pytest.fixture
def memory_bus(contract: Contract) -> Iterator[InMemoryBus]:
    bus = InMemoryBus(contract)
    bus.start()
    yield bus
    bus.stop()


@pytest.fixture
def wire(contract: Contract, memory_bus: InMemoryBus) -> Iterator[Expectations]:
    """The one expectation driver over a contract observer of ``memory_bus``."""
    observer = ContractObserver(contract, memory_bus)
    observer.start()
    yield Expectations(observer, within_s=5.0)
    observer.stop()
