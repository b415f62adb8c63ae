"""`broker start --detach`, `status`, `stop` (``python -m kafka_broker``, the commands
``pipeline-harness broker`` adds): a real round trip."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

from kafka_broker import ensure_kafka_jars
from kafka_broker.process import is_running
from kafka_broker.settings import BrokerSettings

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """An environment with its own state dir, sharing the (fetched) jars of the real cache."""
    settings = replace(
        BrokerSettings.from_env(os.environ), bootstrap_servers=None, use_docker=False
    )
    libs = ensure_kafka_jars(settings)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / libs.parent.name).symlink_to(libs.parent)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PIPELINE_HARNESS_CACHE": str(cache)}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env["PIPELINE_HARNESS_DOCKER"] = "0"
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kafka_broker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _status_fields(stdout: str) -> dict[str, str]:
    return dict(line.split(None, 1) for line in stdout.splitlines() if line.strip())


def test_a_detached_broker_outlives_the_cli_until_stopped(cli_env: dict[str, str]) -> None:
    started = _cli(cli_env, "start", "--detach")
    assert started.returncode == 0, started.stderr
    bootstrap = started.stdout.strip()
    assert bootstrap.startswith("127.0.0.1:") and "\n" not in bootstrap
    try:
        status = _cli(cli_env, "status")
        assert status.returncode == 0, status.stderr
        fields = _status_fields(status.stdout)
        assert fields["address"] == bootstrap and fields["provider"] == "jvm"
        pid = int(fields["pid"])
        assert is_running(pid)  # the CLI that started it has exited
        admin = AdminClient({"bootstrap.servers": bootstrap})
        assert admin.describe_cluster(request_timeout=10).result().cluster_id == fields["cluster"]
        work_dir = Path(fields["log"]).parent

        again = _cli(cli_env, "start", "--detach")
        assert again.returncode == 2 and "already runs" in again.stderr
    finally:
        stopped = _cli(cli_env, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert not is_running(pid)
    assert not work_dir.exists()

    assert _cli(cli_env, "status").returncode == 1
    none = _cli(cli_env, "stop")
    assert none.returncode == 1 and "no detached broker is running" in none.stderr
