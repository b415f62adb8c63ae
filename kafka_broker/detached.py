"""A broker left running in the background (``broker start --detach``), found again by its record.

The record is a small JSON file under ``settings.cache_dir``: address, provider, pid, work dir,
log, cluster id and start time. A detached JVM broker is started *without* the parent-death
signal and the atexit stop, so it outlives the command that started it; ``stop_detached`` ends
it later, signalling the recorded pid only while its command line still names the recorded work
dir (a reused pid is never touched).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

from kafka_broker.errors import BrokerError
from kafka_broker.external import connect_external
from kafka_broker.info import Progress, Provider
from kafka_broker.jvm import clean_up_work_dir, start_jvm_broker
from kafka_broker.probes import require_answer
from kafka_broker.process import is_our_broker, stop_recorded
from kafka_broker.security import SaslCredentials
from kafka_broker.settings import BrokerSettings


@dataclass(frozen=True)
class DetachedBroker:
    """What ``broker start --detach`` left running, as recorded in the state file.

    Example::

        record = read_detached(settings)
        if record is not None and record.is_running():
            print(record.bootstrap_servers, record.pid)
    """

    bootstrap_servers: str
    provider: Provider
    pid: int | None
    work_dir: Path | None
    log_path: Path | None
    cluster_id: str | None
    started_at: float
    """Seconds since the epoch."""
    login: SaslCredentials | None = None
    """A secured broker's administrator login (the record is readable by its owner only)."""

    @property
    def uptime_s(self) -> float:
        """Seconds since it was started (or, for an external broker, recorded)."""
        return max(time.time() - self.started_at, 0.0)

    def is_running(self) -> bool:
        """True while the recorded JVM runs (an external broker: while it answers)."""
        if self.provider == "external":
            with contextlib.suppress(BrokerError):
                config = self.login.client_config() if self.login else None
                require_answer(self.bootstrap_servers, timeout_s=3.0, client_config=config)
                return True
            return False
        return (
            self.pid is not None
            and self.work_dir is not None
            and is_our_broker(self.pid, self.work_dir)
        )


def state_path(settings: BrokerSettings) -> Path:
    """Where the detached broker's record lives: one per ``--name``, else one per working
    directory (a digest of its path), under the cache directory."""
    if settings.broker_name:
        key = "name-" + "".join(
            c if c.isalnum() or c in "-_" else "_" for c in settings.broker_name
        )
    else:
        digest = hashlib.sha256(str(settings.work_dir.resolve()).encode()).hexdigest()[:16]
        key = f"dir-{digest}"
    return settings.cache_dir / "detached" / f"{key}.json"


def read_detached(settings: BrokerSettings) -> DetachedBroker | None:
    """The recorded detached broker, running or not; None when there is no (readable) record."""
    try:
        raw = json.loads(state_path(settings).read_text())
        return _from_json(raw)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def start_detached(settings: BrokerSettings, *, progress: Progress | None = None) -> DetachedBroker:
    """Start a broker that outlives this process (or record an external one) and record it.

    Docker is not used here: a testcontainers container is removed when its process exits.
    """
    current = read_detached(settings)
    if current is not None and current.is_running():
        raise BrokerError(
            f"a detached broker already runs at {current.bootstrap_servers} "
            f"(provider {current.provider}, pid {current.pid}).",
            hint="stop it first with `pipeline-harness broker stop`",
        )
    if current is not None:
        forget_detached(settings)
    record = _start_record(settings, progress)
    _write_record(settings, record)
    return record


def stop_detached(settings: BrokerSettings, record: DetachedBroker) -> None:
    """Stop the recorded JVM broker (an external one is only forgotten) and drop the record."""
    if record.provider == "jvm" and record.pid is not None and record.work_dir is not None:
        clean = stop_recorded(record.pid, record.work_dir)
        clean_up_work_dir(record.work_dir, exited_cleanly=clean)
    _remove_record(settings)


def forget_detached(settings: BrokerSettings) -> None:
    """Drop the record of a broker that is no longer running, and its leftover work dir."""
    record = read_detached(settings)
    if record is not None and record.work_dir is not None and not record.is_running():
        clean_up_work_dir(record.work_dir, exited_cleanly=False)
    _remove_record(settings)


def _start_record(settings: BrokerSettings, progress: Progress | None) -> DetachedBroker:
    """Start the JVM broker detached (or check the external one) and describe it."""
    if settings.bootstrap_servers:
        info = connect_external(settings.bootstrap_servers, login=settings.login).info
        work_dir = None
        if settings.secure:
            raise BrokerError(
                "--secure starts a secured local broker; it cannot secure the cluster at "
                f"{settings.bootstrap_servers}."
            )
    else:
        broker = start_jvm_broker(settings, progress=progress, detached=True)
        info, work_dir = broker.info, broker.work_dir
    return DetachedBroker(
        bootstrap_servers=info.bootstrap_servers,
        provider=info.provider,
        pid=info.pid,
        work_dir=work_dir,
        log_path=info.log_path,
        cluster_id=info.cluster_id,
        started_at=time.time(),
        login=info.login,
    )


def _write_record(settings: BrokerSettings, record: DetachedBroker) -> None:
    """Write the record atomically (temp file, then rename)."""
    path = state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(record).items()}
    if record.login is not None:  # asdict leaves the login a dict: keep its three fields
        data["login"] = {
            "username": record.login.username,
            "password": record.login.password,
            "mechanism": record.login.mechanism,
        }
    fd, staged = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2)
    os.replace(staged, path)


def _remove_record(settings: BrokerSettings) -> None:
    """Delete the record, if any."""
    with contextlib.suppress(FileNotFoundError):
        state_path(settings).unlink()


def _from_json(raw: dict[str, Any]) -> DetachedBroker:
    """A record from its JSON form."""

    def path(key: str) -> Path | None:
        return Path(raw[key]) if raw.get(key) else None

    return DetachedBroker(
        bootstrap_servers=str(raw["bootstrap_servers"]),
        provider=cast(Provider, raw["provider"]),
        pid=int(raw["pid"]) if raw.get("pid") is not None else None,
        work_dir=path("work_dir"),
        log_path=path("log_path"),
        cluster_id=raw.get("cluster_id"),
        started_at=float(raw["started_at"]),
        login=_login(raw.get("login")),
    )


def _login(raw: Any) -> SaslCredentials | None:
    if not isinstance(raw, dict):
        return None
    return SaslCredentials(str(raw["username"]), str(raw["password"]), str(raw["mechanism"]))
