"""The one SIGTERM waiter: Ctrl-C and SIGTERM both end it, even in a process that inherited
SIGINT as ignored (a background job of a script, where `up` once kept running after Ctrl-C)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

WAITER = (  # SIGINT ignored first, as a script's background job inherits it
    "import signal\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "from kafka_broker.terminal import wait_for_interrupt\n"
    "wait_for_interrupt(lambda: print('waiting', flush=True))\n"
    "print('stopped', flush=True)\n"
)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_waiter_returns_on_either_signal_even_with_sigint_inherited_ignored(
    stop: signal.Signals,
) -> None:
    waiter = subprocess.Popen(
        [sys.executable, "-c", WAITER],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert waiter.stdout is not None
    assert waiter.stdout.readline().strip() == "waiting"
    for _ in range(50):  # again until it ends: the first may land before the handler is set
        waiter.send_signal(stop)
        try:
            out, _ = waiter.communicate(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            continue
    else:
        waiter.kill()
        pytest.fail(f"{stop.name} did not end the wait")
    assert waiter.returncode == 0
    assert out.strip() == "stopped"
