"""A SASL login to a secured Kafka cluster, as the harness's buses and admin calls take it.

``Login`` is what the bus needs of one (the broker package's ``SaslCredentials`` is one, so the
broker's login crosses the seam as it is); ``SaslLogin`` is the harness's own, for the logins
it makes (a password per service, harness.security) or reads back from a file.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Protocol

SCRAM_SHA_512 = "SCRAM-SHA-512"


class Login(Protocol):
    """One principal's SASL login (``User:<username>`` to the authorizer)."""

    @property
    def username(self) -> str: ...

    @property
    def password(self) -> str: ...

    @property
    def mechanism(self) -> str: ...

    @property
    def principal(self) -> str: ...

    def client_config(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class SaslLogin:
    """A SASL/SCRAM login the harness made or read."""

    username: str
    password: str = ""
    mechanism: str = SCRAM_SHA_512

    @property
    def principal(self) -> str:
        return f"User:{self.username}"

    def client_config(self) -> dict[str, Any]:
        """The librdkafka settings that log in as this principal."""
        return {
            "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanism": self.mechanism,
            "sasl.username": self.username,
            "sasl.password": self.password,
        }

    @classmethod
    def fresh(cls, username: str) -> SaslLogin:
        """A login with a new random password (URL-safe: nothing to escape)."""
        return cls(username, secrets.token_urlsafe(18))

    def __repr__(self) -> str:  # never print a password by accident
        return f"SaslLogin(username={self.username!r}, mechanism={self.mechanism!r})"
