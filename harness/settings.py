"""The harness's settings: one frozen dataclass, read from the environment once, at the edge.

Only what the harness itself needs: which contract, which Kafka cluster, which topic prefix.
How a broker is reached or started is the broker package's own (kafka_broker.BrokerSettings).

Example::

    settings = Settings.from_env(os.environ)          # in the CLI or a conftest, never at import
    settings = dataclasses.replace(settings, topic_prefix="run-1a2b.")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Everything the harness reads from its environment, with sensible defaults."""

    contract_path: Path | None = None
    """The AsyncAPI document; None means the one shipped with the package."""

    bootstrap_servers: str | None = None
    """The Kafka cluster to use (None: a command or fixture gets one from kafka_broker)."""

    topic_prefix: str = ""
    """Prepended to every channel address to make a topic; tests use a unique one per run."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from environment variables (``KAFKA_BOOTSTRAP_SERVERS``, ...)."""
        contract = env.get("PIPELINE_HARNESS_CONTRACT")
        return cls(
            contract_path=Path(contract) if contract else None,
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or None,
            topic_prefix=env.get("PIPELINE_HARNESS_TOPIC_PREFIX", ""),
        )
