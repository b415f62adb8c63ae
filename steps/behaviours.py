"""Steps that change how the simulated services behave, for one scenario only (put back when it
ends), and that deliver every message twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytest_bdd import given

from steps.behaviour_changes import SOME_ESSAYS_FAIL, knob_value
from steps.parameters import phrase, service_id, table_rows
from steps.pipeline import PipelineUnderTest
from steps.redelivery import Redelivery


@given(phrase("{service} fails {count:d} of the batch's essays"))
def service_fails_some_essays(pipeline: PipelineUnderTest, service: str, count: int) -> None:
    sid = service_id(pipeline.contract, service)
    pipeline.behaviours.change(sid, essay_failure_rate=SOME_ESSAYS_FAIL)
    pipeline.scenario.essay_failures[sid] = count


@given(phrase("{service} fails every essay"))
def service_fails_every_essay(pipeline: PipelineUnderTest, service: str) -> None:
    _change(pipeline, service, essay_failure_rate=1.0)


@given(phrase("{service} is down"))
def service_is_down(pipeline: PipelineUnderTest, service: str) -> None:
    _change(pipeline, service, service_failure=True)


@given(phrase("{service} hangs"))
def service_hangs(pipeline: PipelineUnderTest, service: str) -> None:
    _change(pipeline, service, hang=True)


@given(phrase("{service} takes {seconds:g} seconds per message"))
def service_is_slow(pipeline: PipelineUnderTest, service: str, seconds: float) -> None:
    _change(pipeline, service, latency_s=seconds)


@given(phrase("{service} publishes messages that break the contract"))
def service_breaks_contract(pipeline: PipelineUnderTest, service: str) -> None:
    _change(pipeline, service, broken_output=True)


@given(phrase("{service} publishes messages that break the rule {rule}"))
def service_breaks_rule(pipeline: PipelineUnderTest, service: str, rule: str) -> None:
    _change(pipeline, service, rule_breach=rule)


@given(phrase("the LLM provider answers {percent:d}% of comparisons with an error"))
def llm_errors(pipeline: PipelineUnderTest, percent: int) -> None:
    pipeline.behaviours.change("llm_provider", error_rate=percent / 100)


@given(phrase("CJ assessment needs {percent:d}% of its comparisons to succeed"))
def cj_threshold(pipeline: PipelineUnderTest, percent: int) -> None:
    pipeline.behaviours.change("cj_assessment", min_success_rate=percent / 100)


@given(phrase("the file service rejects {count:d} of the batch's files"))
def files_rejected(pipeline: PipelineUnderTest, count: int) -> None:
    pipeline.behaviours.change("file_service", invalid_essays=count)


@given(phrase("{service} simulator behaves with:"))
def service_behaves_with(
    pipeline: PipelineUnderTest, service: str, datatable: Sequence[Sequence[str]]
) -> None:
    rows = table_rows(datatable, header=("behaviour", "value"))
    _change(pipeline, service, **{name: knob_value(value) for name, value in rows})


@given(phrase("every message on the wire is delivered twice"))
def every_message_twice(pipeline: PipelineUnderTest) -> None:
    redelivery = Redelivery(pipeline.contract, pipeline.bus)
    redelivery.start()
    pipeline.scenario.on_exit(redelivery.stop)


def _change(pipeline: PipelineUnderTest, service: str, **changes: Any) -> None:
    """Change the behaviour of the service a step names, until the scenario ends."""
    pipeline.behaviours.change(service_id(pipeline.contract, service), **changes)
