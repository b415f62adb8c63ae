"""Fixtures every unit test may use: the in-memory bus and a wire check on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.contract import Contract
from harness.memory_bus import InMemoryBus
from harness.observer import ContractObserver


@pytest.fixture
def memory_bus(contract: Contract) -> Iterator[InMemoryBus]:
    bus = InMemoryBus(contract)
    bus.start()
    yield bus
    bus.stop()


@pytest.fixture
def wire(contract: Contract, memory_bus: InMemoryBus) -> Iterator[ContractObserver]:
    observer = ContractObserver(contract, memory_bus)
    observer.start()
    yield observer
    observer.stop()
