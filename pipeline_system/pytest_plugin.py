"""pytest plugin (entry point ``pipeline_system``): the whole simulated pipeline on the real broker.

``simulated_system`` starts BOS, BCS and every simulator once per session on the session's
KafkaBus. Leave services out with ``--without SERVICE`` (repeatable) or
``PIPELINE_HARNESS_WITHOUT=els,spellchecker`` and start your real ones against the same broker
(``KAFKA_BOOTSTRAP_SERVERS``, and ``PIPELINE_HARNESS_TOPIC_PREFIX`` if you use one) and
``--bos-url`` when BOS itself is yours.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from harness.client import PipelineClient
from harness.contract import Contract
from harness.kafka_bus import KafkaBus
from harness.observer import ContractObserver
from pipeline_system.system import SERVICES, SimulatedSystem, build_system
from reference_impl import OrchestratorConfig


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pipeline-harness")
    group.addoption(
        "--without",
        action="append",
        default=[],
        metavar="SERVICE",
        help=f"leave a service out of the simulated system (one of: {', '.join(SERVICES)})",
    )
    group.addoption("--bos-url", help="the HTTP address of a real BOS (with --without bos)")


def _left_out(config: pytest.Config) -> set[str]:
    named = set(config.getoption("--without"))
    from_env = os.environ.get("PIPELINE_HARNESS_WITHOUT", "")
    return named | {s.strip() for s in from_env.split(",") if s.strip()}


@pytest.fixture(scope="session")
def orchestrator_config() -> OrchestratorConfig:
    """The reference BOS's settings in ``simulated_system``; override it to change them."""
    return OrchestratorConfig()


@pytest.fixture(scope="session")
def simulated_system(
    request: pytest.FixtureRequest,
    pipeline_contract: Contract,
    kafka_bus: KafkaBus,
    orchestrator_config: OrchestratorConfig,
    pipeline_observer: ContractObserver,
) -> Iterator[SimulatedSystem]:
    """BOS, BCS and every simulator (less ``--without``), started on the session's broker.
    Texts are read and written over HTTP, as in the real system, and every HTTP exchange goes
    to the wire check (``pipeline_observer.exchanges``)."""
    system = build_system(
        pipeline_contract,
        kafka_bus,
        without=_left_out(request.config),
        orchestrator=orchestrator_config,
        exchanges=pipeline_observer.exchanges,
        content_over_http=True,
    )
    system.start()
    yield system
    system.stop()


@pytest.fixture(scope="session")
def pipeline_client(
    request: pytest.FixtureRequest, simulated_system: SimulatedSystem
) -> PipelineClient:
    """Registers batches (HTTP to BOS) and requests pipelines (Kafka), as the real client does."""
    return simulated_system.client(request.config.getoption("--bos-url"))
