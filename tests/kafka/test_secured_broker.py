"""A secured broker (SASL/SCRAM, StandardAuthorizer) with the contract's ACLs: the broker
refuses what the contract does not let a service do, agrees with the wire check on who may
publish where, and the whole flow still completes with every service as its own principal.

One secured broker for the module, on one xdist worker (``xdist_group``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.acl import WIRE_CHECK, Acl, contract_acls
from harness.bus import Delivery
from harness.contract import Contract, message_key
from harness.errors import NotAuthorized
from harness.expectations import Expectations
from harness.kafka import KafkaBus
from harness.kafka.security_admin import SecurityAdmin
from harness.message_factory import MessageFactory
from harness.observed import ObservedMessage
from harness.observer import ContractObserver
from harness.security import ClusterLogins, SecuredCluster, secure_cluster
from harness.waiting import wait_for
from kafka_broker import BrokerSettings, RunningBroker, start_broker
from kafka_broker.security import SaslCredentials, login_env_lines
from pipeline_system.background import Background
from pipeline_system.cli import main
from pipeline_system.driver import read_env_file
from pipeline_system.system import build_system

pytestmark = [pytest.mark.kafka, pytest.mark.xdist_group("secured-broker")]


@pytest.fixture(scope="module")
def secured_broker() -> Iterator[RunningBroker]:
    settings = dataclasses.replace(
        BrokerSettings.from_env(os.environ),
        secure=True,
        use_docker=False,
        bootstrap_servers=None,
        login=None,
    )
    broker = start_broker(settings)
    yield broker
    broker.stop()


@pytest.fixture
def cluster(pipeline_contract: Contract, secured_broker: RunningBroker) -> Iterator[SecuredCluster]:
    """The contract's topics (created as the administrator), logins and ACLs, under a prefix of
    the test's own (the agreement test's 645 envelopes must not reach the flow's services)."""
    info = secured_broker.info
    assert info.login is not None
    prefix = f"secured-{uuid.uuid4().hex[:8]}."
    admin_bus = _topics_created(pipeline_contract, secured_broker, prefix)
    yield secure_cluster(
        pipeline_contract, info.bootstrap_servers, admin=info.login, topic_prefix=prefix
    )
    admin_bus.stop()


@pytest.fixture
def buses(cluster: SecuredCluster) -> Iterator[dict[str, KafkaBus]]:
    """A started bus per principal (each service of the contract, and the wire check)."""
    started = {name: cluster.bus(name) for name in cluster.logins.principals}
    for bus in started.values():
        bus.start()
    yield started
    for bus in started.values():
        bus.stop()


def test_the_cluster_holds_exactly_the_acls_the_contract_gives(
    pipeline_contract: Contract, cluster: SecuredCluster, secured_broker: RunningBroker
) -> None:
    info = secured_broker.info
    assert info.login is not None
    admin = SecurityAdmin(info.bootstrap_servers, info.login)
    prefix = cluster.topic_prefix
    held = [  # other tests' clusters have other prefixes; groups are the same for all
        a for a in admin.acls() if a.resource_type == "GROUP" or a.resource_name.startswith(prefix)
    ]
    assert held == contract_acls(pipeline_contract, topic_prefix=prefix)
    assert len(held) == len(cluster.acls) > 100


def test_a_service_that_writes_where_it_does_not_send_is_refused_by_the_broker(
    pipeline_contract: Contract, buses: dict[str, KafkaBus]
) -> None:
    spellchecker = buses["spellchecker"]
    completed = pipeline_contract.channel("batchPipelineCompleted")
    with pytest.raises(NotAuthorized) as refused:
        spellchecker.publish(completed, b"{}", key="batch-1")
    error = refused.value
    assert (error.principal, error.code) == ("User:spellchecker", "TOPIC_AUTHORIZATION_FAILED")
    assert error.resource == f"topic {spellchecker.topic(completed)}"
    assert error.channel == completed.address
    assert "refused User:spellchecker to write to topic" in str(error)
    # what it does send still goes through on the same bus
    spellchecker.publish(pipeline_contract.channel("spellcheckResult"), b"{}", key="essay-1")


def test_a_service_cannot_join_another_services_consumer_group(
    pipeline_contract: Contract, buses: dict[str, KafkaBus]
) -> None:
    requests = pipeline_contract.channel("essayLifecycleSpellcheckRequest")
    bos_group = pipeline_contract.service("bos").consumer_group
    subscription = buses["spellchecker"].subscribe(
        [requests], group=bos_group, handler=lambda _delivery: None
    )
    with pytest.raises(NotAuthorized) as refused:
        subscription.wait_assigned(timeout_s=20)
    assert refused.value.code == "GROUP_AUTHORIZATION_FAILED"
    assert refused.value.resource == f"consumer group {bos_group}"
    own = buses["spellchecker"].subscribe(
        [requests],
        group=pipeline_contract.service("spellchecker").consumer_group,
        handler=lambda _delivery: None,
    )
    own.wait_assigned(timeout_s=20)  # its own group, on what it receives: allowed


def test_a_wrong_password_is_a_refused_login_not_a_timeout(
    pipeline_contract: Contract, cluster: SecuredCluster
) -> None:
    impostor = KafkaBus(
        pipeline_contract,
        bootstrap_servers=cluster.bootstrap_servers,
        topic_prefix=cluster.topic_prefix,
        credentials=SaslCredentials("spellchecker", "not-its-password"),
        manage_topics=False,
    )
    impostor.start()
    try:
        with pytest.raises(NotAuthorized) as refused:
            impostor.publish(pipeline_contract.channel("spellcheckResult"), b"{}", key="e")
    finally:
        impostor.stop()
    assert refused.value.code == "SASL_AUTHENTICATION_FAILED"
    assert "check the user and password" in str(refused.value)


def test_the_broker_and_the_wire_check_agree_on_who_may_publish_where(
    pipeline_contract: Contract,
    cluster: SecuredCluster,
    buses: dict[str, KafkaBus],
    secured_broker: RunningBroker,
) -> None:
    """Every service tries every channel with a valid envelope under its own source_service.
    The broker refuses a set of (service, channel) pairs; the same envelopes, put on the wire
    by the administrator (who bypasses the ACLs), are exactly the ones the wire check flags."""
    factory = MessageFactory(pipeline_contract, seed=16)
    admin = cluster.bus(cluster.logins.admin.username)
    admin.start()
    observer = ContractObserver(pipeline_contract, buses[WIRE_CHECK])
    observer.start()
    refused_by_broker: set[tuple[str, str]] = set()
    sent: set[str] = set()

    def ours() -> list[ObservedMessage]:  # not the other tests' messages on these topics
        return [m for m in observer.messages() if (m.document or {}).get("event_id") in sent]

    try:
        for service_id in pipeline_contract.services:
            source = pipeline_contract.service(service_id).source_service
            for channel in pipeline_contract:
                envelope = factory.build_envelope(channel, source_service=source)
                sent.add(envelope["event_id"])
                key = message_key(channel, envelope)
                try:
                    buses[service_id].publish(channel, envelope_bytes(envelope), key=key)
                except NotAuthorized:
                    refused_by_broker.add((service_id, channel.id))
                    admin.publish(channel, envelope_bytes(envelope), key=key)
        total = len(pipeline_contract.services) * len(list(pipeline_contract))
        wait_for(
            lambda: len(ours()) >= total or None,
            within_s=60,
            awaited=f"all {total} envelopes on the wire check's tap",
        )
        flagged = {
            (m.sender or "", m.channel.id)
            for m in ours()
            if any("[source-service]" in v.reason for v in m.violations)
        }
    finally:
        observer.stop()
        admin.stop()
    allowed = {
        (s, c.id) for s in pipeline_contract.services for c in pipeline_contract.produced_by(s)
    }
    assert len(allowed) > 40 and len(refused_by_broker) > 500
    assert refused_by_broker == flagged
    assert not refused_by_broker & allowed


def test_the_whole_flow_completes_with_every_service_as_its_own_principal(
    pipeline_contract: Contract, cluster: SecuredCluster, buses: dict[str, KafkaBus]
) -> None:
    observer = ContractObserver(pipeline_contract, buses[WIRE_CHECK])
    observer.start()
    dead_letters: list[Delivery] = []
    buses[WIRE_CHECK].subscribe(
        [pipeline_contract.dead_letter_channel], group=None, handler=dead_letters.append
    )
    system = build_system(pipeline_contract, buses[WIRE_CHECK], bus_of=cluster.bus)
    try:
        with system:
            principals = {getattr(b, "principal", None) for b in system.service_buses.values()}
            assert principals >= {
                "User:bos",
                "User:els",
                "User:spellchecker",
                "User:api_gateway",
            }
            client = system.client()
            batch = client.register_batch(essay_count=3)
            client.wait_ready(batch.batch_id, within_s=30)
            correlation_id = client.request_pipeline(batch.batch_id, "cj_assessment")
            done = Expectations(observer, within_s=60).expect(
                "batchPipelineCompleted", batch_id=batch.batch_id
            )
    finally:
        observer.stop()
    assert done.correlation_id == correlation_id
    assert done.data["final_status"] == "completed_successfully"
    assert observer.violations(batch_id=batch.batch_id) == []
    assert dead_letters == []


def _topics_created(contract: Contract, broker: RunningBroker, prefix: str) -> KafkaBus:
    """A started bus of the administrator's, which created the contract's topics under
    ``prefix`` (the services' principals may not)."""
    bus = KafkaBus(
        contract,
        bootstrap_servers=broker.info.bootstrap_servers,
        topic_prefix=prefix,
        credentials=broker.info.login,
    )
    bus.start()
    return bus


def envelope_bytes(envelope: object) -> bytes:
    return json.dumps(envelope).encode()


def _as_administrator(
    broker: RunningBroker, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, SaslCredentials]:
    """Put the broker's administrator login in the environment, as a team's CI would; its
    address and that login."""
    login = broker.info.login
    assert login is not None
    for line in login_env_lines(login):
        key, _, value = line.partition("=")
        monkeypatch.setenv(key, value)
    return broker.info.bootstrap_servers, login


def test_acl_apply_adds_the_contracts_acls_and_logins_to_a_cluster(
    pipeline_contract: Contract,
    secured_broker: RunningBroker,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command a team runs against its own cluster: the admin login from the environment,
    the ACLs through the admin API, then read back; the logins file works for the service."""
    address, _ = _as_administrator(secured_broker, monkeypatch)
    prefix = f"applied-{uuid.uuid4().hex[:8]}."
    logins_file = tmp_path / "logins.json"
    argv = ["acl", "--apply", "--bootstrap", address, "--topic-prefix", prefix]
    assert main([*argv, "--service", "spellchecker", "--logins", str(logins_file)]) == 0
    out = capsys.readouterr().out
    assert "added 1 logins" in out
    assert "applied 5 ACLs" in out and "the cluster holds 5" in out
    assert logins_file.stat().st_mode & 0o777 == 0o600

    logins = ClusterLogins.read(logins_file)
    assert set(logins.principals) == {"spellchecker"}
    cluster = SecuredCluster.joined(pipeline_contract, address, logins, prefix)
    admin_bus = _topics_created(pipeline_contract, secured_broker, prefix)
    spellchecker = cluster.bus("spellchecker")
    spellchecker.start()
    try:
        spellchecker.publish(pipeline_contract.channel("spellcheckResult"), b"{}", key="e")
        with pytest.raises(NotAuthorized):
            spellchecker.publish(pipeline_contract.channel("batchEssaysReady"), b"{}", key="b")
    finally:
        spellchecker.stop()
        admin_bus.stop()
    assert main([*argv, "--service", "spellchecker"]) == 0  # again: nothing added twice
    assert "the cluster holds 5" in capsys.readouterr().out


def test_acl_apply_prunes_what_the_contract_no_longer_gives_and_nothing_else(
    pipeline_contract: Contract,
    secured_broker: RunningBroker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After a contract change a service holds ACLs the contract no longer gives (here a
    retired topic under this run's prefix): --apply names them and leaves them, --prune
    removes them; another run's topic and another principal are not touched."""
    address, admin_login = _as_administrator(secured_broker, monkeypatch)
    prefix = f"pruned-{uuid.uuid4().hex[:8]}."
    retired = Acl("User:spellchecker", "WRITE", "TOPIC", f"{prefix}huleedu.retired.v1")
    other_run = Acl("User:spellchecker", "WRITE", "TOPIC", f"other-{prefix}huleedu.retired.v1")
    other_principal = Acl("User:someone", "WRITE", "TOPIC", retired.resource_name)
    admin = SecurityAdmin(address, admin_login)
    admin.create_acls([retired, other_run, other_principal])
    argv = ["acl", "--apply", "--bootstrap", address, "--topic-prefix", prefix]
    argv += ["--service", "spellchecker"]
    try:
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert f"left alone; --prune removes it): {retired.render()}" in out
        assert other_run.resource_name not in out and "someone" not in out
        assert retired in admin.acls()

        assert main([*argv, "--prune"]) == 0
        assert f"removed, not from the contract: {retired.render()}" in capsys.readouterr().out
        held = admin.acls()
        assert retired not in held and other_run in held and other_principal in held
        given = contract_acls(pipeline_contract, topic_prefix=prefix)
        assert {a for a in given if a.principal == "User:spellchecker"} <= set(held)
    finally:  # the session's secured broker is shared: leave it as found
        admin.delete_acls([retired, other_run, other_principal])


def test_acl_apply_without_an_administrator_login_says_what_is_missing(
    secured_broker: RunningBroker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("KAFKA_SASL_USERNAME", raising=False)
    address = secured_broker.info.bootstrap_servers
    assert main(["acl", "--apply", "--bootstrap", address]) == 2
    err = capsys.readouterr().err
    assert f"needs the administrator's login to {address}" in err
    assert "KAFKA_SASL_USERNAME" in err and "Traceback" not in err


def test_up_secure_runs_the_flow_with_a_service_in_its_own_process_and_run_drives_it(
    tmp_path: Path,
) -> None:
    """The commands a user types: ``up --secure --without llm_provider`` starts its own secured
    broker and writes the logins; ``simulate llm_provider --logins`` joins as User:llm_provider;
    ``run --logins`` drives a batch through as api_gateway; without a login, run is told why."""
    env = {"KAFKA_BOOTSTRAP_SERVERS": "", "PIPELINE_HARNESS_TOPIC_PREFIX": ""}
    logins, addresses = tmp_path / "logins.json", tmp_path / "harness.env"
    up = Background(
        *("up", "--secure", "--without", "llm_provider", "--logins", str(logins)),
        *("--env-file", str(addresses)),
        env=env,
        cwd=tmp_path,
    )
    llm: Background | None = None
    try:
        up.wait_running(within_s=90)
        assert any("secured: 16 principals" in line for line in up.lines), up.lines
        bootstrap = read_env_file(addresses)["KAFKA_BOOTSTRAP_SERVERS"]
        llm = Background(
            *("simulate", "llm_provider", "--bootstrap", bootstrap, "--logins", str(logins)),
            env=env,
            cwd=tmp_path,
        )
        llm.line_starting("llm_provider consuming", within_s=60)
        up.line_starting("llm_provider joined", within_s=30)
        run = Background(
            *("run", "--env-file", str(addresses), "--logins", str(logins), "--essays", "2"),
            env=env,
            cwd=tmp_path,
        )
        assert run.wait(120) == 0, run.lines[-20:]
        assert "PASS" in run.lines, run.lines[-10:]
        anonymous = Background(
            "run", "--env-file", str(addresses), "--essays", "1", env=env, cwd=tmp_path
        )
        assert anonymous.wait(60) == 2
        assert any("a secured cluster (`up --secure`) needs a login" in x for x in anonymous.lines)
    finally:
        if llm is not None:
            llm.interrupt()
        code = up.interrupt()
    assert code == 0, up.lines[-20:]
    assert "dead letters: 0" in up.lines, up.lines[-20:]
    assert not any("Traceback" in line for line in [*up.lines, *(llm.lines if llm else [])])
