"""The bus on a real Kafka cluster: the one module family that imports the Kafka client.

Its exceptions become BusError here and nowhere else. By concept:

- ``bus``: ``KafkaBus``, the Bus protocol on Kafka (topics named through the contract);
- ``publisher``: the idempotent producer and the broker's acknowledgements, deferred while a
  handler runs;
- ``consumer``: one consumer thread per subscription, committing what is acknowledged;
- ``admin``: topic creation and what consumer groups have committed;
- ``tuning``: the client settings and the measurements behind them.

Example::

    from harness.kafka import KafkaBus

    bus = KafkaBus(contract, bootstrap_servers="127.0.0.1:9092", topic_prefix="run-1a2b.")
    bus.start()
"""

from __future__ import annotations

from harness.kafka.bus import KafkaBus
from harness.kafka.consumer import KafkaSubscription
from harness.kafka.tuning import KafkaTuning

__all__ = ["KafkaBus", "KafkaSubscription", "KafkaTuning"]
