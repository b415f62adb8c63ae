"""A real Apache Kafka broker, as a package of its own: an external one, Docker, or Kafka's jars.

It imports nothing of the harness: the harness needs a bootstrap address, and gets one from the
``kafka_bootstrap`` fixture of this package's pytest plugin (``kafka_broker.pytest_plugin``) or
from a command's ``--bootstrap``. The seam is small: ``BrokerSettings`` in, a ``BrokerInfo``
(address, provider, cluster id) and the broker's lifetime out.

Providers, tried in this order (``start_broker``):

1. **external**: ``settings.bootstrap_servers`` is set. Checked to answer; never started or
   stopped.
2. **docker**: ``settings.use_docker`` and a Docker engine answers: testcontainers'
   ``KafkaContainer`` in KRaft mode.
3. **jvm** (the default on machines without Docker): Apache Kafka's jars
   (``org.apache.kafka:kafka_2.13:<settings.kafka_version>``), fetched once with Maven into
   ``settings.cache_dir``, run as a child JVM on loopback.

Example::

    from kafka_broker import BrokerSettings, kafka_broker

    with kafka_broker(BrokerSettings.from_env(os.environ), progress=print) as info:
        print(info.bootstrap_servers, info.provider, info.cluster_id)

Failures are ``kafka_broker.errors.BrokerError`` subclasses with a one-paragraph message:
``JavaNotFoundError``, ``KafkaJarsUnavailableError``, ``BrokerStartError`` (with the broker
log's tail). ``kafka_broker.cli`` adds ``broker start|stop|status`` to a command line
(``python -m kafka_broker`` runs them alone).
"""

from __future__ import annotations

from kafka_broker.detached import (
    DetachedBroker,
    forget_detached,
    read_detached,
    start_detached,
    stop_detached,
)
from kafka_broker.errors import BrokerError
from kafka_broker.info import BrokerInfo, Provider, RunningBroker
from kafka_broker.jars import ensure_kafka_jars, kafka_libs_dir
from kafka_broker.provision import choose_provider, kafka_broker, start_broker
from kafka_broker.settings import BrokerSettings

__all__ = [
    "BrokerError",
    "BrokerInfo",
    "BrokerSettings",
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
