"""No broker JVM outlives the process that started it, however that process ends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from kafka_broker import ensure_kafka_jars
from kafka_broker.process import is_running
from kafka_broker.settings import BrokerSettings
from kafka_broker.workdir import sweep_stale_work_dirs

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[3]

# Started from the main thread, as the harness requires (PR_SET_PDEATHSIG follows that thread).
CHILD = """
import json, os, sys, time
from dataclasses import replace
from kafka_broker import start_broker
from kafka_broker.settings import BrokerSettings

settings = replace(BrokerSettings.from_env(os.environ), bootstrap_servers=None, use_docker=False)
broker = start_broker(settings)
print(json.dumps({"pid": broker.info.pid, "work_dir": str(broker.info.log_path.parent)}),
      flush=True)
if sys.argv[1] == "linger":
    time.sleep(600)
"""


@pytest.fixture(autouse=True)
def jars_cached() -> None:
    """Fetch the jars first (if needed) so the child's start stays within its deadline."""
    settings = replace(
        BrokerSettings.from_env(os.environ), bootstrap_servers=None, use_docker=False
    )
    ensure_kafka_jars(settings)


def _start_child(mode: str) -> tuple[subprocess.Popen[str], int, Path]:
    """A Python process that starts a broker, reports it, then lingers or returns."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line, f"the child exited with {child.wait()} before reporting a broker"
    report = json.loads(line)
    return child, int(report["pid"]), Path(report["work_dir"])


def _gone_within(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while is_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_sigkilled_parent_leaves_no_jvm_and_its_dir_is_swept_later() -> None:
    child, jvm_pid, work_dir = _start_child("linger")
    assert is_running(jvm_pid)

    child.send_signal(signal.SIGKILL)
    child.wait(10)

    assert _gone_within(jvm_pid, 10), f"broker JVM {jvm_pid} survived its SIGKILLed parent"
    assert work_dir.exists()  # nobody could clean up: the next start sweeps it
    assert work_dir in sweep_stale_work_dirs(work_dir.parent)
    assert not work_dir.exists()


def test_a_parent_exiting_without_stop_stops_its_broker_at_exit() -> None:
    child, jvm_pid, work_dir = _start_child("return")

    assert child.wait(60) == 0
    assert not is_running(jvm_pid)
    assert not work_dir.exists()
