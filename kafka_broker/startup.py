"""One start attempt of the broker JVM: format, spawn, wait until ready; failures sorted.

A failure a new attempt can avoid (ports taken by another process, a class-data archive that
crashes the JVM) is a ``RetryableStart``; anything else is a ``BrokerStartError`` with the tail
of the log at once.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from kafka_broker.cds import ClassDataArchive
from kafka_broker.errors import BrokerStartError
from kafka_broker.java import JavaRuntime
from kafka_broker.probes import describe_cluster_id
from kafka_broker.process import spawn_broker, stop_child
from kafka_broker.properties import LOOPBACK, BrokerPorts, kafka_cluster_id, server_properties
from kafka_broker.security import SaslCredentials, scram_format_arguments
from kafka_broker.settings import BrokerSettings
from kafka_broker.workdir import new_work_dir

JVM_OPTIONS = (
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",  # C1 only: ~0.8 s less per JVM start on 2 cores (measured)
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",  # "Kafka Server started"
    "-Dorg.slf4j.simpleLogger.showDateTime=true",
)
BROKER_LOG = "broker.log"
FORMAT_LOG = "format.log"
_JVM_CRASH = "A fatal error has been detected by the Java Runtime Environment"
_ARCHIVE_REFUSED = "error has occurred while processing the shared archive file"  # -Xshare:on
_CRASH_CODES = (134, -6, -7, -11)  # SIGABRT (hs_err written), SIGBUS, SIGSEGV


@dataclass(frozen=True)
class Launch:
    """What every start attempt shares: settings, java, class path, archive, detachment."""

    settings: BrokerSettings
    java: JavaRuntime
    classpath: str
    archive: ClassDataArchive | None
    detached: bool
    admin: SaslCredentials | None = None
    """The super user of a secured broker (``settings.secure``); None: plaintext, no ACLs."""

    @property
    def client_config(self) -> dict[str, Any]:
        """What a client of this broker adds to its settings to log in ({} when plaintext)."""
        return self.admin.client_config() if self.admin else {}

    def command(self, main_class: str, *args: str, cds: list[str]) -> list[str]:
        """The java command line for one of Kafka's main classes."""
        java = str(self.java.executable)
        return [java, *JVM_OPTIONS, *cds, "-cp", self.classpath, main_class, *args]


@dataclass(frozen=True)
class StartedBroker:
    """A broker JVM that answered with our cluster id."""

    process: subprocess.Popen[bytes]
    ports: BrokerPorts
    cluster_id: str
    work_dir: Path

    @property
    def log(self) -> Path:
        """The broker JVM's output."""
        return self.work_dir / BROKER_LOG


class RetryableStart(Exception):
    """An attempt failed for a reason a new attempt avoids (ports taken, a bad archive)."""

    def __init__(self, reason: str, *, log_tail: str = "", bad_archive: bool = False) -> None:
        super().__init__(reason)
        self.log_tail = log_tail
        self.bad_archive = bad_archive


def start_attempt(launch: Launch, ports: BrokerPorts) -> StartedBroker:
    """Format a fresh work dir, start ``kafka.Kafka`` in it, wait until it is ready.

    The work dir is removed, and the JVM stopped, if the attempt fails.
    """
    deadline = time.monotonic() + launch.settings.broker_start_timeout_s
    work_dir = new_work_dir()
    try:
        cluster_id = kafka_cluster_id()
        properties = work_dir / "server.properties"
        properties.write_text(server_properties(ports, work_dir / "data", admin=launch.admin))
        _format(launch, properties, cluster_id, deadline)
        return _run_ready(launch, ports, cluster_id, work_dir, deadline)
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise


def restart_in_place(launch: Launch, stopped: StartedBroker) -> StartedBroker:
    """Start ``kafka.Kafka`` again on a stopped (or killed) broker's own work dir and ports:
    the same cluster, with every record and committed offset it had (issue 13's broker
    restart); it recovers its logs first if it was killed."""
    deadline = time.monotonic() + launch.settings.broker_start_timeout_s
    return _run_ready(launch, stopped.ports, stopped.cluster_id, stopped.work_dir, deadline)


def _run_ready(
    launch: Launch, ports: BrokerPorts, cluster_id: str, work_dir: Path, deadline: float
) -> StartedBroker:
    """Spawn the broker on a formatted work dir and wait until it is ready (or stop it)."""
    started = spawn_node(launch, ports, cluster_id, work_dir)
    wait_node_ready(started, launch, deadline)
    return started


def format_node(launch: Launch, properties: Path, cluster_id: str, deadline: float) -> None:
    """Format one node's storage (its server.properties written) for ``cluster_id``."""
    _format(launch, properties, cluster_id, deadline)


def spawn_node(
    launch: Launch, ports: BrokerPorts, cluster_id: str, work_dir: Path
) -> StartedBroker:
    """Start ``kafka.Kafka`` on a formatted work dir, without waiting: the nodes of a cluster
    are ready only once a quorum of them runs, so all are spawned before any is awaited."""
    cds = launch.archive.options(work_dir) if launch.archive else []
    process = spawn_broker(
        launch.command("kafka.Kafka", str(work_dir / "server.properties"), cds=cds),
        log_path=work_dir / BROKER_LOG,
        die_with_parent=not launch.detached,
    )
    return StartedBroker(process, ports, cluster_id, work_dir)


def wait_node_ready(started: StartedBroker, launch: Launch, deadline: float) -> None:
    """Wait until a spawned node answers with its cluster id (or stop it and raise)."""
    using_archive = launch.archive is not None and launch.archive.path.is_file()
    try:
        _wait_until_ready(started, launch, deadline, using_archive=using_archive)
    except BaseException:
        stop_child(started.process, grace_s=5.0)
        raise


def _format(launch: Launch, properties: Path, cluster_id: str, deadline: float) -> None:
    """Format the KRaft storage with Kafka's StorageTool (static quorum: no --standalone)."""
    log = properties.parent / FORMAT_LOG
    cds = launch.archive.verifying_options() if launch.archive else []
    command = launch.command(
        "kafka.tools.StorageTool",
        "format",
        f"--cluster-id={cluster_id}",
        "-c",
        str(properties),
        *(scram_format_arguments(launch.admin) if launch.admin else []),
        cds=cds,
    )
    try:
        with log.open("wb") as out:
            done = subprocess.run(
                command,
                cwd=properties.parent,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=max(deadline - time.monotonic(), 1.0),
                check=False,
            )
    except subprocess.TimeoutExpired as exc:
        raise BrokerStartError(
            f"formatting the broker's storage did not finish within "
            f"{launch.settings.broker_start_timeout_s:.0f} s.",
            log_tail=_tail(log),
        ) from exc
    if done.returncode != 0:
        what = "formatting the broker's storage (kafka.tools.StorageTool)"
        _raise_death(what, done.returncode, log, using_archive=_uses_archive(cds))


def _wait_until_ready(
    broker: StartedBroker, launch: Launch, deadline: float, *, using_archive: bool
) -> None:
    """Poll until the client port accepts and reports our cluster id; fail fast if the JVM dies.

    Kafka binds its client port only once the broker is unfenced, so an accepting port means
    (nearly) ready; the cluster id proves it is our broker, not another process on that port.
    """
    ports = broker.ports
    while True:
        returncode = broker.process.poll()
        if returncode is not None:
            _raise_death("the Kafka broker", returncode, broker.log, using_archive=using_archive)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BrokerStartError(
                f"the Kafka broker was not ready within "
                f"{launch.settings.broker_start_timeout_s:.0f} s (pid {broker.process.pid}).",
                log_tail=_tail(broker.log),
                hint="a slow or overloaded machine may need a longer broker_start_timeout_s",
            )
        if _accepts(ports.client):
            seen = describe_cluster_id(
                ports.bootstrap_servers,
                timeout_s=min(2.0, remaining),
                client_config=launch.client_config,
            )
            if seen == broker.cluster_id:
                return
            if seen is not None:
                raise RetryableStart(f"port {ports.client} answers for another cluster ({seen})")
        time.sleep(0.05)


def _raise_death(what: str, returncode: int, log: Path, *, using_archive: bool) -> NoReturn:
    """Turn a JVM that exited during start into a retry or a clear error."""
    text = _read(log)
    tail = _tail(log)
    if "Address already in use" in text:
        raise RetryableStart(f"{what} found its port taken (Address already in use)", log_tail=tail)
    if using_archive and (
        _JVM_CRASH in text or _ARCHIVE_REFUSED in text or returncode in _CRASH_CODES
    ):
        raise RetryableStart(
            f"{what} could not use the class-data archive", log_tail=tail, bad_archive=True
        )
    raise BrokerStartError(
        f"{what} exited with code {returncode} during start.",
        log_tail=tail,
        hint="the lines above are the end of its log; a JVM option or Kafka version problem "
        "shows there",
    )


def _uses_archive(cds: list[str]) -> bool:
    """True when these JVM options map an existing class-data archive (not dump one)."""
    return any(option.startswith("-XX:SharedArchiveFile=") for option in cds)


def _accepts(port: int) -> bool:
    """True when something accepts TCP connections on 127.0.0.1:``port``."""
    with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), timeout=0.25):
        return True
    return False


def _read(log: Path) -> str:
    """A log's text ('' if unreadable)."""
    try:
        return log.read_text(errors="replace")
    except OSError:
        return ""


def _tail(log: Path, lines: int = 25) -> str:
    """The last lines of a log."""
    return "\n".join(_read(log).rstrip().splitlines()[-lines:])
