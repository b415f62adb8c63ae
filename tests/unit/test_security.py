"""Principals, logins and refusals without a broker: the translation of a secured broker's
answers into NotAuthorized, the logins file, the admin API's ACL form, one bus per service.

On a real secured broker: tests/kafka/test_secured_broker.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import KafkaError
from confluent_kafka.admin import (  # type: ignore[attr-defined]
    AclBinding,
    AclOperation,
    AclPermissionType,
    ResourcePatternType,
)
from confluent_kafka.admin import ResourceType as KafkaResourceType  # type: ignore[attr-defined]

from harness.acl import WIRE_CHECK, Acl, contract_acls
from harness.bus import Bus
from harness.contract import Contract
from harness.errors import NotAuthorized, UsageError
from harness.kafka.authorization import LoginWatch, refusal
from harness.kafka.login import SaslLogin
from harness.kafka.publisher import Receipt
from harness.kafka.security_admin import binding, from_binding
from harness.memory_bus import InMemoryBus
from harness.security import ClusterLogins, SecuredCluster
from pipeline_system.cli import main
from pipeline_system.system import CLIENT_SERVICE, build_system

ADMIN = SaslLogin("admin", "pw")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (KafkaError.TOPIC_AUTHORIZATION_FAILED, "TOPIC_AUTHORIZATION_FAILED"),
        (KafkaError.GROUP_AUTHORIZATION_FAILED, "GROUP_AUTHORIZATION_FAILED"),
        (KafkaError.CLUSTER_AUTHORIZATION_FAILED, "CLUSTER_AUTHORIZATION_FAILED"),
    ],
)
def test_an_acl_refusal_names_principal_action_resource_and_code(code: int, name: str) -> None:
    error = refusal(KafkaError(code), "User:nlp", "write to", "topic t", channel="c")
    assert isinstance(error, NotAuthorized)
    assert (error.principal, error.action, error.resource, error.code) == (
        "User:nlp",
        "write to",
        "topic t",
        name,
    )
    assert error.channel == "c"
    assert str(error).startswith(f"the broker refused User:nlp to write to topic t ({name}).")


def test_other_errors_are_not_refusals() -> None:
    assert refusal(None, "User:x", "write to", "t") is None
    assert refusal(KafkaError(KafkaError._TRANSPORT), "User:x", "write to", "t") is None
    assert refusal(KafkaError(KafkaError.UNKNOWN_TOPIC_OR_PART), "User:x", "read", "t") is None


def test_a_failed_login_is_remembered_and_raised_other_errors_are_not() -> None:
    watch = LoginWatch("User:els")
    watch(KafkaError(KafkaError._TRANSPORT))
    watch.check()  # transient: librdkafka retries
    watch(KafkaError(KafkaError._AUTHENTICATION, "invalid credentials"))
    with pytest.raises(NotAuthorized) as refused:
        watch.check()
    assert refused.value.code == "SASL_AUTHENTICATION_FAILED"
    assert "invalid credentials" in str(refused.value)


def test_a_refused_receipt_is_not_authorized_and_another_failure_a_bus_error() -> None:
    receipt = Receipt("run.topic", "topic")
    receipt(KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED), None)  # type: ignore[arg-type]
    assert isinstance(receipt.failure("User:cms"), NotAuthorized)
    other = Receipt("run.topic", "topic")
    other(KafkaError(KafkaError.MSG_SIZE_TOO_LARGE), None)  # type: ignore[arg-type]
    failure = other.failure("User:cms")
    assert not isinstance(failure, NotAuthorized)
    assert "publishing to run.topic failed" in str(failure)


def test_every_contract_acl_survives_the_admin_apis_form(contract: Contract) -> None:
    acls = contract_acls(contract, topic_prefix="run-1.")
    back = [from_binding(binding(acl)) for acl in acls]
    assert back == acls
    made = binding(Acl("User:x", "READ", "GROUP", "tap-", "PREFIXED"))
    assert made.permission_type == AclPermissionType.ALLOW and made.host == "*"


def test_bindings_the_contract_never_gives_are_not_read_back_as_its_acls() -> None:
    deny = AclBinding(
        KafkaResourceType.TOPIC,
        "t",
        ResourcePatternType.LITERAL,
        "User:x",
        "*",
        AclOperation.WRITE,
        AclPermissionType.DENY,
    )
    alter = AclBinding(
        KafkaResourceType.TOPIC,
        "t",
        ResourcePatternType.LITERAL,
        "User:x",
        "*",
        AclOperation.ALTER,
        AclPermissionType.ALLOW,
    )
    assert from_binding(deny) is None
    assert from_binding(alter) is None


def test_every_service_and_the_wire_check_get_a_login_of_their_own(contract: Contract) -> None:
    logins = ClusterLogins.for_contract(contract, ADMIN)
    assert set(logins.principals) == {*contract.services, WIRE_CHECK}
    passwords = [login.password for login in logins.principals.values()]
    assert len(set(passwords)) == len(passwords)
    assert logins.of("admin") == ADMIN
    assert logins.of("els").principal == "User:els"
    with pytest.raises(UsageError, match="no login for 'nobody'"):
        logins.of("nobody")


def test_the_logins_file_is_the_owners_alone_and_reads_back(
    contract: Contract, tmp_path: Path
) -> None:
    logins = ClusterLogins.for_contract(contract, ADMIN)
    path = tmp_path / "deep" / "logins.json"
    logins.write(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert ClusterLogins.read(path) == logins


@pytest.mark.parametrize("text", ["not json", "[]", json.dumps({"admin": {}})])
def test_a_broken_logins_file_is_a_usage_error_naming_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "logins.json"
    path.write_text(text)
    with pytest.raises(UsageError, match=f"cannot read the logins file {path}"):
        ClusterLogins.read(path)


def test_a_secured_clusters_bus_logs_in_as_its_service_and_only_the_admin_makes_topics(
    contract: Contract,
) -> None:
    logins = ClusterLogins.for_contract(contract, ADMIN)
    cluster = SecuredCluster.joined(contract, "127.0.0.1:1", logins, "run-1.")
    bus = cluster.bus("spellchecker")
    assert bus.credentials == logins.of("spellchecker")
    assert (bus.principal, bus.client_id, bus.topic_prefix) == (
        "User:spellchecker",
        "spellchecker",
        "run-1.",
    )
    assert not bus.manage_topics
    assert cluster.bus("admin").manage_topics


def test_build_system_gives_each_service_and_the_client_the_bus_bus_of_gives(
    contract: Contract, memory_bus: InMemoryBus
) -> None:
    asked: dict[str, Bus] = {}

    def bus_of(service_id: str) -> Bus:
        asked[service_id] = InMemoryBus(contract)
        return asked[service_id]

    system = build_system(contract, memory_bus, bus_of=bus_of, without={"cms"})
    assert "cms" not in asked and {"bos", "bcs", "els", CLIENT_SERVICE} <= set(asked)
    assert system.service_buses == asked
    assert system.bos is not None and system.bos.endpoint.bus is asked["bos"]
    assert system.simulators["els"].endpoint.bus is asked["els"]
    client: Any = system.client(bos_url="http://127.0.0.1:1")
    assert client.gateway.bus is asked[CLIENT_SERVICE]


def test_acl_options_for_apply_need_apply(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["acl", "--prune"]) == 2
    capsys.readouterr()
    assert main(["acl", "--logins", "x.json"]) == 2
    assert "--bootstrap, --logins and --prune go with --apply" in capsys.readouterr().err


def test_acl_apply_without_a_cluster_says_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PIPELINE_HARNESS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["acl", "--apply"]) == 2
    err = capsys.readouterr().err
    assert "acl --apply needs a cluster" in err and "broker start --detach --secure" in err
