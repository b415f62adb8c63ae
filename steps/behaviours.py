"""Steps that change how the simulated services behave, for one scenario only (put back when it
ends), and that deliver every message twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_bdd import given

from harness.bus import Bus
from harness.contract import Contract
from steps.behaviour_changes import SOME_ESSAYS_FAIL, SimulatorBehaviours, knob_value
from steps.context import PipelineScenario
from steps.parameters import phrase, service_id, table_rows
from steps.redelivery import Redelivery


@given(phrase("{service} fails {count:d} of the batch's essays"))
def service_fails_some_essays(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    simulator_behaviours: SimulatorBehaviours,
    service: str,
    count: int,
) -> None:
    sid = service_id(pipeline_contract, service)
    simulator_behaviours.change(sid, essay_failure_rate=SOME_ESSAYS_FAIL)
    pipeline_scenario.essay_failures[sid] = count


@given(phrase("{service} fails every essay"))
def service_fails_every_essay(
    pipeline_contract: Contract, simulator_behaviours: SimulatorBehaviours, service: str
) -> None:
    simulator_behaviours.change(service_id(pipeline_contract, service), essay_failure_rate=1.0)


@given(phrase("{service} is down"))
def service_is_down(
    pipeline_contract: Contract, simulator_behaviours: SimulatorBehaviours, service: str
) -> None:
    simulator_behaviours.change(service_id(pipeline_contract, service), service_failure=True)


@given(phrase("{service} hangs"))
def service_hangs(
    pipeline_contract: Contract, simulator_behaviours: SimulatorBehaviours, service: str
) -> None:
    simulator_behaviours.change(service_id(pipeline_contract, service), hang=True)


@given(phrase("{service} takes {seconds:g} seconds per message"))
def service_is_slow(
    pipeline_contract: Contract,
    simulator_behaviours: SimulatorBehaviours,
    service: str,
    seconds: float,
) -> None:
    simulator_behaviours.change(service_id(pipeline_contract, service), latency_s=seconds)


@given(phrase("{service} publishes messages that break the contract"))
def service_breaks_contract(
    pipeline_contract: Contract, simulator_behaviours: SimulatorBehaviours, service: str
) -> None:
    simulator_behaviours.change(service_id(pipeline_contract, service), broken_output=True)


@given(phrase("{service} publishes messages that break the rule {rule}"))
def service_breaks_rule(
    pipeline_contract: Contract,
    simulator_behaviours: SimulatorBehaviours,
    service: str,
    rule: str,
) -> None:
    simulator_behaviours.change(service_id(pipeline_contract, service), rule_breach=rule)


@given(phrase("the LLM provider answers {percent:d}% of comparisons with an error"))
def llm_errors(simulator_behaviours: SimulatorBehaviours, percent: int) -> None:
    simulator_behaviours.change("llm_provider", error_rate=percent / 100)


@given(phrase("CJ assessment needs {percent:d}% of its comparisons to succeed"))
def cj_threshold(simulator_behaviours: SimulatorBehaviours, percent: int) -> None:
    simulator_behaviours.change("cj_assessment", min_success_rate=percent / 100)


@given(phrase("the file service rejects {count:d} of the batch's files"))
def files_rejected(simulator_behaviours: SimulatorBehaviours, count: int) -> None:
    simulator_behaviours.change("file_service", invalid_essays=count)


@given(phrase("{service} simulator behaves with:"))
def service_behaves_with(
    pipeline_contract: Contract,
    simulator_behaviours: SimulatorBehaviours,
    service: str,
    datatable: Sequence[Sequence[str]],
) -> None:
    rows = table_rows(datatable, header=("behaviour", "value"))
    changes = {name: knob_value(value) for name, value in rows}
    simulator_behaviours.change(service_id(pipeline_contract, service), **changes)


@given(phrase("every message on the wire is delivered twice"))
def every_message_twice(
    pipeline_scenario: PipelineScenario, pipeline_contract: Contract, kafka_bus: Bus
) -> None:
    redelivery = Redelivery(pipeline_contract, kafka_bus)
    redelivery.start()
    pipeline_scenario.on_exit(redelivery.stop)
