"""Fixtures of the tests that run the commands as processes on the session's real broker."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from harness.contract import Contract
from harness.expectations import Expectations
from harness.kafka import KafkaBus
from harness.observer import ContractObserver


@pytest.fixture
def prefix(request: pytest.FixtureRequest) -> str:
    """A topic prefix of this test's own, so that its consumer groups meet no other test's."""
    module = request.module.__name__.rpartition(".")[2].removeprefix("test_")
    return f"{module}-{uuid.uuid4().hex[:8]}."


@pytest.fixture
def wire(pipeline_contract: Contract, kafka_bootstrap: str, prefix: str) -> Iterator[Expectations]:
    """The expectation driver over an observer of the topics under ``prefix``."""
    bus = KafkaBus(pipeline_contract, bootstrap_servers=kafka_bootstrap, topic_prefix=prefix)
    bus.start()
    observer = ContractObserver(pipeline_contract, bus)
    observer.start()
    yield Expectations(observer, within_s=60.0)
    observer.stop()
    bus.stop()
