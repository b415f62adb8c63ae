"""Which broker to use: an external one, else Docker, else Kafka's jars on a JVM (always the
JVM when it must be secured: the secured broker is the local one)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kafka_broker.docker import docker_engine_answers, start_docker_broker
from kafka_broker.errors import BrokerError
from kafka_broker.external import connect_external
from kafka_broker.info import BrokerInfo, Progress, Provider, RunningBroker
from kafka_broker.jvm import start_jvm_broker
from kafka_broker.settings import BrokerSettings


def choose_provider(
    settings: BrokerSettings, *, docker_answers: Callable[[], bool] = docker_engine_answers
) -> Provider:
    """The first provider that applies: external if configured, Docker if it answers, else JVM."""
    if settings.bootstrap_servers:
        return "external"
    if settings.use_docker and not settings.secure and docker_answers():
        return "docker"
    return "jvm"


def start_broker(settings: BrokerSettings, *, progress: Progress | None = None) -> RunningBroker:
    """Reach or start a Kafka broker; the caller must ``stop()`` it (or use ``kafka_broker``).

    Start it from the main thread: there the kernel kills a JVM broker if this process dies
    (PR_SET_PDEATHSIG, which follows the starting *thread*, so it is not set from other
    threads, where only the atexit hook stops the broker; see kafka_broker.process).
    """
    provider = choose_provider(settings)
    if provider == "external" and settings.secure:
        raise BrokerError(
            f"--secure starts a secured local broker; it cannot secure the cluster at "
            f"{settings.bootstrap_servers}.",
            hint="apply `pipeline-harness acl --format json` there yourself, or drop --bootstrap",
        )
    if provider == "external":
        assert settings.bootstrap_servers is not None
        return connect_external(settings.bootstrap_servers, login=settings.login)
    if provider == "docker":
        broker = start_docker_broker(settings, progress)
        if broker is not None:
            return broker
    return start_jvm_broker(settings, progress=progress)


@contextmanager
def kafka_broker(
    settings: BrokerSettings, *, progress: Progress | None = None
) -> Iterator[BrokerInfo]:
    """A Kafka broker for the duration of the block; stops whatever it started.

    Example::

        with kafka_broker(BrokerSettings.from_env(os.environ), progress=print) as info:
            run_suite(info.bootstrap_servers)
    """
    broker = start_broker(settings, progress=progress)
    try:
        yield broker.info
    finally:
        broker.stop()
