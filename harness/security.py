"""A secured cluster for one contract: a login per service, and the contract's ACLs applied.

``secure_cluster`` (as the administrator) adds a SCRAM login for every service of the contract
and for the wire check, applies ``harness.acl.contract_acls``, and waits until the broker
accepts the new logins. What it returns hands out one bus per service, logged in as that
service, so that the broker itself refuses a service that writes where the contract does not
let it (``NotAuthorized``)::

    cluster = secure_cluster(contract, address, admin=broker.info.login, topic_prefix="run-1.")
    spellchecker_bus = cluster.bus("spellchecker")      # may write only what it sends
    wire_check_bus = cluster.bus(WIRE_CHECK)            # reads every channel

The logins can be written to a file (mode 0600) for services in other processes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.acl import WIRE_CHECK, Acl, contract_acls
from harness.contract import Contract
from harness.errors import UsageError
from harness.kafka import KafkaBus, KafkaTuning
from harness.kafka.login import Login, SaslLogin
from harness.kafka.security_admin import SecurityAdmin


@dataclass(frozen=True)
class ClusterLogins:
    """Who may log in to a secured cluster: the administrator and one login per principal
    (each service of the contract, and the wire check)."""

    admin: Login
    principals: Mapping[str, Login]

    @classmethod
    def for_contract(cls, contract: Contract, admin: Login) -> ClusterLogins:
        """A fresh password for every service of ``contract`` and for the wire check."""
        names = [*contract.services, WIRE_CHECK]
        return cls(admin, {name: SaslLogin.fresh(name) for name in names})

    def of(self, name: str) -> Login:
        """The login of one service (or ``WIRE_CHECK``, or ``admin``)."""
        if name == self.admin.username:
            return self.admin
        try:
            return self.principals[name]
        except KeyError:
            known = ", ".join(sorted(self.principals))
            raise UsageError(f"no login for {name!r} on this cluster; there are: {known}") from None

    def write(self, path: Path) -> None:
        """Write every login as JSON, readable by this user only (they are passwords)."""
        data = {
            "admin": _as_json(self.admin),
            "principals": {k: _as_json(v) for k, v in sorted(self.principals.items())},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)

    @classmethod
    def read(cls, path: Path) -> ClusterLogins:
        """Logins written by ``write`` (UsageError naming the file when it is not one)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                _from_json(data["admin"]),
                {k: _from_json(v) for k, v in data["principals"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"cannot read the logins file {path}: {exc}") from None


@dataclass(frozen=True)
class SecuredCluster:
    """A cluster secured for one contract: where it is, who may log in, which ACLs hold."""

    contract: Contract
    bootstrap_servers: str
    logins: ClusterLogins
    topic_prefix: str
    acls: tuple[Acl, ...]

    @classmethod
    def joined(
        cls, contract: Contract, bootstrap_servers: str, logins: ClusterLogins, topic_prefix: str
    ) -> SecuredCluster:
        """A cluster secured elsewhere (``up --secure --logins FILE``): its logins; which ACLs
        it holds is its administrator's business."""
        return cls(contract, bootstrap_servers, logins, topic_prefix, ())

    def bus(self, name: str, *, tuning: KafkaTuning | None = None) -> KafkaBus:
        """A (not yet started) bus logged in as one service, or as the wire check; it does
        not create topics (the administrator did)."""
        return KafkaBus(
            self.contract,
            bootstrap_servers=self.bootstrap_servers,
            topic_prefix=self.topic_prefix,
            client_id=name,
            tuning=tuning,
            credentials=self.logins.of(name),
            manage_topics=name == self.logins.admin.username,
        )


def secure_cluster(
    contract: Contract,
    bootstrap_servers: str,
    *,
    admin: Login,
    topic_prefix: str = "",
    logins: ClusterLogins | None = None,
) -> SecuredCluster:
    """Add every principal's login and the contract's ACLs to the cluster, as ``admin``; wait
    until the broker accepts the logins. Idempotent: run again, it resets the passwords to
    ``logins``' and adds no ACL twice."""
    logins = logins or ClusterLogins.for_contract(contract, admin)
    acls = contract_acls(contract, topic_prefix=topic_prefix)
    security = SecurityAdmin(bootstrap_servers, admin)
    security.upsert_logins(logins.principals.values())
    security.create_acls(acls)
    return SecuredCluster(contract, bootstrap_servers, logins, topic_prefix, tuple(acls))


def _as_json(login: Login) -> dict[str, str]:
    return {"username": login.username, "password": login.password, "mechanism": login.mechanism}


def _from_json(raw: Mapping[str, str]) -> Login:
    return SaslLogin(str(raw["username"]), str(raw["password"]), str(raw["mechanism"]))
