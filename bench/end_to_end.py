"""End-to-end speed of the simulated pipeline on a real broker, in one process and in many.

    python bench/end_to_end.py [--runs 20] [--batches 50] [--essays 12] [--bootstrap HOST:PORT]
                               [--modes in-process,processes] [--replicas spellchecker=2]

Each mode runs on the same broker, one after the other, on topics of its own:
  in-process  every service in this interpreter (``build_system``, as ``up`` runs them);
  processes   every service in its own OS process (``ProcessSystem``, as ``up --processes``);
              this process keeps the Content Service and the wire check.

For each mode:
1. Latency: ``--runs`` batches one after another; for each, the time from publishing
   ClientBatchPipelineRequestV1 (cj_assessment) to seeing BatchPipelineCompletedV1 on the wire.
   Goal (issue 16): p50 <= 60 ms for 12 essays.
2. Throughput: ``--batches`` batches requested at once; essays/s and messages/s from the first
   request to the last completion, with the wire check validating every message. Goal: >= 500
   essays/s.
3. Where the time goes: for the median latency run, each message kind's first and last
   appearance after the request; for the throughput run, the CPU each process used (the broker's
   JVM, this process, every service's), from /proc.

Then the two modes side by side, with the ratios. Simulators run at zero latency.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from harness.client import PipelineClient
from harness.contract import Contract, load_contract
from harness.expectations import Expectations
from harness.kafka import KafkaBus, KafkaTuning
from harness.observed import ObservedMessage
from harness.observer import ContractObserver
from kafka_broker import BrokerInfo, BrokerSettings, kafka_broker
from pipeline_system.processes import ProcessPlan, ProcessSystem, parse_replicas
from pipeline_system.system import build_system

MODES = ("in-process", "processes")
LATENCY_GOAL_MS = 60
THROUGHPUT_GOAL = 500
IDLE_S = 2.0


@dataclass(frozen=True)
class Figures:
    """One mode's results."""

    mode: str
    p50_ms: float
    p95_ms: float
    essays_per_s: float
    messages_per_s: float
    violations: int
    cpu: Mapping[str, float]
    seconds: float


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--essays", type=int, default=12)
    parser.add_argument("--bootstrap", help="an existing broker (default: start one)")
    parser.add_argument(
        "--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}"
    )
    parser.add_argument(
        "--replicas", action="append", default=[], metavar="SERVICE=N", help="processes mode"
    )
    parser.add_argument(
        "--linger-ms",
        type=int,
        default=0,
        help="in-process mode: the producers' linger.ms (default 0, as the harness runs; more "
        "batches messages under load, at a cost per hop)",
    )
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        parser.error(f"unknown modes {unknown}; known: {', '.join(MODES)}")
    replicas = parse_replicas(args.replicas)
    settings = BrokerSettings.from_env(os.environ)
    if args.bootstrap:
        settings = replace(settings, bootstrap_servers=args.bootstrap)
    contract = load_contract()
    results = []
    with kafka_broker(settings, progress=print) as broker:
        for mode in modes:
            print(f"\n===== {mode} =====", flush=True)
            results.append(_measure(mode, contract, broker, args, replicas))
    _side_by_side(results, args.essays)


def _measure(
    mode: str,
    contract: Contract,
    broker: BrokerInfo,
    args: argparse.Namespace,
    replicas: Mapping[str, int],
) -> Figures:
    prefix = f"bench-{uuid.uuid4().hex[:6]}."
    tuning = KafkaTuning(linger_ms=args.linger_ms) if mode == "in-process" else None
    bus = KafkaBus(
        contract, bootstrap_servers=broker.bootstrap_servers, topic_prefix=prefix, tuning=tuning
    )
    bus.start()
    observer = ContractObserver(contract, bus)
    observer.start()
    try:
        with _system(mode, contract, bus, observer, broker, prefix, replicas) as (client, pids):
            _warm_up(client, observer, args.essays)
            p50, p95 = _latency(client, observer, args.runs, args.essays)
            if broker.pid:
                pids["broker (JVM)"] = broker.pid
            pids["bench + wire check"] = os.getpid()
            idle = _cpu_while(pids, lambda: time.sleep(IDLE_S))
            _print_cpu("idle (no batch running)", idle, IDLE_S)
            cpu: dict[str, float] = {}
            essays_s, messages_s, seconds = _throughput(
                client,
                observer,
                args.batches,
                args.essays,
                lambda run: cpu.update(_cpu_while(pids, run)),
            )
        _print_cpu("during the throughput run", cpu, seconds)
        return Figures(
            mode, p50, p95, essays_s, messages_s, len(observer.violations()), cpu, seconds
        )
    finally:
        observer.stop()
        bus.stop()


@contextmanager
def _system(
    mode: str,
    contract: Contract,
    bus: KafkaBus,
    observer: ContractObserver,
    broker: BrokerInfo,
    prefix: str,
    replicas: Mapping[str, int],
) -> Iterator[tuple[PipelineClient, dict[str, int]]]:
    """The system of one mode, and the processes whose CPU to count (besides this one)."""
    if mode == "in-process":
        with build_system(
            contract, bus, exchanges=observer.exchanges, content_over_http=True
        ) as system:
            yield system.client(), {}
        return
    plan = ProcessPlan(replicas=replicas)
    with ProcessSystem(
        contract,
        bus,
        plan,
        bootstrap=broker.bootstrap_servers,
        topic_prefix=prefix,
        exchanges=observer.exchanges,
    ) as processes:
        pids = {p.name: p.pid for p in processes.processes if p.pid is not None}
        yield processes.client(), pids


def _cpu_while(pids: Mapping[str, int], work: Callable[[], object]) -> dict[str, float]:
    """The CPU seconds each process used while ``work`` ran."""
    before = _cpu_seconds(pids)
    work()
    after = _cpu_seconds(pids)
    return {name: after[name] - before.get(name, 0.0) for name in after}


def _cpu_seconds(pids: Mapping[str, int]) -> dict[str, float]:
    """User plus system CPU seconds of each process so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for name, pid in pids.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[name] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def _print_cpu(when: str, cpu: Mapping[str, float], seconds: float) -> None:
    total = sum(cpu.values())
    cores = os.cpu_count() or 1
    print(
        f"\n  CPU {when} ({seconds:.2f} s wall, {cores} cores = "
        f"{cores * seconds:.2f} core-seconds available; used {total:.2f}):"
    )
    for name, used in sorted(cpu.items(), key=lambda item: -item[1]):
        print(f"    {name:24} {used:6.2f} s  {used / seconds * 100:5.0f}% of a core")


def _ready_batch(client: PipelineClient, essays: int) -> str:
    batch = client.register_batch(essay_count=essays)
    client.wait_ready(batch.batch_id, within_s=60)
    return batch.batch_id


def _run(client: PipelineClient, observer: ContractObserver, batch_id: str) -> tuple[str, float]:
    start = time.monotonic()
    correlation_id = client.request_pipeline(batch_id, "cj_assessment")
    done = Expectations(observer).expect(
        "batchPipelineCompleted", correlation_id=correlation_id, within_s=120
    )
    assert done.data["final_status"] == "completed_successfully", done.summary()
    return correlation_id, done.seen_at - start


def _warm_up(client: PipelineClient, observer: ContractObserver, essays: int) -> None:
    for _ in range(3):  # a new broker's JVM compiles its hot paths during the first runs
        _run(client, observer, _ready_batch(client, essays))


def _latency(
    client: PipelineClient, observer: ContractObserver, runs: int, essays: int
) -> tuple[float, float]:
    results = []
    for _ in range(runs):
        batch_id = _ready_batch(client, essays)
        correlation_id, seconds = _run(client, observer, batch_id)
        results.append((seconds, correlation_id))
    results.sort()
    p50 = statistics.median(s for s, _ in results) * 1000
    p95 = results[max(int(len(results) * 0.95) - 1, 0)][0] * 1000
    print(f"\nlatency, {runs} runs of {essays} essays (request -> completion on the wire):")
    print(
        f"  p50 {p50:.0f} ms, p95 {p95:.0f} ms, min {results[0][0] * 1000:.0f} ms, "
        f"max {results[-1][0] * 1000:.0f} ms"
    )
    _where_the_time_goes(observer, results[len(results) // 2][1])
    return p50, p95


def _where_the_time_goes(observer: ContractObserver, correlation_id: str) -> None:
    seen = observer.messages(correlation_id=correlation_id)
    batch_id = seen[0].batch_id  # the comparisons carry it, not the correlation id
    comparisons = observer.messages("llmComparisonRequest", batch_id=batch_id)
    comparisons += observer.messages("llmComparisonResult", batch_id=batch_id)
    messages = sorted(seen + comparisons, key=lambda m: m.seen_at)
    start = messages[0].seen_at
    print(f"\n  where the time goes (median run, correlation {correlation_id}):")
    kinds: dict[str, list[ObservedMessage]] = {}
    for message in messages:
        kinds.setdefault(message.name, []).append(message)
    for name, group in kinds.items():
        first, last = group[0].seen_at - start, group[-1].seen_at - start
        print(
            f"    {name:48} x{len(group):<4} first {first * 1000:7.1f} ms  "
            f"last {last * 1000:7.1f} ms"
        )
    gaps = [(b.seen_at - a.seen_at, a.name, b.name) for a, b in itertools.pairwise(messages)]
    slowest = max(gaps)
    print(f"    slowest hop: {slowest[1]} -> {slowest[2]}: {slowest[0] * 1000:.1f} ms")
    print(f"    {len(messages)} messages on the critical path and beside it")


def _throughput(
    client: PipelineClient,
    observer: ContractObserver,
    batches: int,
    essays: int,
    measured: Callable[[Callable[[], object]], object],
) -> tuple[float, float, float]:
    """``measured(run)`` runs the timed part (the CPU profile is taken around it)."""
    batch_ids = [_ready_batch(client, essays) for _ in range(batches)]
    before = len(observer.messages())
    start = time.monotonic()
    finished: list[float] = []

    def run() -> None:
        correlations = [client.request_pipeline(b, "cj_assessment") for b in batch_ids]
        finished.extend(
            Expectations(observer)
            .expect("batchPipelineCompleted", correlation_id=c, within_s=300)
            .seen_at
            for c in correlations
        )

    measured(run)
    seconds = max(finished) - start
    messages = len(observer.messages()) - before
    print(f"\nthroughput, {batches} batches of {essays} essays at once:")
    print(
        f"  {seconds:.2f} s: {batches / seconds:.1f} batches/s, "
        f"{batches * essays / seconds:.0f} essays/s, {messages / seconds:.0f} messages/s "
        f"({messages} messages, every one checked; {len(observer.violations())} violations)"
    )
    return batches * essays / seconds, messages / seconds, seconds


def _side_by_side(results: list[Figures], essays: int) -> None:
    print("\n===== side by side =====")
    header = f"  {'':34}" + "".join(f"{r.mode:>14}" for r in results)
    print(header + ("    speed-up" if len(results) == 2 else ""))
    rows: list[tuple[str, Callable[[Figures], float], str]] = [
        (f"p50 latency, {essays} essays (ms)", lambda r: r.p50_ms, "lower"),
        ("p95 latency (ms)", lambda r: r.p95_ms, "lower"),
        ("throughput (essays/s)", lambda r: r.essays_per_s, "higher"),
        ("messages checked per second", lambda r: r.messages_per_s, "higher"),
    ]
    for label, value, better in rows:
        line = f"  {label:34}" + "".join(f"{value(r):14.0f}" for r in results)
        if len(results) == 2 and value(results[0]):
            ratio = value(results[1]) / value(results[0])
            if better == "lower":
                ratio = 1 / ratio if ratio else 0.0
            line += f"  {ratio:9.2f}x"
        print(line)
    for result in results:
        latency = "meets" if result.p50_ms <= LATENCY_GOAL_MS else "MISSES"
        rate = "meets" if result.essays_per_s >= THROUGHPUT_GOAL else "MISSES"
        print(
            f"  {result.mode}: {latency} the p50 <= {LATENCY_GOAL_MS} ms goal, {rate} the >= "
            f"{THROUGHPUT_GOAL} essays/s goal; {result.violations} contract violations"
        )
    print(f"  (speed-up: how many times better {results[-1].mode} is than {results[0].mode})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
