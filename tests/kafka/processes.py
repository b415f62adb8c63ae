"""Commands and foreign services run as processes, their output collected line by line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from harness.waiting import wait_for

COMMAND = [sys.executable, "-m", "pipeline_system.cli"]


class Process:
    """A command running in the background, its output collected line by line.

    ``Process("up", ...)`` runs ``pipeline-harness up ...``; ``command=`` runs anything else
    (a foreign service), with ``env`` added to this process's environment."""

    def __init__(
        self,
        *args: str,
        command: list[str] | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.popen = subprocess.Popen(
            [*(COMMAND if command is None else command), *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    def line_starting(self, prefix: str, within_s: float = 60) -> str:
        return wait_for(
            lambda: next((x for x in self.lines if x.startswith(prefix)), None),
            within_s=within_s,
            awaited=f"a line starting {prefix!r}",
            seen=lambda: self.lines[-15:],
        )

    def interrupt(self) -> int:
        self.popen.send_signal(signal.SIGINT)
        return self.popen.wait(timeout=60)
