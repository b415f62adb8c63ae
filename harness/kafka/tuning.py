"""Client settings that trade CPU for latency on loopback, with the measurements behind them.

``fetch.wait.max.ms`` is 100 ms: on a real broker a fetch returns as soon as data arrives
(unlike librdkafka's mock cluster, where toolchain-findings.md measured the wait as the
latency), and shorter waits from a dozen idle consumer groups cost the broker CPU (2-hop p50
3.1 ms at 10 ms, 2.0 ms at 100 ms, measured here). No linger: a message goes out at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KafkaTuning:
    """Client settings of one KafkaBus (see the module docstring for why these values).

    Example::

        KafkaBus(contract, bootstrap_servers=address, tuning=KafkaTuning(publish_timeout_s=5))
    """

    fetch_wait_max_ms: int = 100
    linger_ms: int = 0
    poll_timeout_s: float = 0.05
    session_timeout_ms: int = 10000
    publish_timeout_s: float = 30.0
    group_instance: str | None = None
    """A stable name for this process's group members (static membership, KIP-345): a process
    SIGKILLed and started again under the same name takes its partitions back at once, instead
    of waiting out ``session_timeout_ms`` for a rebalance. Two live processes must not share it
    (the broker fences one). None: dynamic members."""
