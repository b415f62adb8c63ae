"""A real Apache Kafka broker for the harness: an external one, Docker, or Kafka's own jars.

Providers, tried in this order (``start_broker``):

1. **external**: ``settings.bootstrap_servers`` is set. Checked to answer; never started or
   stopped.
2. **docker**: ``settings.use_docker`` and a Docker engine answers: testcontainers'
   ``KafkaContainer`` in KRaft mode.
3. **jvm** (the default on machines without Docker): Apache Kafka's jars
   (``org.apache.kafka:kafka_2.13:<settings.kafka_version>``), fetched once with Maven into
   ``settings.cache_dir``, run as a child JVM on loopback.

Example::

    from harness.broker import kafka_broker

    with kafka_broker(settings, progress=print) as info:
        print(info.bootstrap_servers, info.provider, info.cluster_id)

Failures are ``harness.errors.BrokerError`` subclasses with a one-paragraph message:
``JavaNotFoundError``, ``KafkaJarsUnavailableError``, ``BrokerStartError`` (with the broker
log's tail).
"""

from __future__ import annotations

from harness.broker.detached import (
    DetachedBroker,
    forget_detached,
    read_detached,
    start_detached,
    stop_detached,
)
from harness.broker.info import BrokerInfo, Provider, RunningBroker
from harness.broker.jars import ensure_kafka_jars, kafka_libs_dir
from harness.broker.provision import choose_provider, kafka_broker, start_broker

__all__ = [
    "BrokerInfo",
    "DetachedBroker",
    "Provider",
    "RunningBroker",
    "choose_provider",
    "ensure_kafka_jars",
    "forget_detached",
    "kafka_broker",
    "kafka_libs_dir",
    "read_detached",
    "start_broker",
    "start_detached",
    "stop_detached",
]
