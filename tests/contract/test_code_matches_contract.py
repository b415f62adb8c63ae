"""Meta-tests keeping code and contract in step.

Every service of the simulated system consumes exactly what the contract says it receives and
publishes only what it may send; every channel of the contract has a producer and a consumer in
the simulated system; every message has a valid example (checked by the lint).
"""

from __future__ import annotations

import pytest

from harness.contract import Contract
from pipeline_system.system import SIMULATORS
from reference_impl import BatchConductorService, BatchOrchestratorService

SERVICES = {
    **{sid: cls for sid, cls in SIMULATORS.items()},
    "bos": BatchOrchestratorService,
    "bcs": BatchConductorService,
}
CLIENT_SENDS = {"clientBatchPipelineRequest"}  # harness.client.PipelineClient, as api_gateway


@pytest.mark.parametrize("service_id", sorted(SERVICES))
def test_each_service_consumes_exactly_what_the_contract_gives_it(
    contract: Contract, service_id: str
) -> None:
    expected = {c.id for c in contract.consumed_by(service_id) if not c.beside_the_flow}
    assert set(SERVICES[service_id].consumes) == expected


@pytest.mark.parametrize("service_id", sorted(SERVICES))
def test_each_service_publishes_only_where_the_contract_lets_it(
    contract: Contract, service_id: str
) -> None:
    allowed = {c.id for c in contract.produced_by(service_id)}
    assert set(SERVICES[service_id].produces) <= allowed


def test_every_channel_has_a_producer_and_a_consumer_in_the_simulated_system(
    contract: Contract,
) -> None:
    produced = set(CLIENT_SENDS).union(*(set(s.produces) for s in SERVICES.values()))
    consumed = set().union(*(set(s.consumes) for s in SERVICES.values()))
    channels = {c.id for c in contract if not c.beside_the_flow}
    assert channels - produced == set(), "channels nobody in the simulated system publishes"
    assert channels - consumed == set(), "channels nobody in the simulated system consumes"


def test_the_client_publishes_as_the_api_gateway(contract: Contract) -> None:
    assert {c.id for c in contract.produced_by("api_gateway")} == CLIENT_SENDS


def test_every_message_has_an_example(contract: Contract) -> None:
    assert [c.message.name for c in contract if not c.message.examples] == []
