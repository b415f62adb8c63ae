"""A ``pipeline-harness`` command (or any command) in the background, its output collected.

What a test, the fault runner or a CI script needs around ``up``, ``serve`` or a foreign
service: start it, wait for the line that says it is ready, read a value it prints, interrupt
it as Ctrl-C would, or SIGKILL it and start it again with the same arguments.

Example::

    system = Background("up", "--phase-timeout", "60")
    system.wait_running()
    bootstrap = system.value("KAFKA_BOOTSTRAP_SERVERS")
    ...
    assert system.interrupt() == 0

``up``'s own children are supervised by ``pipeline_system.processes.ServiceProcess``, which
also reads the addresses and HTTP exchanges they print and relays their output.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.errors import HarnessError
from harness.waiting import wait_for

CLI = [sys.executable, "-m", "pipeline_system.cli"]
"""``pipeline-harness`` as this interpreter runs it (no console script on PATH needed)."""

WITHIN_S = 60.0
_SEEN_LINES = 15  # the last lines a timeout shows


class Background:
    """A command running in its own process, its output (stdout and stderr) line by line.

    ``Background("up", ...)`` runs ``pipeline-harness up ...``; ``command=`` runs anything
    else (a foreign service) with ``args`` after it, ``env`` added to this process's
    environment.
    """

    def __init__(
        self,
        *args: str,
        command: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        within_s: float = WITHIN_S,
    ) -> None:
        self.argv = [*(CLI if command is None else command), *args]
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.cwd = cwd
        self.within_s = within_s
        """How long the waits below wait by default."""
        self.lines: list[str] = []
        self._reader: threading.Thread | None = None
        self.popen = self._spawn()

    @property
    def name(self) -> str:
        """What it runs, as a person would type it (``up --phase-timeout 60``)."""
        shown = self.argv[len(CLI) :] if self.argv[: len(CLI)] == CLI else self.argv
        return " ".join(shown[:4])

    def _spawn(self) -> subprocess.Popen[str]:
        popen = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        self._reader = threading.Thread(target=_collect, args=(popen, self.lines), daemon=True)
        self._reader.start()
        return popen

    def line_starting(self, prefix: str, within_s: float | None = None) -> str:
        """The first line it printed that starts with ``prefix``, waiting for it."""
        return wait_for(
            lambda: next((x for x in self.lines if x.startswith(prefix)), None),
            within_s=self.within_s if within_s is None else within_s,
            awaited=f"a line starting {prefix!r} from {self.name}",
            seen=lambda: self.lines[-_SEEN_LINES:],
        )

    def value(self, key: str, within_s: float | None = None) -> str:
        """The value of the first ``KEY value`` line it prints (``up``'s addresses)."""
        return self.line_starting(f"{key} ", within_s).split()[1]

    def wait_running(self, within_s: float | None = None) -> None:
        """Until it prints its ``running`` line (``up``, ``serve`` and ``simulate`` do)."""
        self.line_starting("running", within_s)

    def wait(self, timeout_s: float | None = None) -> int:
        """Until it ends by itself; its exit code, once every line it printed is in ``lines``."""
        code = self.popen.wait(timeout=self.within_s if timeout_s is None else timeout_s)
        self._drain()
        return code

    def interrupt(self, timeout_s: float = 60.0) -> int:
        """SIGINT, as Ctrl-C would; its exit code, once every line it printed is in
        ``lines``. A HarnessError, with its last lines, if it had not ended within
        ``timeout_s`` (it is SIGKILLed then)."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
                tail = "".join(f"\n  | {line}" for line in self.lines[-_SEEN_LINES:])
                raise HarnessError(
                    f"{self.name} did not end within {timeout_s:g} s of SIGINT; killed. "
                    f"Its last lines:{tail}"
                ) from None
        self._drain()
        return self.popen.returncode

    def kill(self) -> None:
        """SIGKILL, as a crash would (nothing of its own shutdown runs)."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)
        self._drain()

    def _drain(self) -> None:
        """Let the reader take the last lines (the pipe ends once the process has)."""
        if self._reader is not None:
            self._reader.join(timeout=5)

    def restart(self) -> None:
        """SIGKILL it and start it again with the same arguments, its output collected anew."""
        self.kill()
        self.lines = []
        self.popen = self._spawn()


def _collect(popen: subprocess.Popen[str], lines: list[str]) -> None:
    assert popen.stdout is not None
    for line in popen.stdout:
        lines.append(line.rstrip("\n"))
