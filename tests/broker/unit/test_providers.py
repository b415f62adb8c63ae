"""Which broker is used: external first, then Docker if an engine answers, else the JVM."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import pytest

from kafka_broker import choose_provider
from kafka_broker.docker import docker_engine_answers
from kafka_broker.errors import BrokerError
from kafka_broker.external import connect_external
from kafka_broker.properties import pick_free_ports
from kafka_broker.settings import BrokerSettings


def _never_called() -> bool:
    raise AssertionError("the Docker probe must not run")


def test_an_external_broker_wins_without_probing_docker() -> None:
    settings = BrokerSettings(bootstrap_servers="127.0.0.1:9092", use_docker=True)

    assert choose_provider(settings, docker_answers=_never_called) == "external"


def test_docker_is_used_when_an_engine_answers() -> None:
    assert choose_provider(BrokerSettings(use_docker=True), docker_answers=lambda: True) == "docker"


def test_no_docker_engine_falls_through_to_the_jvm() -> None:
    assert choose_provider(BrokerSettings(use_docker=True), docker_answers=lambda: False) == "jvm"


def test_docker_disabled_is_never_probed() -> None:
    assert choose_provider(BrokerSettings(use_docker=False), docker_answers=_never_called) == "jvm"


def test_the_real_probe_falls_through_fast_when_no_engine_listens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-engine.sock'}")
    with contextlib.suppress(ImportError):
        import docker  # noqa: F401  (the import alone costs ~0.6 s; time the probe only)

    started = time.monotonic()
    answers = docker_engine_answers()

    assert answers is False
    assert time.monotonic() - started < 1.0


def test_the_probe_falls_through_without_the_docker_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-engine.sock'}")
    monkeypatch.setitem(sys.modules, "docker", None)  # makes `import docker` fail

    assert docker_engine_answers() is False


def test_an_external_broker_that_does_not_answer_is_a_clear_error() -> None:
    silent = pick_free_ports().bootstrap_servers  # nothing listens there
    started = time.monotonic()

    with pytest.raises(BrokerError, match=f"no Kafka broker answers at {silent}") as caught:
        connect_external(silent, timeout_s=1.0)

    assert "KAFKA_BOOTSTRAP_SERVERS" in str(caught.value)
    assert time.monotonic() - started < 5
