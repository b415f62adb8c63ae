"""Background: the one wrapper the kafka tests and the fault runner run commands in."""

from __future__ import annotations

import sys

import pytest

from harness.errors import HarnessError, WaitTimeout
from pipeline_system.background import Background

# Prints an address and "running", then waits for SIGINT and exits 3 (so the code is its own).
SERVICE = (
    "import os, signal, sys, time\n"
    "signal.signal(signal.SIGINT, lambda *_: sys.exit(3))\n"
    "print('KAFKA_BOOTSTRAP_SERVERS 127.0.0.1:1', os.getpid())\n"
    "print('running', flush=True)\n"
    "time.sleep(60)\n"
)


def _service() -> Background:
    return Background("-c", SERVICE, command=[sys.executable], within_s=20)


def test_it_waits_for_running_reads_a_value_and_is_interrupted_as_ctrl_c_would() -> None:
    service = _service()
    try:
        service.wait_running()
        assert service.value("KAFKA_BOOTSTRAP_SERVERS") == "127.0.0.1:1"
    finally:
        code = service.interrupt()
    assert code == 3


def test_a_restart_kills_it_and_collects_the_new_process_output_alone() -> None:
    service = _service()
    try:
        service.wait_running()
        first = service.popen.pid
        service.restart()
        assert service.popen.pid != first
        service.wait_running()
        pids = [line.split()[-1] for line in service.lines if line.startswith("KAFKA")]
        assert pids == [str(service.popen.pid)]
    finally:
        service.interrupt()


def test_a_line_that_never_comes_times_out_showing_what_it_printed() -> None:
    quiet = Background("-c", "print('hello', flush=True)", command=[sys.executable])
    with pytest.raises(WaitTimeout) as timeout:
        quiet.line_starting("running", within_s=1)
    assert "hello" in str(timeout.value)
    assert quiet.interrupt() == 0  # it had ended by itself


def test_one_that_ignores_ctrl_c_is_killed_and_said_with_its_last_lines() -> None:
    stubborn = Background(
        "-c",
        "import signal, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "print('running, not listening', flush=True)\n"
        "time.sleep(60)\n",
        command=[sys.executable],
    )
    stubborn.wait_running(within_s=20)
    with pytest.raises(HarnessError, match=r"did not end within 0\.5 s of SIGINT; killed") as hung:
        stubborn.interrupt(timeout_s=0.5)
    assert "running, not listening" in str(hung.value)
    assert stubborn.popen.returncode == -9


def test_wait_returns_once_every_line_is_read() -> None:
    chatty = Background("-c", "for i in range(2000): print(i)", command=[sys.executable])
    assert chatty.wait() == 0
    assert chatty.lines[-1] == "1999" and len(chatty.lines) == 2000
