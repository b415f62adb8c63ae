"""The pytest plugin (entry point ``pipeline_harness``): contract, bus, wire-check and message
fixtures (``message_factory``: clean test messages of every channel, harness.message_factory).

Installed with the package, so another repository's tests get them too::

    def test_my_service_output(pipeline_contract, kafka_bus):
        channel = pipeline_contract.channel("huleedu.els.batch.phase.outcome.v1")
        ...

The broker is real, and the harness only needs its address: the ``kafka_bootstrap`` fixture of
the broker package's plugin (entry point ``kafka_broker``, kafka_broker.pytest_plugin), which
uses ``KAFKA_BOOTSTRAP_SERVERS`` or starts Apache Kafka itself. If no broker can start, that
fixture fails the tests loudly; it never skips them. Override ``kafka_bootstrap`` to bring one.
"""

from __future__ import annotations

import os
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from harness.contract import Contract, load_contract
from harness.expectations import Expectations
from harness.kafka import KafkaBus
from harness.observer import ContractObserver
from harness.rules import Judgement
from harness.settings import Settings
from harness.validation import ContractValidator

if TYPE_CHECKING:
    from harness.message_factory import MessageFactory


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pipeline-harness")
    group.addoption(
        "--strict-rules",
        action="store_true",
        help="fail on breaches of the contract's named clean rules by any service, not only "
        "by this project's own (breaking findings always fail; `pipeline-harness rules` lists "
        "the rules)",
    )


@pytest.fixture(scope="session")
def pipeline_judgement(request: pytest.FixtureRequest) -> Judgement:
    """Which wire-check findings fail a test: breaking ones always, rule breaches only with
    ``--strict-rules`` (the pipeline_system plugin adds: always for the services it runs)."""
    return Judgement(strict=bool(request.config.getoption("--strict-rules")))


@pytest.fixture(scope="session")
def pipeline_settings() -> Settings:
    """Settings from the environment, with a topic prefix unique to this test run.

    A per-run prefix (not per-test topics) keeps runs on a shared cluster apart while creating
    the contract's topics only once per run; tests keep apart by unique batch and correlation ids.
    """
    settings = Settings.from_env(os.environ)
    if "PIPELINE_HARNESS_TOPIC_PREFIX" in os.environ:  # set, even empty: the user's choice
        return settings  # (empty: the real topic names, so real services can take part)
    return replace(settings, topic_prefix=f"test-{uuid.uuid4().hex[:8]}.")


@pytest.fixture(scope="session")
def pipeline_contract(pipeline_settings: Settings) -> Contract:
    """The contract, loaded once for the session."""
    return load_contract(pipeline_settings.contract_path)


@pytest.fixture(scope="session")
def kafka_bus(
    pipeline_contract: Contract, pipeline_settings: Settings, kafka_bootstrap: str
) -> Iterator[KafkaBus]:
    """A started KafkaBus on the session's broker, the contract's topics created."""
    bus = KafkaBus(
        pipeline_contract,
        bootstrap_servers=kafka_bootstrap,
        topic_prefix=pipeline_settings.topic_prefix,
    )
    bus.start()
    yield bus
    bus.stop()


@pytest.fixture
def isolated_kafka_bus(
    pipeline_contract: Contract, pipeline_settings: Settings, kafka_bootstrap: str
) -> Iterator[KafkaBus]:
    """A started KafkaBus with topics of its own (a fresh prefix), for a test whose services
    must not share consumer groups with the session's (e.g. a second BOS)."""
    prefix = f"{pipeline_settings.topic_prefix}{uuid.uuid4().hex[:6]}."
    bus = KafkaBus(pipeline_contract, bootstrap_servers=kafka_bootstrap, topic_prefix=prefix)
    bus.start()
    yield bus
    bus.stop()


@pytest.fixture(scope="session")
def pipeline_observer(
    pipeline_contract: Contract, kafka_bus: KafkaBus
) -> Iterator[ContractObserver]:
    """The wire check: a tap on every channel of the contract, for the whole session."""
    observer = ContractObserver(pipeline_contract, kafka_bus)
    observer.start()
    yield observer
    observer.stop()


@pytest.fixture
def pipeline_wire(pipeline_observer: ContractObserver) -> Expectations:
    """The one expectation driver over the session's observer (counts are of events)::

    done = pipeline_wire.expect("batchPipelineCompleted", batch_id=batch_id, within_s=30)
    """
    return Expectations(pipeline_observer, within_s=30.0)


@pytest.fixture(scope="session")
def pipeline_validator(pipeline_contract: Contract) -> ContractValidator:
    """The contract's validator, its schemas compiled once for the session."""
    return ContractValidator(pipeline_contract)


@pytest.fixture
def message_factory(
    pipeline_contract: Contract,
    pipeline_validator: ContractValidator,
    request: pytest.FixtureRequest,
) -> MessageFactory:
    """Clean messages of the contract for your consumer's tests, one call each::

        def test_my_consumer(message_factory):
            outcome = message_factory.build_envelope("ELSBatchPhaseOutcomeV1", data={...})
            my_consumer.handle(outcome)  # a dict, exactly what goes on the wire

    Seeded from the test's id: a test gets the same messages on every run, its neighbours other
    ones (``message_factory.seed`` is the seed). See harness.message_factory.
    """
    from harness.message_factory import MessageFactory  # polyfactory, faker, the models: 1.5 s

    seed = zlib.crc32(request.node.nodeid.encode("utf-8"))
    return MessageFactory(pipeline_contract, seed=seed, validator=pipeline_validator)
