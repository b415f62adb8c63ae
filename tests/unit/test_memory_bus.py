"""The shared bus behaviour suite on the in-memory bus."""

from __future__ import annotations

import pytest

from harness.memory_bus import InMemoryBus
from tests.bus_behaviour import *  # noqa: F403


@pytest.fixture
def bus(memory_bus: InMemoryBus) -> InMemoryBus:
    """The shared behaviour suite's ``bus``: the unit tests' in-memory bus."""
    return memory_bus
