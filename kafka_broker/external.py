"""An existing Kafka broker named by the settings: used, checked, never started or stopped."""

from __future__ import annotations

from dataclasses import dataclass

from kafka_broker.info import BrokerInfo
from kafka_broker.probes import require_answer
from kafka_broker.security import SaslCredentials

ANSWER_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ExternalBroker:
    """A broker someone else runs; ``stop()`` leaves it alone."""

    info: BrokerInfo

    def stop(self) -> None:
        """Nothing to do: a broker we did not start is never stopped."""


def connect_external(
    bootstrap_servers: str,
    timeout_s: float = ANSWER_TIMEOUT_S,
    *,
    login: SaslCredentials | None = None,
) -> ExternalBroker:
    """Check that the broker at ``bootstrap_servers`` answers (BrokerError if not), logged in
    as ``login`` on a secured cluster."""
    config = login.client_config() if login else None
    cluster_id = require_answer(bootstrap_servers, timeout_s=timeout_s, client_config=config)
    return ExternalBroker(
        BrokerInfo(bootstrap_servers, "external", cluster_id=cluster_id, login=login)
    )
