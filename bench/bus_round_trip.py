"""Publish-to-handler round trip on a real broker over loopback: p50 and p95.

    python bench/bus_round_trip.py [--messages 500] [--bootstrap HOST:PORT]

Starts a broker as the tests do (or uses --bootstrap / KAFKA_BOOTSTRAP_SERVERS), then publishes
one envelope at a time with KafkaBus and times until the subscribed handler has it (the publish
includes the broker's acks=all acknowledgement). A fresh broker's JVM is still compiling its hot
paths, so the first round trips are shown apart ("cold") from those after a warm-up ("warm").
Goal: p50 <= 5 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
import uuid
from dataclasses import replace

from harness.bus import Delivery
from harness.contract import Channel, load_contract
from harness.envelope import Envelope
from harness.kafka import KafkaBus
from kafka_broker import BrokerSettings, kafka_broker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--bootstrap", help="an existing broker (default: start one)")
    args = parser.parse_args()
    settings = BrokerSettings.from_env(os.environ)
    if args.bootstrap:
        settings = replace(settings, bootstrap_servers=args.bootstrap)
    contract = load_contract()
    with kafka_broker(settings, progress=print) as broker:
        bus = KafkaBus(
            contract,
            bootstrap_servers=broker.bootstrap_servers,
            topic_prefix=f"bench-{uuid.uuid4().hex[:6]}.",
        )
        bus.start()
        try:
            cold, warm = _measure(bus, args.messages)
        finally:
            bus.stop()
    print(f"round trips on {broker.provider} broker {broker.bootstrap_servers}")
    _report("cold (first 100 on a new broker)", cold)
    p50 = _report(f"warm (next {len(warm)})", warm)
    print(f"warm p50 {'meets' if p50 <= 5 else 'MISSES'} the p50 <= 5 ms goal")


def _report(label: str, samples: list[float]) -> float:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"  {label:34}: p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  max {ordered[-1]:6.2f} ms")
    return p50


def _measure(bus: KafkaBus, count: int) -> tuple[list[float], list[float]]:
    channel = bus.contract.channel("batchPipelineCompleted")
    arrived = threading.Event()

    def handler(_delivery: Delivery) -> None:
        arrived.set()

    subscription = bus.subscribe([channel], group="bench", handler=handler)
    subscription.wait_assigned()
    envelope = Envelope.new(
        event_type=channel.address,
        source_service="bench",
        data={"batch_id": "b"},
        correlation_id=str(uuid.uuid4()),
    )
    samples = []
    warm_up_until = time.monotonic() + 3.0
    while time.monotonic() < warm_up_until or len(samples) < 100:
        samples.append(_round_trip(bus, channel, envelope, arrived))
    cold = samples[:100]
    warm = [_round_trip(bus, channel, envelope, arrived) for _ in range(count)]
    return cold, warm


def _round_trip(
    bus: KafkaBus, channel: Channel, envelope: Envelope, arrived: threading.Event
) -> float:
    arrived.clear()
    start = time.perf_counter()
    bus.publish(channel, envelope, key="b")
    if not arrived.wait(10):
        raise SystemExit("a message did not arrive within 10 s")
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    main()
