"""The composition root: the whole simulated pipeline assembled from one contract and one bus.

The only place that knows every part. The harness library knows no service; simulators and the
reference orchestrator never import each other (they meet on the bus); this module wires them::

    system = build_system(contract, bus)                      # everything, in-process
    system = build_system(contract, bus, without={"els"})     # a real ELS takes its place
    system = build_system(contract, bus, behaviours={"spellchecker": SpellcheckBehaviour(
        essay_failure_rate=0.25)})
    with system:
        client = system.client()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from harness.bus import Bus
from harness.client import PipelineClient
from harness.contract import Channel, Contract, Service
from harness.errors import UsageError
from harness.exchanges import ExchangeLog
from reference_impl import (
    BatchConductorService,
    BatchOrchestratorService,
    ConductorConfig,
    HttpPipelineResolver,
    OrchestratorConfig,
)
from simulators.base import Behaviour, Simulator
from simulators.cj_assessment import CJAssessmentSimulator
from simulators.cms import CMSSimulator
from simulators.content import (
    ContentServer,
    ContentStore,
    FileContentStore,
    HttpContentStore,
    InMemoryContentStore,
)
from simulators.els import ELSSimulator
from simulators.entitlements import EntitlementsSimulator
from simulators.file_service import FileServiceSimulator
from simulators.language_tool import LanguageToolSimulator
from simulators.llm_provider import LLMProviderSimulator
from simulators.nlp import NLPSimulator
from simulators.result_aggregator import ResultAggregatorSimulator
from simulators.spellcheck import SpellcheckSimulator

SIMULATORS: Mapping[str, type[Simulator]] = {
    cls.service_id: cls
    for cls in (
        FileServiceSimulator,
        ELSSimulator,
        NLPSimulator,
        CMSSimulator,
        SpellcheckSimulator,
        LLMProviderSimulator,
        CJAssessmentSimulator,
        ResultAggregatorSimulator,
        EntitlementsSimulator,
        LanguageToolSimulator,
    )
}
"""Every simulated service by its contract id."""

REFERENCE_SERVICES = ("bos", "bcs")
CLIENT_SERVICE = "api_gateway"
"""Who sends the client's pipeline requests (the contract's sender of them)."""
NEEDS_CONTENT = {"file_service", "spellchecker", "cj_assessment", "nlp"}
SERVICES = (*REFERENCE_SERVICES, *SIMULATORS)
CONSUMES: Mapping[str, tuple[str, ...]] = {
    "bos": BatchOrchestratorService.consumes,
    "bcs": BatchConductorService.consumes,
    **{sid: cls.consumes for sid, cls in SIMULATORS.items()},
}
"""What each service of the simulated system subscribes to. The contract names more receivers
beside the flow (BOS for BatchValidationErrorsV1, ...) than run here."""


class RunningSystem(Protocol):
    """What a caller needs of a running system, in one process (``SimulatedSystem``) or in
    many (``pipeline_system.processes.ProcessSystem``)."""

    @property
    def services(self) -> tuple[str, ...]: ...

    @property
    def service_urls(self) -> dict[str, str]: ...

    @property
    def died(self) -> list[str]:
        """``name: why`` of every part that ended while the system ran."""
        ...

    def client(self, bos_url: str | None = None) -> PipelineClient: ...


def running_receivers(contract: Contract, channel: Channel) -> list[Service]:
    """The services of the simulated system that consume ``channel``."""
    return [s for s in contract.receivers(channel) if channel.id in CONSUMES.get(s.id, ())]


def without_option() -> dict[str, Any]:
    """``--without SERVICE``, declared once for the command line (``up``) and for pytest."""
    return {
        "action": "append",
        "default": [],
        "metavar": "SERVICE",
        "choices": SERVICES,
        "help": "leave this service out of the simulated system, for your real one "
        f"(repeatable; one of {', '.join(SERVICES)})",
    }


@dataclass
class SimulatedSystem:
    """BOS, BCS and the simulators of one run; start and stop them together."""

    contract: Contract
    bus: Bus
    content: ContentStore
    bos: BatchOrchestratorService | None
    bcs: BatchConductorService | None
    simulators: dict[str, Simulator] = field(default_factory=dict)
    exchanges: ExchangeLog = field(default_factory=ExchangeLog)
    """Every HTTP exchange the system's servers answered, checked against the contract."""
    content_server: ContentServer | None = None
    """The shared content store over HTTP, for services in other processes (real ones too)."""
    service_buses: dict[str, Bus] = field(default_factory=dict)
    """Each service's own bus (``build_system(bus_of=...)``: on a secured cluster, logged in as
    that service), started before the services and stopped after them; the api_gateway's is
    the client's. Empty: every service shares ``bus``."""
    _stopped: bool = field(default=False, init=False, repr=False)

    @property
    def services(self) -> tuple[str, ...]:
        """The ids of the services this system runs (the reference ones and the simulators)."""
        reference = [sid for sid, runs in (("bos", self.bos), ("bcs", self.bcs)) if runs]
        served = self.content_url and "content_service" not in self.simulators
        return (*reference, *self.simulators, *(["content_service"] if served else []))

    @property
    def content_url(self) -> str | None:
        return self.content_server.url if self.content_server else None

    @property
    def service_urls(self) -> dict[str, str]:
        """Each running service's HTTP base address (those that answer HTTP), by service id."""
        urls = {
            sid: url
            for sid, url in (
                ("bos", self.bos.base_url if self.bos else None),
                ("bcs", self.bcs.base_url if self.bcs else None),
                ("content_service", self.content_url),
            )
            if url
        }
        for sid, simulator in self.simulators.items():
            if simulator.http_url:
                urls[sid] = simulator.http_url
        return urls

    def start(self) -> None:
        """BCS first (BOS calls it), then BOS, then every simulator; wait until all consume."""
        self._stopped = False
        for bus in self.service_buses.values():
            bus.start()
        for part in self._parts():
            part.start()
        for part in self._parts():
            wait = getattr(part, "wait_ready", None)
            if callable(wait):
                wait()

    def stop(self) -> None:
        """Stop every part, last started first; a second call does nothing (the coverage
        gate stops the system before it measures, then the system's fixture ends)."""
        if self._stopped:
            return
        self._stopped = True
        for part in reversed(self._parts()):
            part.stop()
        for bus in self.service_buses.values():
            bus.stop()

    @property
    def died(self) -> list[str]:
        """Nothing: every service runs in this process, which ends with them."""
        return []

    def client(self, bos_url: str | None = None) -> PipelineClient:
        """A client (registration over HTTP, requests over Kafka) for this system's BOS."""
        url = bos_url or (self.bos.base_url if self.bos else None)
        if url is None:
            raise UsageError("BOS runs outside this system: pass its bos_url")
        bus = self.service_buses.get(CLIENT_SERVICE, self.bus)
        return PipelineClient(self.contract, bus, bos_url=url)

    def simulator(self, service_id: str) -> Simulator:
        return self.simulators[service_id]

    def set_behaviour(self, service_id: str, **changes: Any) -> None:
        """Change one simulator's behaviour from now on (``dataclasses.replace`` of it)."""

        simulator = self.simulators[service_id]
        simulator.behaviour = replace(simulator.behaviour, **changes)

    def __enter__(self) -> SimulatedSystem:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _parts(self) -> list[Any]:
        parts: list[Any] = [p for p in (self.content_server, self.bcs, self.bos) if p is not None]
        return parts + list(self.simulators.values())


def build_system(
    contract: Contract,
    bus: Bus,
    *,
    without: Iterable[str] = (),
    behaviours: Mapping[str, Behaviour] | None = None,
    orchestrator: OrchestratorConfig | None = None,
    conductor: ConductorConfig | None = None,
    content: ContentStore | None = None,
    bcs_url: str | None = None,
    content_port: int = 0,
    exchanges: ExchangeLog | None = None,
    content_over_http: bool = False,
    bus_of: Callable[[str], Bus] | None = None,
    state_dir: Path | None = None,
) -> SimulatedSystem:
    """Assemble BOS, BCS and every simulator not named in ``without`` on ``bus``.

    The content store (unless ``content`` is a remote one) is served over HTTP on
    ``content_port``, for services in other processes and real ones; ``content_over_http``
    makes the simulators use it that way too (every text read and write an HTTP exchange, as
    in the real system) rather than in memory. ``bus_of(service_id)`` gives each service (and
    the client, as api_gateway) a bus of its own: on a secured cluster, one logged in as it.
    ``state_dir`` keeps every service's state there (BOS's and BCS's SQLite, the texts, each
    simulator's memory), so that the system killed and built again on it carries on."""
    left_out = set(without)
    unknown = left_out - set(SERVICES)
    if unknown:
        raise UsageError(f"unknown services {sorted(unknown)}; known: {', '.join(SERVICES)}")
    exchanges = exchanges if exchanges is not None else ExchangeLog()
    running = [s for s in SERVICES if s not in left_out] + [CLIENT_SERVICE]
    buses = {sid: bus_of(sid) for sid in running} if bus_of is not None else {}

    def bus_for(service_id: str) -> Bus:
        return buses.get(service_id, bus)

    if state_dir is not None:
        state_dir.mkdir(parents=True, exist_ok=True)
        bos_config = orchestrator or OrchestratorConfig()
        database = bos_config.database_path or state_dir / "bos.db"  # --database wins
        orchestrator = replace(bos_config, database_path=database)
        conductor = replace(conductor or ConductorConfig(), database_path=state_dir / "bcs.db")
    store = (
        content
        if content is not None
        else FileContentStore(state_dir / "content")
        if state_dir is not None
        else InMemoryContentStore()
    )
    server = (
        ContentServer(contract, store, port=content_port, exchanges=exchanges)
        if isinstance(store, InMemoryContentStore)
        else None
    )
    bcs = (
        None
        if "bcs" in left_out
        else BatchConductorService(
            contract, bus_for("bcs"), conductor or ConductorConfig(), exchanges=exchanges
        )
    )
    simulators: dict[str, Simulator] = {}
    for sid in SIMULATORS:
        if sid not in left_out:
            reader: ContentStore = store
            if server is not None and content_over_http:
                reader = HttpContentStore(contract, server.url, caller=sid)
            simulators[sid] = _simulator(
                sid,
                contract,
                bus_for(sid),
                (behaviours or {}).get(sid),
                reader,
                simulators,
                exchanges,
            )
            simulators[sid].serve_http(exchanges=exchanges)
            if state_dir is not None:
                simulators[sid].keep_state(state_dir / f"{sid}.state")
    bos = None
    if "bos" not in left_out:
        config = orchestrator or OrchestratorConfig()
        entitlements = simulators.get("entitlements")
        if config.entitlements_url is None and entitlements is not None:
            config = replace(config, entitlements_url=entitlements.http_url)
        bos = BatchOrchestratorService(
            contract,
            bus_for("bos"),
            config,
            resolver=_resolver(contract, bcs, bcs_url),
            exchanges=exchanges,
        )
    return SimulatedSystem(contract, bus, store, bos, bcs, simulators, exchanges, server, buses)


def _resolver(
    contract: Contract, bcs: BatchConductorService | None, bcs_url: str | None
) -> HttpPipelineResolver:
    """BOS calls BCS over HTTP, as the real BOS does (the URL is known once BCS listens)."""
    base: Callable[[], str]
    if bcs_url is not None:
        url = bcs_url
        base = lambda: url  # noqa: E731
    elif bcs is not None:
        base = lambda: bcs.base_url  # noqa: E731
    else:
        raise UsageError("BCS is left out: give bcs_url, the address of the real one")
    return HttpPipelineResolver(contract, base)


def _simulator(
    service_id: str,
    contract: Contract,
    bus: Bus,
    behaviour: Behaviour | None,
    content: ContentStore,
    built: Mapping[str, Simulator],
    exchanges: ExchangeLog,
) -> Simulator:
    cls: Any = SIMULATORS[service_id]
    extras: dict[str, Any] = {}
    if service_id in NEEDS_CONTENT:
        extras["content"] = content
    if service_id == "cj_assessment" and "llm_provider" in built:
        extras.update(llm_url=built["llm_provider"].http_url, exchanges=exchanges)
    return cls(contract, bus, behaviour, **extras)  # type: ignore[no-any-return]
