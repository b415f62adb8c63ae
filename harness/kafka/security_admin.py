"""Principals and ACLs on a secured cluster, through the admin API (as the administrator).

``SecurityAdmin`` adds SCRAM logins (``alter_user_scram_credentials``) and the contract's ACLs
(``create_acls``), and reads back what the cluster holds (``describe_acls``), so that
``pipeline-harness acl --apply`` and ``up --secure`` need neither kafka-acls nor kafka-configs.
Refusals (not the administrator, no authorizer) are ``NotAuthorized`` or ``BusError``.

Example::

    admin = SecurityAdmin(address, broker.info.login)
    admin.upsert_logins([SaslLogin("spellchecker", "pw")])   # returns once it works
    admin.create_acls(contract_acls(contract))
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any, cast

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import (  # type: ignore[attr-defined]
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialAlteration,
    UserScramCredentialUpsertion,
)

from harness.acl import Acl, Operation, Pattern
from harness.acl import ResourceType as AclResource
from harness.errors import BusError
from harness.kafka.authorization import refusal
from harness.kafka.login import Login

SCRAM_ITERATIONS = 4096  # Kafka's minimum for SCRAM-SHA-512, and the kafka-configs default
_TIMEOUT_S = 30.0


class SecurityAdmin:
    """The administrator's view of a secured cluster: logins and ACLs."""

    def __init__(self, bootstrap_servers: str, admin: Login) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.principal = admin.principal
        config = {"bootstrap.servers": bootstrap_servers, **admin.client_config()}
        self._admin = AdminClient({**config, "log_level": 0})

    def upsert_logins(self, logins: Iterable[Login]) -> None:
        """Create (or reset the password of) each SCRAM-SHA-512 login, and return once the
        broker accepts each (the credentials reach it through the metadata log, a moment after
        the admin call returns)."""
        logins = list(logins)
        wanted: list[UserScramCredentialAlteration] = [
            UserScramCredentialUpsertion(
                login.username,
                ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                login.password.encode(),
            )
            for login in logins
        ]
        if not wanted:
            return
        futures = self._admin.alter_user_scram_credentials(wanted, request_timeout=_TIMEOUT_S)
        for user, future in futures.items():
            self._settle(future, "add the SCRAM login of", f"user {user}")
        _wait_until_logins_work(self.bootstrap_servers, logins)

    def create_acls(self, acls: Sequence[Acl]) -> None:
        """Add each ALLOW binding (adding one that exists changes nothing)."""
        if not acls:
            return
        futures = self._admin.create_acls(
            [binding(acl) for acl in acls], request_timeout=_TIMEOUT_S
        )
        for made, future in futures.items():
            self._settle(future, "create the ACL", f"{made}")

    def delete_acls(self, acls: Sequence[Acl]) -> None:
        """Remove exactly these bindings."""
        if not acls:
            return
        filters = [_filter(binding(acl)) for acl in acls]
        futures = self._admin.delete_acls(filters, request_timeout=_TIMEOUT_S)
        for gone, future in futures.items():
            self._settle(future, "delete the ACLs matching", f"{gone}")

    def acls(self) -> list[Acl]:
        """Every ALLOW binding the cluster holds, sorted (the harness's own kinds only)."""
        anything: Any = None  # the client's stubs type a filter's wildcards as str
        everything = AclBindingFilter(
            ResourceType.ANY,
            anything,
            ResourcePatternType.ANY,
            anything,
            anything,
            AclOperation.ANY,
            AclPermissionType.ANY,
        )
        found = self._settle(
            self._admin.describe_acls(everything, request_timeout=_TIMEOUT_S),
            "describe the ACLs of",
            "the cluster",
        )
        return sorted(acl for acl in map(from_binding, cast(list[AclBinding], found)) if acl)

    def _settle(self, future: Any, action: str, resource: str) -> Any:
        try:
            return future.result(timeout=_TIMEOUT_S + 5)
        except KafkaException as exc:
            error: KafkaError = exc.args[0]
            refused = refusal(error, self.principal, action, resource)
            if refused is not None:
                raise refused from None
            raise BusError(f"cannot {action} {resource}: {error.str()}") from None


def binding(acl: Acl) -> AclBinding:
    """The admin API's form of one of the contract's ACLs (ALLOW, from any host)."""
    return AclBinding(
        ResourceType[acl.resource_type],
        acl.resource_name,
        ResourcePatternType[acl.pattern],
        acl.principal,
        "*",
        AclOperation[acl.operation],
        AclPermissionType.ALLOW,
    )


def from_binding(found: AclBinding) -> Acl | None:
    """A binding read back, as an Acl; None for kinds the contract never gives (DENY, other
    operations or resources)."""
    if found.permission_type != AclPermissionType.ALLOW or found.host != "*":
        return None
    operation, resource, pattern = (
        _name(found.operation),
        _name(found.restype),
        _name(found.resource_pattern_type),
    )
    if operation not in ("READ", "WRITE") or resource not in ("TOPIC", "GROUP"):
        return None
    if pattern not in ("LITERAL", "PREFIXED"):
        return None
    return Acl(
        found.principal,
        cast(Operation, operation),
        cast(AclResource, resource),
        found.name,
        cast(Pattern, pattern),
    )


def _name(value: object) -> str:
    """An admin enum's name (the client types them as enum, str or int)."""
    return str(getattr(value, "name", value))


def _filter(made: AclBinding) -> AclBindingFilter:
    return AclBindingFilter(
        made.restype,
        made.name,
        made.resource_pattern_type,
        made.principal,
        made.host,
        made.operation,
        made.permission_type,
    )


def _wait_until_logins_work(
    bootstrap_servers: str, logins: Iterable[Login], *, timeout_s: float = 15.0
) -> None:
    """Block until the broker accepts each new login; BusError naming the first that never
    works."""
    deadline = time.monotonic() + timeout_s
    for login in logins:
        while not _logs_in(bootstrap_servers, login):
            if time.monotonic() > deadline:
                raise BusError(
                    f"the broker at {bootstrap_servers} still refuses the login of "
                    f"{login.principal} {timeout_s:.0f} s after it was added."
                )
            time.sleep(0.1)


def _logs_in(bootstrap_servers: str, login: Login) -> bool:
    failed: list[KafkaError] = []

    def on_error(error: KafkaError) -> None:
        failed.append(error)

    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap_servers,
        **login.client_config(),
        "log_level": 0,
        "error_cb": on_error,
    }
    admin = AdminClient(config)
    try:
        admin.describe_cluster(request_timeout=2).result(timeout=3)
    except (KafkaException, TimeoutError):
        return False
    return not failed
