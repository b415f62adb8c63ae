"""The secured broker's configuration, without a JVM: listeners, authorizer, logins.

That such a broker really refuses what the ACLs do not allow is in
tests/kafka/test_secured_broker.py, on a real one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kafka_broker import BrokerSettings, choose_provider, start_broker
from kafka_broker.detached import _from_json, _write_record, read_detached, state_path
from kafka_broker.errors import BrokerError
from kafka_broker.properties import BrokerPorts, server_properties
from kafka_broker.security import (
    SaslCredentials,
    login_env_lines,
    login_from_env,
    new_admin_credentials,
    scram_format_arguments,
)

ADMIN = SaslCredentials("admin", "s3cret-pw")


def _parse(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def test_a_secured_node_listens_with_sasl_only_and_authorizes_every_request(
    tmp_path: Path,
) -> None:
    props = _parse(server_properties(BrokerPorts(41001, 41002), tmp_path, admin=ADMIN))

    assert props["listeners"] == "SASL_PLAINTEXT://127.0.0.1:41001,CONTROLLER://127.0.0.1:41002"
    assert props["advertised.listeners"] == "SASL_PLAINTEXT://127.0.0.1:41001"
    assert "PLAINTEXT://" not in props["listeners"].replace("SASL_PLAINTEXT://", "")
    assert props["listener.security.protocol.map"] == (
        "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"
    )
    assert props["authorizer.class.name"] == (
        "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    )
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:admin"
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"


def test_the_controller_listener_takes_only_the_administrator_by_plain(tmp_path: Path) -> None:
    """A controller cannot use SCRAM (its credentials live in the metadata it serves), and an
    unauthenticated controller listener would let anyone on the machine in as ANONYMOUS."""
    props = _parse(server_properties(BrokerPorts(41001, 41002), tmp_path, admin=ADMIN))

    assert props["sasl.mechanism.controller.protocol"] == "PLAIN"
    assert props["listener.name.controller.sasl.enabled.mechanisms"] == "PLAIN"
    jaas = props["listener.name.controller.plain.sasl.jaas.config"]
    assert 'user_admin="s3cret-pw"' in jaas and jaas.count("user_") == 1
    client_jaas = props["listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"]
    assert 'username="admin" password="s3cret-pw"' in client_jaas


def test_a_plaintext_node_has_no_authorizer(tmp_path: Path) -> None:
    props = _parse(server_properties(BrokerPorts(41001, 41002), tmp_path))
    assert "authorizer.class.name" not in props
    assert not any(key.startswith("sasl") for key in props)


def test_the_storage_is_formatted_with_the_administrators_scram_credential() -> None:
    assert scram_format_arguments(ADMIN) == [
        "--add-scram",
        "SCRAM-SHA-512=[name=admin,password=s3cret-pw]",
    ]


def test_each_secured_broker_gets_its_own_password_and_it_never_shows_in_a_repr() -> None:
    first, second = new_admin_credentials(), new_admin_credentials()
    assert first.username == second.username == "admin"
    assert first.password != second.password and len(first.password) >= 20
    assert first.password not in repr(first) and "admin" in repr(first)
    assert all(c.isalnum() or c in "-_" for c in first.password)  # nothing to escape in JAAS


def test_a_login_comes_from_the_environment_and_goes_back_to_it() -> None:
    env = dict(line.split("=", 1) for line in login_env_lines(ADMIN))
    assert login_from_env(env) == ADMIN
    assert login_from_env({}) is None
    assert login_from_env({"KAFKA_SASL_USERNAME": "u"}) == SaslCredentials("u", "")
    assert ADMIN.client_config() == {
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "admin",
        "sasl.password": "s3cret-pw",
    }


def test_settings_read_secure_and_the_login_from_the_environment() -> None:
    settings = BrokerSettings.from_env(
        {"PIPELINE_HARNESS_SECURE": "1", "KAFKA_SASL_USERNAME": "ops", "KAFKA_SASL_PASSWORD": "p"}
    )
    assert settings.secure and settings.login == SaslCredentials("ops", "p")
    assert not BrokerSettings.from_env({}).secure


def test_a_secured_broker_is_always_the_local_one() -> None:
    def docker_answers() -> bool:
        raise AssertionError("Docker must not be probed for a secured broker")

    assert choose_provider(BrokerSettings(secure=True), docker_answers=docker_answers) == "jvm"
    with pytest.raises(BrokerError, match=r"cannot secure the cluster at 127\.0\.0\.1:9"):
        start_broker(BrokerSettings(secure=True, bootstrap_servers="127.0.0.1:9"))


def test_the_detached_record_keeps_the_login_for_its_owner_only(tmp_path: Path) -> None:
    settings = BrokerSettings(cache_dir=tmp_path, work_dir=tmp_path)
    record = _from_json(
        {
            "bootstrap_servers": "127.0.0.1:41001",
            "provider": "jvm",
            "pid": 1,
            "work_dir": str(tmp_path),
            "log_path": None,
            "cluster_id": "c",
            "started_at": 0.0,
        }
    )
    assert record.login is None
    _write_record(settings, replace(record, login=ADMIN))
    assert state_path(settings).stat().st_mode & 0o777 == 0o600
    again = read_detached(settings)
    assert again is not None and again.login == ADMIN
