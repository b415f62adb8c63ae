"""The broker's own exception tree: every way of not getting a Kafka broker, said so a person
can act on it (what failed, where, the broker log's tail, a hint)::

    BrokerError                   no Kafka broker could be reached or started
    ├── JavaNotFoundError             no Java runtime, or one too old for this Kafka version
    ├── KafkaJarsUnavailableError     no Maven and no cached jars, or the fetch failed
    └── BrokerStartError              the JVM died or never became ready (log tail attached)

Client-library exceptions (confluent-kafka) become these in one place only,
``kafka_broker.probes``. A command line reports a BrokerError as one paragraph, never a
traceback (``python -m kafka_broker``, and ``pipeline-harness broker`` through its composition
root).
"""

from __future__ import annotations


class BrokerError(Exception):
    """Root of every error the broker package raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(f"{message} Hint: {hint}" if hint else message)


class JavaNotFoundError(BrokerError):
    """No Java runtime (or one too old) to run Kafka's own jars."""


class KafkaJarsUnavailableError(BrokerError):
    """Kafka's jars are neither cached nor fetchable with Maven."""


class BrokerStartError(BrokerError):
    """The broker process died during start or never became ready."""

    def __init__(self, message: str, *, log_tail: str = "", hint: str | None = None) -> None:
        self.log_tail = log_tail
        tail = f"\n--- last lines of the broker log ---\n{log_tail}" if log_tail else ""
        super().__init__(f"{message}{tail}", hint=hint)
