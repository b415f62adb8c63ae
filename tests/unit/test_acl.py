"""ACLs from the contract: each service may write only where the contract lets it."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from harness.acl import WIRE_CHECK, Acl, contract_acls, principal_of, stale_acls
from harness.contract import Contract
from pipeline_system.cli import main


def _of(acls: list[Acl], who: str) -> set[tuple[str, str, str]]:
    return {(a.operation, a.resource_type, a.resource_name) for a in acls if a.principal == who}


def test_a_service_writes_what_it_sends_reads_what_it_receives_and_its_group(
    contract: Contract,
) -> None:
    acls = contract_acls(contract)
    bcs = _of(acls, "User:bcs")
    expected = {("WRITE", "TOPIC", c.address) for c in contract.produced_by("bcs")}
    expected |= {("READ", "TOPIC", c.address) for c in contract.consumed_by("bcs")}
    expected |= {("READ", "GROUP", contract.service("bcs").consumer_group)}
    expected |= {("WRITE", "TOPIC", contract.dead_letter_address)}
    assert bcs == expected


def test_nothing_beyond_the_contract_is_granted(contract: Contract) -> None:
    """Every WRITE is a send operation of that service (or the dead-letter topic), every
    READ a receive operation (or its own group): the list cannot grant more than the roles."""
    sends = {
        (op.service_id, contract.channel(op.channel_id).address)
        for op in contract.operations.values()
        if op.action == "send"
    }
    receives = {
        (op.service_id, contract.channel(op.channel_id).address)
        for op in contract.operations.values()
        if op.action == "receive"
    }
    for acl in contract_acls(contract, wire_check=False):
        service = acl.principal.removeprefix("User:")
        if acl.resource_type == "GROUP":
            assert acl.resource_name == contract.service(service).consumer_group
        elif acl.operation == "WRITE":
            assert (service, acl.resource_name) in sends or (
                acl.resource_name == contract.dead_letter_address
            ), acl
        else:
            assert (service, acl.resource_name) in receives, acl
        assert acl.pattern == "LITERAL"


def test_only_the_senders_of_a_channel_may_write_it(contract: Contract) -> None:
    completed = contract.channel("batchPipelineCompleted")
    writers = {
        a.principal
        for a in contract_acls(contract)
        if a.operation == "WRITE" and a.resource_name == completed.address
    }
    assert writers == {principal_of(s.id) for s in contract.senders(completed)} == {"User:bos"}


def test_a_service_that_receives_nothing_has_no_group(contract: Contract) -> None:
    acls = contract_acls(contract)
    assert not contract.consumed_by("api_gateway")
    assert not [a for a in acls if a.principal == "User:api_gateway" and a.resource_type == "GROUP"]


def test_the_wire_check_reads_every_topic_and_its_tap_groups_and_writes_only_dead_letters(
    contract: Contract,
) -> None:
    acls = [a for a in contract_acls(contract) if a.principal == principal_of(WIRE_CHECK)]
    writes = [a.resource_name for a in acls if a.operation == "WRITE"]
    assert writes == [contract.dead_letter_address]
    topics = {a.resource_name for a in acls if a.resource_type == "TOPIC" and a.operation == "READ"}
    assert topics == {c.address for c in contract} | {contract.dead_letter_address}
    assert [a.pattern for a in acls if a.resource_type == "GROUP"] == ["PREFIXED"]


def test_a_run_prefix_is_on_every_topic_but_not_on_groups(contract: Contract) -> None:
    acls = contract_acls(contract, topic_prefix="run-1.")
    assert all(a.resource_name.startswith("run-1.") for a in acls if a.resource_type == "TOPIC")
    assert not any(a.resource_name.startswith("run-1.") for a in acls if a.resource_type == "GROUP")
    assert max(Counter(acls).values()) == 1
    assert acls == sorted(acls)


def test_the_spellchecker_gets_exactly_its_three_topics_its_group_and_the_dead_letters(
    contract: Contract,
) -> None:
    """Spelled out from the real spellchecker's wiring (real-services.md), not from the code."""
    lines = [a.render() for a in contract_acls(contract) if a.principal == "User:spellchecker"]
    assert [" ".join(line.split()) for line in lines] == [
        "User:spellchecker READ GROUP spellchecker-service-group-v1.1 (literal)",
        "User:spellchecker READ TOPIC huleedu.essay.spellcheck.requested.v1 (literal)",
        "User:spellchecker WRITE TOPIC huleedu.batch.spellcheck.phase.completed.v1 (literal)",
        "User:spellchecker WRITE TOPIC huleedu.essay.spellcheck.results.v1 (literal)",
        "User:spellchecker WRITE TOPIC huleedu.harness.dead_letter.v1 (literal)",
    ]


def test_the_command_prints_json_a_machine_applies_and_filters_by_service(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["acl", "--format", "json", "--service", "bcs", "--topic-prefix", "t."]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {a["principal"] for a in listed} == {"User:bcs"}
    assert set(listed[0]) == {"principal", "operation", "resource_type", "resource_name", "pattern"}
    dead_letters = {"operation": "WRITE", "resource_name": "t.huleedu.harness.dead_letter.v1"}
    assert any(dead_letters.items() <= acl.items() for acl in listed)


def test_the_command_refuses_an_unknown_service_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["acl", "--service", "nope"]) == 2
    assert "no service 'nope'" in capsys.readouterr().err


def test_pruning_takes_only_what_the_contract_no_longer_gives_its_own_principals(
    contract: Contract,
) -> None:
    wanted = [
        a for a in contract_acls(contract, topic_prefix="run-1.") if a.principal == "User:els"
    ]
    dropped_channel = Acl("User:els", "WRITE", "TOPIC", "run-1.huleedu.retired.topic.v1")
    old_group = Acl("User:els", "READ", "GROUP", "els-group-v0")
    another_run = Acl("User:els", "WRITE", "TOPIC", "run-2.huleedu.retired.topic.v1")
    another_principal = Acl("User:someone", "WRITE", "TOPIC", "run-1.huleedu.retired.topic.v1")
    held = [*wanted, dropped_channel, old_group, another_run, another_principal]

    stale = stale_acls(held, wanted, topic_prefix="run-1.")

    assert stale == sorted([dropped_channel, old_group])
    assert stale_acls(wanted, wanted, topic_prefix="run-1.") == []
    # without a prefix every topic is within reach (the other run's too), still not others'
    assert another_run in stale_acls(held, wanted) and another_principal not in stale_acls(
        held, wanted
    )
