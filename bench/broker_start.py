"""Cold start of the local JVM broker (jars cached) to ready: each run, the median, the goal.

Each run starts a fresh broker JVM (new work dir, format, start, readiness incl. the cluster id
check) and stops it. The first start ever also fetches the jars and, when no class-data archive
exists yet, dumps one while stopping: one warm-up run (not counted) takes care of both.

    python bench/broker_start.py [--runs 5] [--no-class-data-sharing]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kafka_broker import BrokerSettings
from kafka_broker.jvm import start_jvm_broker

GOAL_S = 5.0


def _one_start(settings: BrokerSettings, *, class_data_sharing: bool) -> tuple[float, float]:
    """Seconds to ready and seconds to stop, for one fresh broker."""
    started = time.monotonic()
    broker = start_jvm_broker(settings, class_data_sharing=class_data_sharing)
    ready = time.monotonic() - started
    started = time.monotonic()
    broker.stop()
    return ready, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when the median meets the goal, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs (default 5)")
    parser.add_argument(
        "--no-class-data-sharing", action="store_true", help="measure without the AppCDS archive"
    )
    args = parser.parse_args(argv)
    settings = replace(
        BrokerSettings.from_env(os.environ), bootstrap_servers=None, use_docker=False
    )
    cds = not args.no_class_data_sharing
    print(
        f"Kafka {settings.kafka_version}, class-data sharing {'on' if cds else 'off'}, "
        f"{os.cpu_count()} CPUs; warm-up run (fetches jars / dumps the archive if needed)..."
    )
    ready, stop = _one_start(settings, class_data_sharing=cds)
    print(f"  warm-up: ready {ready:.2f} s, stop {stop:.2f} s")
    readies = []
    for run in range(1, args.runs + 1):
        ready, stop = _one_start(settings, class_data_sharing=cds)
        readies.append(ready)
        print(f"  run {run}: ready {ready:.2f} s, stop {stop:.2f} s", flush=True)
    median = statistics.median(readies)
    verdict = "meets" if median <= GOAL_S else "MISSES"
    print(f"median cold start to ready: {median:.2f} s ({verdict} the goal of <= {GOAL_S:.0f} s)")
    return 0 if median <= GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
