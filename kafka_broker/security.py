"""A secured local broker (``broker start --secure``): SASL on loopback and an authorizer.

- Clients connect with **SCRAM-SHA-512** over ``SASL_PLAINTEXT`` (loopback only, so no TLS).
  SCRAM credentials live in the KRaft metadata: the administrator's is written when the storage
  is formatted (StorageTool ``--add-scram``), others are added through the admin API
  (``alter_user_scram_credentials``) by whoever provisions the principals.
- The controller listener uses **PLAIN** with the administrator as its only JAAS user: a
  controller cannot authenticate with SCRAM (its credentials are in the metadata it serves,
  KIP-900), and an unauthenticated controller listener would make anyone on the machine who
  dials it an ANONYMOUS principal.
- Kafka's **StandardAuthorizer** (KRaft ACLs), ``allow.everyone.if.no.acl.found=false``, the
  administrator the only super user: every other principal may do only what an ACL allows.

Example::

    admin = new_admin_credentials()
    producer = Producer({"bootstrap.servers": address, **admin.client_config()})
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SCRAM_MECHANISM = "SCRAM-SHA-512"
ADMIN_USER = "admin"
CLIENT_LISTENER = "SASL_PLAINTEXT"
CONTROLLER_LISTENER = "CONTROLLER"


@dataclass(frozen=True)
class SaslCredentials:
    """One principal's SASL/SCRAM login (``User:<username>`` to the authorizer)."""

    username: str
    password: str = ""
    mechanism: str = SCRAM_MECHANISM

    @property
    def principal(self) -> str:
        return f"User:{self.username}"

    def client_config(self) -> dict[str, Any]:
        """The librdkafka (confluent-kafka) settings that log in as this principal."""
        return {
            "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanism": self.mechanism,
            "sasl.username": self.username,
            "sasl.password": self.password,
        }

    def __repr__(self) -> str:  # never print a password by accident
        return f"SaslCredentials(username={self.username!r}, mechanism={self.mechanism!r})"


def new_password() -> str:
    """A random password (URL-safe: no quote or semicolon to escape in a JAAS line)."""
    return secrets.token_urlsafe(18)


def new_admin_credentials() -> SaslCredentials:
    """The super user of one secured broker, with a fresh password."""
    return SaslCredentials(ADMIN_USER, new_password())


def secured_listener_entries(
    client: str, controller: str, admin: SaslCredentials
) -> dict[str, str]:
    """server.properties entries of a secured combined node (``client`` and ``controller`` are
    ``host:port``); they replace the plaintext listener entries."""
    scram_login = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required "
        f'username="{admin.username}" password="{admin.password}";'
    )
    plain_login = (
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="{admin.username}" password="{admin.password}" '
        f'user_{admin.username}="{admin.password}";'
    )
    client_name = CLIENT_LISTENER.lower()
    return {
        "listeners": f"{CLIENT_LISTENER}://{client},{CONTROLLER_LISTENER}://{controller}",
        "advertised.listeners": f"{CLIENT_LISTENER}://{client}",
        "controller.listener.names": CONTROLLER_LISTENER,
        "inter.broker.listener.name": CLIENT_LISTENER,
        "listener.security.protocol.map": (
            f"{CLIENT_LISTENER}:SASL_PLAINTEXT,{CONTROLLER_LISTENER}:SASL_PLAINTEXT"
        ),
        "sasl.enabled.mechanisms": SCRAM_MECHANISM,
        "sasl.mechanism.inter.broker.protocol": SCRAM_MECHANISM,
        "sasl.mechanism.controller.protocol": "PLAIN",
        f"listener.name.{client_name}.sasl.enabled.mechanisms": SCRAM_MECHANISM,
        f"listener.name.{client_name}.{SCRAM_MECHANISM.lower()}.sasl.jaas.config": scram_login,
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": plain_login,
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": admin.principal,
    }


def scram_format_arguments(admin: SaslCredentials) -> list[str]:
    """StorageTool ``format`` arguments that store the administrator's SCRAM credential."""
    return ["--add-scram", f"{admin.mechanism}=[name={admin.username},password={admin.password}]"]


LOGIN_ENV = ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SASL_MECHANISM")
"""The environment variables of a login to a secured cluster (mechanism: SCRAM-SHA-512)."""


def login_from_env(env: Mapping[str, str]) -> SaslCredentials | None:
    """The login ``KAFKA_SASL_USERNAME`` / ``_PASSWORD`` / ``_MECHANISM`` give, if any."""
    username = env.get("KAFKA_SASL_USERNAME")
    if not username:
        return None
    mechanism = env.get("KAFKA_SASL_MECHANISM") or SCRAM_MECHANISM
    return SaslCredentials(username, env.get("KAFKA_SASL_PASSWORD", ""), mechanism)


def login_env_lines(login: SaslCredentials) -> list[str]:
    """``KEY=VALUE`` lines that ``login_from_env`` reads back."""
    return [
        f"KAFKA_SASL_USERNAME={login.username}",
        f"KAFKA_SASL_PASSWORD={login.password}",
        f"KAFKA_SASL_MECHANISM={login.mechanism}",
    ]
