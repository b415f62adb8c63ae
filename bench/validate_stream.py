"""`pipeline-harness validate` on a large JSON-lines stream: throughput and peak memory.

    python bench/validate_stream.py [--gigabytes 2] [--channel batchPipelineCompleted]

Writes GIGABYTES of envelopes (the channel's examples, every 1000th one broken so that the
findings path runs too) into the standard input of ``pipeline-harness validate`` and prints
the records per second and the validator's peak resident memory (VmHWM) next to the same
figure for a run a tenth the size: constant memory means the two peaks are about equal.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from harness.contract import load_contract

ROOT = Path(__file__).resolve().parent.parent


def _lines(channel_id: str) -> tuple[bytes, bytes]:
    channel = load_contract().channel(channel_id)
    good = json.dumps(channel.message.examples[0]).encode() + b"\n"
    broken = json.dumps({**channel.message.examples[0], "data": {}}).encode() + b"\n"
    return good, broken


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _run(channel: str, size: int) -> tuple[int, float, int, str]:
    """Records written, seconds, peak KB of the validator, its summary line."""
    good, broken = _lines(channel)
    command = [sys.executable, "-m", "harness.cli", "validate", "--channel", channel, "-"]
    validator = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    assert validator.stdin is not None and validator.stderr is not None
    peak = [0]

    def watch() -> None:
        while validator.poll() is None:
            peak[0] = max(peak[0], _peak_kb(validator.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start, written, records = time.perf_counter(), 0, 0
    chunk = good * 999 + broken
    while written < size:
        validator.stdin.write(chunk)
        written += len(chunk)
        records += 1000
    validator.stdin.close()
    summary = validator.stderr.read().decode().strip().splitlines()[-1]
    validator.wait()
    elapsed = time.perf_counter() - start
    watcher.join()
    return records, elapsed, peak[0], summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--channel", default="batchPipelineCompleted")
    args = parser.parse_args()
    size = int(args.gigabytes * 1024**3)
    for label, share in (("a tenth", size // 10), ("whole", size)):
        records, seconds, peak, summary = _run(args.channel, share)
        print(
            f"{label:>8}: {share / 1024**3:5.2f} GB, {records:,} records in {seconds:.1f} s "
            f"({records / seconds:,.0f}/s), peak memory {peak / 1024:.0f} MB"
        )
        print(f"          {summary}")


if __name__ == "__main__":
    main()
