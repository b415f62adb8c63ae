"""The one SIGTERM waiter: Ctrl-C and SIGTERM both end it, even in a process that inherited
SIGINT as ignored (a background job of a script, where `up` once kept running after Ctrl-C)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

WAITER = (
    "from kafka_broker.terminal import wait_for_interrupt\n"
    "print('waiting', flush=True)\n"
    "wait_for_interrupt()\n"
    "print('stopped', flush=True)\n"
)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_waiter_returns_on_either_signal_even_with_sigint_inherited_ignored(
    stop: signal.Signals,
) -> None:
    waiter = subprocess.Popen(
        [sys.executable, "-c", WAITER],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=_ignore_sigint,
    )
    assert waiter.stdout is not None
    assert waiter.stdout.readline().strip() == "waiting"
    waiter.send_signal(stop)
    out, _ = waiter.communicate(timeout=10)
    assert waiter.returncode == 0
    assert out.strip() == "stopped"
