"""Kafka ACLs from the contract: each service may write only where the contract lets it.

The contract's operations say who sends and who receives each channel; this turns them into
the least privilege a broker with an authorizer needs (issue 16):

- WRITE on each topic a service sends (``action: send``);
- READ on each topic it receives (``action: receive``), and READ on its consumer group
  (``x-services.<id>.consumer_group``) when it receives anything;
- WRITE on the harness's dead-letter topic for every service (a consumer sets aside what it
  cannot handle);
- nothing else. WRITE and READ imply DESCRIBE, and since Kafka 3.0 WRITE on a topic implies
  the idempotent producer's cluster permission (KIP-679), so no cluster ACL is listed.

The wire check has its own principal (``WIRE_CHECK``): READ on every topic and on groups
whose name starts with ``tap-`` (a tap's group, harness.kafka.bus), and, like every principal,
WRITE on the dead-letter topic (which also gives its idempotent producer its producer id).

Example::

    for acl in contract_acls(contract, topic_prefix="run-1."):
        print(acl.principal, acl.operation, acl.resource_type, acl.resource_name, acl.pattern)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from harness.contract import Contract

Operation = Literal["READ", "WRITE"]
ResourceType = Literal["TOPIC", "GROUP"]
Pattern = Literal["LITERAL", "PREFIXED"]

WIRE_CHECK = "wire_check"
"""The principal of the harness's wire check (a tap on every channel)."""
TAP_GROUP_PREFIX = "tap-"


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW binding (any host), in the words of kafka-acls and the admin API."""

    principal: str
    operation: Operation
    resource_type: ResourceType
    resource_name: str
    pattern: Pattern = "LITERAL"

    def as_json(self) -> dict[str, str]:
        return asdict(self)

    def render(self) -> str:
        """One line: principal, operation, resource type, name, pattern."""
        return (
            f"{self.principal:<26} {self.operation:<5} {self.resource_type:<5} "
            f"{self.resource_name} ({self.pattern.lower()})"
        )


def principal_of(service_id: str) -> str:
    """The SASL principal a service authenticates as: ``User:<service id>``."""
    return f"User:{service_id}"


def contract_acls(
    contract: Contract,
    *,
    topic_prefix: str = "",
    principal: Callable[[str], str] = principal_of,
    wire_check: bool = True,
) -> list[Acl]:
    """Every ACL the contract's operations give, sorted, without duplicates."""
    acls: set[Acl] = set()
    for service_id in contract.services:
        acls |= _service_acls(contract, service_id, topic_prefix, principal(service_id))
    if wire_check:
        acls |= _wire_check_acls(contract, topic_prefix, principal(WIRE_CHECK))
    return sorted(acls)


def _service_acls(contract: Contract, service_id: str, prefix: str, who: str) -> set[Acl]:
    sends = {
        Acl(who, "WRITE", "TOPIC", prefix + c.address) for c in contract.produced_by(service_id)
    }
    receives = contract.consumed_by(service_id)
    reads = {Acl(who, "READ", "TOPIC", prefix + c.address) for c in receives}
    group = contract.service(service_id).consumer_group
    groups = {Acl(who, "READ", "GROUP", group)} if receives else set()
    dead_letters = {Acl(who, "WRITE", "TOPIC", prefix + contract.dead_letter_address)}
    return sends | reads | groups | dead_letters


def _wire_check_acls(contract: Contract, prefix: str, who: str) -> set[Acl]:
    addresses = [c.address for c in contract] + [contract.dead_letter_address]
    topics = {Acl(who, "READ", "TOPIC", prefix + address) for address in addresses}
    dead_letters = {Acl(who, "WRITE", "TOPIC", prefix + contract.dead_letter_address)}
    return topics | dead_letters | {Acl(who, "READ", "GROUP", TAP_GROUP_PREFIX, "PREFIXED")}


def stale_acls(held: Iterable[Acl], wanted: Iterable[Acl], *, topic_prefix: str = "") -> list[Acl]:
    """What ``acl --apply --prune`` removes: the ACLs a cluster holds for the principals of
    ``wanted`` that the contract no longer gives them (a channel dropped, a send turned into a
    receive), sorted.

    Only within reach of this contract's run: topic ACLs whose name starts with
    ``topic_prefix`` (every topic when it is empty) and group ACLs; another principal's ACLs,
    and a topic ACL of another prefix, are never touched.
    """
    keep = set(wanted)
    principals = {acl.principal for acl in keep}
    return sorted(
        acl
        for acl in held
        if acl.principal in principals
        and acl not in keep
        and (acl.resource_type == "GROUP" or acl.resource_name.startswith(topic_prefix))
    )
