"""Apache Kafka's own broker, run from its jars as a child JVM on loopback (the default here).

Per start: a fresh work dir, free ports, server.properties (static quorum), StorageTool format,
then ``kafka.Kafka``; ready once its client port accepts connections (raced against the process
dying) *and* it reports our cluster id (kafka_broker.startup). Ports taken meanwhile by
another process ("Address already in use") mean a retry on new ports and a new dir, 3 tries.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kafka_broker.cds import adopt_dumped_archive, class_data_archive, dump_is_pending
from kafka_broker.errors import BrokerStartError
from kafka_broker.info import BrokerInfo, Progress
from kafka_broker.jars import ensure_kafka_jars, kafka_classpath
from kafka_broker.java import find_java
from kafka_broker.process import kill_child, stop_child
from kafka_broker.properties import BrokerPorts, pick_free_ports
from kafka_broker.security import new_admin_credentials
from kafka_broker.settings import BrokerSettings
from kafka_broker.startup import (
    Launch,
    RetryableStart,
    StartedBroker,
    restart_in_place,
    start_attempt,
)
from kafka_broker.workdir import sweep_stale_work_dirs

PortPicker = Callable[[], BrokerPorts]
START_ATTEMPTS = 3
_CLEAN_EXIT = (0, 143)  # 143: ended by SIGTERM after Kafka's shutdown hook ran


@dataclass
class JvmBroker:
    """A Kafka broker running as our child JVM; ``stop()`` ends it and removes its work dir.

    Example::

        broker = start_jvm_broker(settings)
        try:
            run_tests_against(broker.info.bootstrap_servers)
        finally:
            broker.stop()
    """

    info: BrokerInfo
    started: StartedBroker = field(repr=False)
    launch: Launch = field(repr=False)
    progress: Progress | None = field(default=None, repr=False)
    stopped: bool = False

    @property
    def work_dir(self) -> Path:
        return self.started.work_dir

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.started.process

    def kill_and_restart(self, *, down_s: float = 1.0) -> float:
        """SIGKILL the broker as a crash would, leave it down ``down_s``, and start it again on
        the same log dir and ports (clients reconnect to the same address); returns the time
        it was killed (``time.monotonic()``). For fault tests (issue 13)."""
        if self.stopped:
            raise BrokerStartError("a stopped broker cannot be restarted; start a new one")
        killed_at = time.monotonic()
        kill_child(self.process)
        time.sleep(down_s)
        self.started = restart_in_place(self.launch, self.started)
        self.info = replace(self.info, pid=self.process.pid)
        return killed_at

    def stop(self) -> None:
        """SIGTERM, wait <= 20 s, SIGKILL the process group; then remove the work dir."""
        if self.stopped:
            return
        self.stopped = True
        atexit.unregister(self.stop)
        if self.progress is not None and dump_is_pending(self.work_dir):
            self.progress("saving a JVM class-data archive (once: later starts take half the time)")
        stop_child(self.process)
        clean_up_work_dir(self.work_dir, exited_cleanly=self.process.returncode in _CLEAN_EXIT)


def start_jvm_broker(
    settings: BrokerSettings,
    *,
    progress: Progress | None = None,
    detached: bool = False,
    class_data_sharing: bool = True,
    pick_ports: PortPicker = pick_free_ports,
) -> JvmBroker:
    """Start Kafka's broker from its jars (fetched once) and wait until it is ready.

    ``detached``: the broker may outlive this process (no parent-death signal, no atexit stop).
    Otherwise call this from the main thread, so that the JVM dies with this process even when
    it is SIGKILLed (see kafka_broker.process).
    """
    java = find_java(settings, progress)
    libs = ensure_kafka_jars(settings, progress=progress)
    classpath = kafka_classpath(libs)
    archive = class_data_archive(java, classpath, libs.parent) if class_data_sharing else None
    sweep_stale_work_dirs()
    _say(progress, f"starting Apache Kafka {settings.kafka_version} (Java {java.version})...")
    admin = new_admin_credentials() if settings.secure else None
    launch = Launch(settings, java, classpath, archive, detached, admin)
    broker = _start_with_retries(launch, pick_ports, progress)
    if not detached:
        atexit.register(broker.stop)
    return broker


def clean_up_work_dir(work_dir: Path, *, exited_cleanly: bool) -> None:
    """After the broker exited: keep the class-data archive it dumped, then remove the dir."""
    if exited_cleanly:
        adopt_dumped_archive(work_dir)
    shutil.rmtree(work_dir, ignore_errors=True)


def _start_with_retries(
    launch: Launch, pick_ports: PortPicker, progress: Progress | None
) -> JvmBroker:
    """Up to 3 attempts, on new ports and in a new dir each time."""
    started = time.monotonic()
    last: RetryableStart | None = None
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            broker = start_attempt(launch, pick_ports())
        except RetryableStart as retry:
            last = retry
            _say(progress, f"{retry} (attempt {attempt} of {START_ATTEMPTS}); retrying")
            if retry.bad_archive and launch.archive is not None:
                launch.archive.discard()  # the next attempt dumps a fresh one as it exits
            continue
        took = time.monotonic() - started
        secured = " (secured: SASL/SCRAM, ACLs)" if launch.admin else ""
        _say(
            progress,
            f"Kafka broker ready at {broker.ports.bootstrap_servers}{secured} in {took:.1f} s",
        )
        info = BrokerInfo(
            broker.ports.bootstrap_servers,
            "jvm",
            broker.cluster_id,
            broker.process.pid,
            broker.log,
            login=launch.admin,
        )
        return JvmBroker(info, broker, launch, progress)
    assert last is not None
    raise BrokerStartError(
        f"the Kafka broker did not start in {START_ATTEMPTS} attempts; the last one: {last}.",
        log_tail=last.log_tail,
    )


def _say(progress: Progress | None, line: str) -> None:
    """Report a progress line, if anyone listens."""
    if progress is not None:
        progress(line)
