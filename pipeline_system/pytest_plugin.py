"""pytest plugin (entry point ``pipeline_system``): the whole simulated pipeline on the real broker.

``simulated_system`` starts BOS, BCS and every simulator once per session on the session's
KafkaBus. Leave services out with ``--without SERVICE`` (repeatable) or
``PIPELINE_HARNESS_WITHOUT=els,spellchecker`` and start your real ones against the same broker
(``KAFKA_BOOTSTRAP_SERVERS``, and ``PIPELINE_HARNESS_TOPIC_PREFIX`` if you use one) and
``--bos-url`` when BOS itself is yours.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from harness.client import PipelineClient
from harness.contract import Contract
from harness.errors import UsageError
from harness.kafka import KafkaBus
from harness.observer import ContractObserver
from harness.rules import Judgement
from pipeline_system.environment import SystemAddresses, real_service_environment
from pipeline_system.processes import ProcessPlan, ProcessSystem, parse_replicas
from pipeline_system.system import SimulatedSystem, build_system, without_option
from reference_impl import ConductorConfig, OrchestratorConfig


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pipeline-harness")
    group.addoption("--without", **without_option())
    group.addoption("--bos-url", help="the HTTP address of a real BOS (with --without bos)")
    group.addoption(
        "--phase-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="the reference BOS's phase timeout (default 300; real services are slower)",
    )
    group.addoption(
        "--no-bos-status-view",
        action="store_true",
        help="switch the reference BOS's own GET /v1/batches/{id} off: the steps then judge "
        "BOS only by what any BOS offers (its events, the real pipeline-state endpoint)",
    )
    group.addoption(
        "--content-port",
        type=int,
        default=0,
        help="serve the Content Service on this port (a real service started beforehand "
        "needs a fixed address; default: a free one, printed)",
    )
    group.addoption(
        "--processes",
        action="store_true",
        help="run every simulated service in its own OS process (as `up --processes`); the "
        "test session keeps the Content Service and the wire check. Scenarios that change a "
        "simulator's behaviour need it in this process: they fail, saying so",
    )
    group.addoption(
        "--replicas",
        action="append",
        default=[],
        metavar="SERVICE=N",
        help="with --processes: N processes of one service sharing its partitions",
    )
    group.addoption(
        "--bcs-port",
        type=int,
        default=0,
        help="serve BCS on this port (a real BOS started beforehand needs it; default: free)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """``--processes`` and ``--replicas`` checked once, as a usage error (one line)."""
    processes = config.getoption("--processes", default=False)
    replicas = config.getoption("--replicas", default=[]) or []
    if replicas and not processes:
        raise pytest.UsageError("--replicas runs several processes of a service: add --processes")
    if processes:
        if config.getoption("--no-bos-status-view", default=False):
            raise pytest.UsageError(
                "--no-bos-status-view is for the BOS of this process; with --processes BOS "
                "runs as `serve bos`, which keeps its status view"
            )
        try:
            parse_replicas(replicas)
        except UsageError as exc:
            raise pytest.UsageError(str(exc)) from None


def _left_out(config: pytest.Config) -> set[str]:
    named = set(config.getoption("--without"))
    from_env = os.environ.get("PIPELINE_HARNESS_WITHOUT", "")
    return named | {s.strip() for s in from_env.split(",") if s.strip()}


def orchestrator_settings(
    config: pytest.Config, *, phase_timeout_s: float = 300.0
) -> OrchestratorConfig:
    """The reference BOS's settings from the command line (``--phase-timeout``,
    ``--no-bos-status-view``), with this suite's default phase timeout."""
    timeout = config.getoption("--phase-timeout")
    return OrchestratorConfig(
        phase_timeout_s=phase_timeout_s if timeout is None else timeout,
        status_view=not config.getoption("--no-bos-status-view"),
    )


@pytest.fixture(scope="session")
def pipeline_judgement(request: pytest.FixtureRequest, pipeline_contract: Contract) -> Judgement:
    """Breaking findings fail; rule breaches fail for the services this suite runs (they must
    pass strict) and, with --strict-rules, for the real ones left out with --without too."""
    return Judgement.for_run(
        pipeline_contract.services,
        without=_left_out(request.config),
        strict=bool(request.config.getoption("--strict-rules")),
    )


@pytest.fixture(scope="session")
def orchestrator_config(request: pytest.FixtureRequest) -> OrchestratorConfig:
    """The reference BOS's settings in ``simulated_system``; override it (with
    ``orchestrator_settings``) to change the defaults."""
    return orchestrator_settings(request.config)


@pytest.fixture(scope="session")
def simulated_system(
    request: pytest.FixtureRequest,
    pipeline_contract: Contract,
    kafka_bus: KafkaBus,
    orchestrator_config: OrchestratorConfig,
    pipeline_observer: ContractObserver,
) -> Iterator[SimulatedSystem | ProcessSystem]:
    """BOS, BCS and every simulator (less ``--without``), started on the session's broker
    (with ``--processes``, each in its own process).
    Texts are read and written over HTTP, as in the real system, and every HTTP exchange goes
    to the wire check (``pipeline_observer.exchanges``)."""
    left_out = _left_out(request.config)
    config = request.config
    later = _MainThreadLines(config)
    system: SimulatedSystem | ProcessSystem
    if config.getoption("--processes"):
        plan = ProcessPlan(
            without=frozenset(left_out),
            replicas=parse_replicas(config.getoption("--replicas")),
            phase_timeout_s=orchestrator_config.phase_timeout_s,
            bcs_port=config.getoption("--bcs-port"),
            content_port=config.getoption("--content-port"),
        )
        system = ProcessSystem(
            pipeline_contract,
            kafka_bus,
            plan,
            bootstrap=kafka_bus.bootstrap_servers,
            topic_prefix=kafka_bus.topic_prefix,
            exchanges=pipeline_observer.exchanges,
            say=later.say,
        )
    else:
        system = build_system(
            pipeline_contract,
            kafka_bus,
            without=left_out,
            orchestrator=orchestrator_config,
            conductor=ConductorConfig(http_port=config.getoption("--bcs-port")),
            exchanges=pipeline_observer.exchanges,
            content_over_http=True,
            content_port=config.getoption("--content-port"),
        )
    system.start()
    if left_out:
        _print_environment(config, system, kafka_bus, sorted(left_out))
    yield system
    system.stop()
    later.flush()


class _MainThreadLines:
    """What the service processes say: printed at once from the main thread, and from their
    reader threads kept until the session ends (pytest's capture is not thread-safe)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.pending: list[str] = []
        self._lock = threading.Lock()

    def say(self, line: str) -> None:
        if threading.current_thread() is threading.main_thread():
            _print(self.config, f"[pipeline-harness] {line}")
            return
        with self._lock:
            self.pending.append(line)

    def flush(self) -> None:
        with self._lock:
            lines, self.pending = self.pending, []
        if lines:
            _print(self.config, "\n".join(f"[pipeline-harness] {line}" for line in lines))


@pytest.fixture(scope="session")
def pipeline_client(
    request: pytest.FixtureRequest, simulated_system: SimulatedSystem | ProcessSystem
) -> PipelineClient:
    """Registers batches (HTTP to BOS) and requests pipelines (Kafka), as the real client does."""
    return simulated_system.client(request.config.getoption("--bos-url"))


def _print_environment(
    config: pytest.Config,
    system: SimulatedSystem | ProcessSystem,
    bus: KafkaBus,
    left_out: list[str],
) -> None:
    """The addresses, and the environment each left-out real service reads to join (on the
    terminal, past pytest's output capture)."""
    addresses = SystemAddresses.of(
        system, bootstrap=bus.bootstrap_servers, topic_prefix=bus.topic_prefix
    )
    lines = [f"{key}={value}" for key, value in addresses.values.items() if value]
    for service_id in left_out:
        lines += [
            f"# {service_id} is left out: your real one needs",
            real_service_environment(service_id, addresses),
        ]
    _print(config, "\n".join(f"[pipeline-harness] {line}" for line in ["", *lines]))


def _print(config: pytest.Config, text: str) -> None:
    """On the terminal, past pytest's output capture."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        print(text, flush=True)
        return
    with capture.global_and_fixture_disabled():
        print(text, flush=True)
