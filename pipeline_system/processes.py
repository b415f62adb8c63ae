"""Every service of the simulated system in its own OS process: ``up --processes``.

One Python interpreter runs all the services behind one GIL; here the supervisor (``up``'s
process, the bench's) keeps only the Content Service and the wire check, and each other service
runs as ``pipeline-harness serve bos|bcs`` or ``pipeline-harness simulate SERVICE``, in its own
consumer group, on the same broker. ``--replicas spellchecker=3`` runs three processes of one
service, sharing its partitions::

    plan = ProcessPlan(replicas={"spellchecker": 2}, phase_timeout_s=60)
    with ProcessSystem(contract, bus, plan) as system:
        client = system.client()          # registers batches with the BOS process

The HTTP addresses between the processes (BOS to BCS and Entitlements, CJ to the LLM provider,
everyone to the Content Service) are given to them on their command lines; every child stops
when its standard input closes, so none outlives the supervisor, even a killed one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from harness.bus import Bus
from harness.client import PipelineClient
from harness.contract import Contract
from harness.errors import HarnessError, ScenarioError, UsageError
from harness.exchanges import ExchangeLog, HttpExchange
from pipeline_system.runtime import EXCHANGE_LINE
from pipeline_system.system import NEEDS_CONTENT, SERVICES, SIMULATORS
from simulators.content import ContentServer, FileContentStore, InMemoryContentStore

START_TIMEOUT_S = 90.0
"""How long every process together may take to say "running" (interpreters start in parallel
on a busy 2-core machine: about 4 s here for a dozen)."""


class ServiceProcessError(HarnessError):
    """A service's process did not start, or ended while the system was running."""

    def __init__(self, name: str, reason: str, output: Sequence[str] = ()) -> None:
        self.name = name
        self.reason = reason
        self.output = tuple(output)
        tail = "".join(f"\n  | {line}" for line in self.output[-15:])
        super().__init__(f"the {name} process {reason}{':' if tail else '.'}{tail}")


def parse_replicas(values: Iterable[str]) -> dict[str, int]:
    """``SERVICE=N`` options as a mapping; a service that keeps a batch's messages in memory,
    an unknown one, or a count below 1 is a UsageError naming it."""
    replicas: dict[str, int] = {}
    scalable = sorted(s for s, cls in SIMULATORS.items() if cls.scales_out)
    for value in values:
        service, _, count = value.partition("=")
        count = count.strip()
        if not (count.isascii() and count.isdigit()) or int(count) < 1:
            raise UsageError(
                f"--replicas {value!r}: expected SERVICE=N with N at least 1",
                hint="e.g. --replicas spellchecker=3",
            )
        if service not in SERVICES:
            raise UsageError(
                f"--replicas {value!r}: unknown service {service!r}",
                hint=f"known: {', '.join(SERVICES)}",
            )
        if service not in scalable:
            raise UsageError(
                f"--replicas {value!r}: {service} keeps each batch's state in one process "
                "(its replicas would each see part of a batch's messages)",
                hint=f"the services that scale out: {', '.join(scalable)}",
            )
        if service in replicas:
            raise UsageError(f"--replicas {value!r}: {service} is given more than once")
        replicas[service] = int(count)
    return replicas


@dataclass(frozen=True)
class ProcessPlan:
    """Which processes to run, and the settings they get on their command lines."""

    without: frozenset[str] = frozenset()
    replicas: Mapping[str, int] = field(default_factory=dict)
    phase_timeout_s: float = 300.0
    logins: Path | None = None
    """A secured cluster's logins file (``ClusterLogins.write``): each process logs in as its
    service."""
    bos_port: int = 0
    bcs_port: int = 0
    content_port: int = 0
    bos_database: Path | None = None
    state_dir: Path | None = None
    """Every service's state here, as ``up --state-dir`` keeps it in one process: BOS's and
    BCS's databases, the texts (this process's Content Service), each simulator's file."""
    bcs_url: str | None = None
    """A real BCS, when BCS is left out."""

    def __post_init__(self) -> None:
        unknown = set(self.without) - set(SERVICES)
        if unknown:
            raise UsageError(f"unknown services {sorted(unknown)}; known: {', '.join(SERVICES)}")
        left_out = sorted(set(self.replicas) & set(self.without))
        if left_out:
            raise UsageError(f"--replicas for {', '.join(left_out)}, which is left out (--without)")
        if "bcs" in self.without and "bos" not in self.without and not self.bcs_url:
            raise UsageError("BCS is left out: give --bcs-url, the address of the real one")

    @property
    def services(self) -> tuple[str, ...]:
        """The services that get processes, BCS first (BOS calls it)."""
        return tuple(s for s in SERVICES if s not in self.without)

    def instances(self, service_id: str) -> int:
        return self.replicas.get(service_id, 1)


class ServiceProcess:
    """One child process: its command, the addresses it prints, its output relayed."""

    def __init__(
        self,
        service_id: str,
        name: str,
        argv: Sequence[str],
        *,
        say: Callable[[str], None],
        exchanges: ExchangeLog | None = None,
    ) -> None:
        self.service_id = service_id
        self.name = name
        self.argv = list(argv)
        self.say = say
        self.exchanges = exchanges
        """Where the exchanges it prints (``--print-exchanges``) are recorded."""
        self.urls: dict[str, str] = {}
        self.output: deque[str] = deque(maxlen=40)
        self.running = threading.Event()
        self.stopping = False
        self.died: str | None = None
        """Why it ended while the system ran (its exit code and last lines), or None."""
        self._popen: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    def start(self) -> None:
        environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._popen = subprocess.Popen(
            self.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
            # its own session: a Ctrl-C at the terminal reaches the supervisor only, which
            # stops its children in order (closing their stdin)
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, name=f"{self.name}-output", daemon=True)
        self._reader.start()

    def wait_running(self, deadline: float) -> None:
        """Until it prints "running"; a ServiceProcessError, with its output, if it ends or
        the deadline passes first."""
        assert self._popen is not None, "start() first"
        while not self.running.wait(0.05):
            if self._popen.poll() is not None:
                if self._reader:
                    self._reader.join(timeout=2)
                code = self._popen.returncode
                raise ServiceProcessError(self.name, f"exited {code} before it ran", self.output)
            if time.monotonic() > deadline:
                raise ServiceProcessError(
                    self.name, f"did not say it runs within {START_TIMEOUT_S:g} s", self.output
                )

    def alive(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def stop(self, timeout_s: float = 15.0) -> None:
        """Close its standard input (it stops as on SIGTERM, cleanly); SIGTERM if it has not
        ended within ``timeout_s``, SIGKILL if that does not end it either. An exit code other
        than 0 is said."""
        popen = self._popen
        if popen is None:
            return
        self.stopping = True
        if popen.stdin:
            with contextlib.suppress(OSError):
                popen.stdin.close()
        for action in (signal.SIGTERM, signal.SIGKILL):
            try:
                popen.wait(timeout_s)
                break
            except subprocess.TimeoutExpired:
                what = "SIGTERM" if action is signal.SIGTERM else "killed"
                self.say(f"[{self.name}] did not stop within {timeout_s:g} s: {what}")
                popen.send_signal(action)
        popen.wait()
        if self._reader:
            self._reader.join(timeout=2)
        if popen.returncode not in (0, None) and self.died is None:
            self.say(f"[{self.name}] stopped with exit code {popen.returncode}")

    def _read(self) -> None:
        assert self._popen is not None and self._popen.stdout is not None
        for raw in self._popen.stdout:
            try:
                self._line(raw.rstrip("\n"))
            except Exception as exc:
                self.output.append(f"(a line could not be handled: {exc!r})")
        if self.running.is_set() and not self.stopping:
            died = f"exited {self._popen.wait()} while the system was running"
            tail = "".join(f"\n  | {line}" for line in list(self.output)[-10:])
            with contextlib.suppress(Exception):
                self.say(f"[{self.name}] {died}; its last lines:{tail}")
            self.died = died

    def _line(self, line: str) -> None:
        """One line of its output: an exchange (anywhere in the line: another thread's
        print may have left its text before it), an address, "running", or text."""
        at = line.find(EXCHANGE_LINE)
        if at >= 0:
            self._exchange(line[at + len(EXCHANGE_LINE) :])
            line = line[:at]
            if not line:
                return
        self.output.append(line)
        if self.running.is_set():
            self.say(f"[{self.name}] {line}")
            return
        key, _, value = line.partition(" ")
        if key.endswith("_URL") and value.startswith("http"):
            self.urls[key] = value.strip()
        elif line.startswith("running"):
            self.running.set()

    def _exchange(self, text: str) -> None:
        try:
            exchange = HttpExchange.from_json(text)
        except (ValueError, KeyError, TypeError) as exc:
            self.say(f"[{self.name}] an exchange line it printed cannot be read ({exc}): {text}")
            return
        if self.exchanges is not None:
            self.exchanges.record(exchange)


def free_port() -> int:
    """A loopback port free now (its process binds it a moment later; the race is benign on
    a test machine, and the process fails loudly if it lost it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ProcessSystem:
    """The simulated system with every service in its own process (see the module docstring).

    The same face as ``SimulatedSystem`` where a caller needs it: ``services``,
    ``service_urls``, ``client()``, start and stop (or ``with``). Behaviours cannot change at
    run time across processes: a ``simulate --behaviour`` file per process would be the way."""

    def __init__(
        self,
        contract: Contract,
        bus: Bus,
        plan: ProcessPlan,
        *,
        bootstrap: str,
        topic_prefix: str = "",
        exchanges: ExchangeLog | None = None,
        client_bus: Bus | None = None,
        say: Callable[[str], None] = print,
    ) -> None:
        self.contract = contract
        self.bus = bus
        self.plan = plan
        self.bootstrap = bootstrap
        self.topic_prefix = topic_prefix
        self.exchanges = exchanges if exchanges is not None else ExchangeLog()
        self.client_bus = client_bus or bus
        self.say = say
        self.content = (
            FileContentStore(plan.state_dir / "content")
            if plan.state_dir is not None
            else InMemoryContentStore()
        )
        self.content_server = ContentServer(
            contract, self.content, port=plan.content_port, exchanges=self.exchanges
        )
        self.processes: list[ServiceProcess] = []
        self.service_urls: dict[str, str] = {}
        """Each process's HTTP base address by service (the first replica's)."""
        self._state: tempfile.TemporaryDirectory[str] | None = None

    @property
    def services(self) -> tuple[str, ...]:
        return (*self.plan.services, "content_service")

    @property
    def content_url(self) -> str:
        return self.content_server.url

    @property
    def simulators(self) -> Mapping[str, Any]:
        """None runs in this process (the steps' behaviour changes look here)."""
        return {}

    def set_behaviour(self, service_id: str, **changes: Any) -> None:
        """Refused: a behaviour cannot change inside another process."""
        raise ScenarioError(
            f"{service_id} runs in its own process (--processes): its behaviour cannot change "
            "during the run (`simulate --behaviour FILE` sets it at the start)"
        )

    def start(self) -> None:
        """The Content Service here, then every process at once; returns when all consume."""
        if self.client_bus is not self.bus:
            self.client_bus.start()
        self.content_server.start()
        self.service_urls["content_service"] = self.content_server.url
        self._state = tempfile.TemporaryDirectory(prefix="pipeline-harness-processes-")
        state = self.plan.state_dir or Path(self._state.name)
        state.mkdir(parents=True, exist_ok=True)
        urls = self._addresses()
        for service_id in self.plan.services:
            count = self.plan.instances(service_id)
            for ordinal in range(1, count + 1):
                name = service_id if count == 1 else f"{service_id}-{ordinal}"
                argv = self._command(service_id, ordinal, urls, state)
                self.processes.append(
                    ServiceProcess(service_id, name, argv, say=self.say, exchanges=self.exchanges)
                )
        started = time.monotonic()
        try:
            for process in self.processes:
                process.start()
            deadline = started + START_TIMEOUT_S
            for process in self.processes:
                process.wait_running(deadline)
        except BaseException:
            self.stop()
            raise
        for process in self.processes:
            for key, url in process.urls.items():
                owner = process.service_id if key == "HTTP_URL" else key.removesuffix("_URL")
                self.service_urls.setdefault(owner.lower(), url)
        self.say(
            f"{len(self.processes)} service processes running "
            f"({time.monotonic() - started:.1f} s to start)"
        )

    def stop(self) -> None:
        """Every process (all at once), then the Content Service; a second call does nothing."""
        processes, self.processes = self.processes, []
        stoppers = [threading.Thread(target=p.stop) for p in processes]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        if self._state is not None:
            self.content_server.stop()
            self._state.cleanup()
            self._state = None
            if self.client_bus is not self.bus:
                self.client_bus.stop()

    @property
    def died(self) -> list[str]:
        """``name: why`` of every process that ended while the system ran."""
        return [f"{p.name}: {p.died}" for p in self.processes if p.died]

    def client(self, bos_url: str | None = None) -> PipelineClient:
        url = bos_url or self.service_urls.get("bos")
        if url is None:
            raise UsageError("BOS runs outside this system: pass its bos_url")
        return PipelineClient(self.contract, self.client_bus, bos_url=url)

    def __enter__(self) -> ProcessSystem:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _trace: TracebackType | None,
    ) -> None:
        self.stop()

    # -- the command lines -----------------------------------------------------------------

    def _addresses(self) -> dict[str, str]:
        """The fixed HTTP addresses the processes call one another on, chosen before any runs
        (so that all start at once instead of in dependency order)."""
        plan = self.plan
        urls: dict[str, str] = {"content_service": self.content_server.url}
        ports = {"bos": plan.bos_port, "bcs": plan.bcs_port}
        for service_id in plan.services:
            cls = SIMULATORS.get(service_id)
            if service_id in ports or (cls is not None and cls.serves):
                port = ports.get(service_id) or free_port()
                urls[service_id] = f"http://127.0.0.1:{port}"
        if plan.bcs_url:
            urls["bcs"] = plan.bcs_url
        return urls

    def _command(
        self, service_id: str, ordinal: int, urls: Mapping[str, str], state: Path
    ) -> list[str]:
        argv = [sys.executable, "-m", "pipeline_system.cli", "--contract", str(self.contract.path)]
        common = ["--bootstrap", self.bootstrap, "--topic-prefix", self.topic_prefix]
        common += ["--until-stdin-closes", "--print-exchanges"]
        if self.plan.logins is not None:
            common += ["--logins", str(self.plan.logins)]
        first = ordinal == 1
        port = urls.get(service_id, "").rpartition(":")[2] if first else "0"
        if service_id in ("bos", "bcs"):
            database = (
                self.plan.bos_database
                if service_id == "bos" and self.plan.bos_database
                else state / f"{service_id}.db"
            )
            argv += ["serve", service_id, *common, "--dynamic-membership"]
            argv += ["--database", str(database), "--port", port]
            if service_id == "bos":
                timeout = f"{self.plan.phase_timeout_s:g}"
                argv += ["--bcs-url", urls["bcs"], "--phase-timeout", timeout]
                if "entitlements" in urls:
                    argv += ["--entitlements-url", urls["entitlements"]]
            return argv
        cls = SIMULATORS[service_id]
        argv += ["simulate", service_id, *common]
        if cls.persisted and self.plan.state_dir is not None:
            argv += ["--state-dir", str(state)]
        if cls.serves:
            argv += ["--http-port", port]
        if service_id in NEEDS_CONTENT:
            argv += ["--content-url", urls["content_service"] + "/v1/content"]
        if service_id == "cj_assessment" and "llm_provider" in urls:
            argv += ["--llm-url", urls["llm_provider"]]
        return argv
