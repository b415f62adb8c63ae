"""Fuzz the whole simulated system (issue 13): 100k payloads through both validation paths and
every handler, one line of figures.

    python bench/fuzz.py                      # 100,000 payloads (about 15 min here: make fuzz)
    python bench/fuzz.py --count 3000 --seed 2

A third are clean MessageFactory builds for random batches, a third clean builds with one
random change, a third garbled bytes, on every channel the system consumes (see
pipeline_system.fuzz). Exit 0 only when the two paths agree on every payload, every refused
payload came back as a dead letter with a reason once per consuming service, no handler
raised, and a cj_assessment pipeline completed afterwards.
"""

from __future__ import annotations

import argparse
import time

from harness.contract import load_contract
from pipeline_system.fuzz import fuzz_system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.monotonic()
    report = fuzz_system(
        load_contract(),
        count=args.count,
        seed=args.seed,
        within_s=600,
        progress=lambda n: print(f"{n:,} of {args.count:,} payloads sent", flush=True),
    )
    took = time.monotonic() - started
    print(f"{report.line()} ({took:.0f} s, {args.count / took:,.0f} payloads/s, seed {args.seed})")
    for crash, times in report.crashes.most_common(10):
        print(f"  handler crash x{times}: {crash}")
    for disagreement in report.disagreements[:10]:
        print(f"  paths disagree: {disagreement}")
    return 0 if report.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
