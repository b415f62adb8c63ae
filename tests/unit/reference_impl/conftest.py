from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

from harness.contract import Contract
from harness.memory_bus import InMemoryBus
from harness.service import Outgoing
from harness.validation import ContractValidator
from tests.unit.reference_impl.rig import Rig

CheckMessages = Callable[[Iterable[Outgoing]], None]


@pytest.fixture(scope="session")
def check_messages(contract: Contract) -> CheckMessages:
    """Asserts that every outgoing message's data is valid for its channel in the contract."""
    validator = ContractValidator(contract)

    def check(outgoing: Iterable[Outgoing]) -> None:
        for message in outgoing:
            channel = contract.channel(message.channel_id)
            assert validator.explain_data(channel, dict(message.data)) == [], message

    return check


@pytest.fixture
def start_rig(contract: Contract, memory_bus: InMemoryBus) -> Iterator[Callable[..., Rig]]:
    """Starts BCS + BOS on the in-memory bus (configs by keyword); stops them afterwards."""
    rigs: list[Rig] = []

    def start(**parts: Any) -> Rig:
        rig = Rig.start(contract, memory_bus, **parts)
        rigs.append(rig)
        return rig

    yield start
    for rig in rigs:
        rig.stop()
