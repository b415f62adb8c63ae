"""Changing how simulated services behave, for one scenario, and putting it back afterwards.

Each change replaces the simulator's frozen behaviour (``SimulatedSystem.set_behaviour``); the
original is restored when the scenario ends, pass or fail. A service that runs outside the
simulated system (``--without``) cannot be changed: the change says so instead of passing::

    behaviours = SimulatorBehaviours(simulated_system, scenario)
    behaviours.change("spellchecker", essay_failure_rate=1.0)
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import fields
from typing import Any, Protocol

from harness.errors import ScenarioError
from steps.context import PipelineScenario

SOME_ESSAYS_FAIL = 0.5
"""The failure rate behind "fails N of the batch's essays" (the essay ids pick exactly N)."""


class SimulatedServices(Protocol):
    """What the steps need of the simulated system (pipeline_system.system.SimulatedSystem)."""

    @property
    def simulators(self) -> Mapping[str, Any]: ...

    def set_behaviour(self, service_id: str, **changes: Any) -> None: ...

    def stop(self) -> None:
        """Stop every service (a second call does nothing)."""


class SimulatorBehaviours:
    """Changes simulators' behaviour for one scenario and puts each one back afterwards."""

    def __init__(self, system: SimulatedServices, scenario: PipelineScenario) -> None:
        self.system = system
        self.scenario = scenario

    def change(self, service: str, **changes: Any) -> None:
        """Replace ``changes`` in the behaviour of ``service`` until the scenario ends."""
        simulator = self.simulator(service)
        known = {f.name for f in fields(simulator.behaviour)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ScenarioError(f"{service} has no behaviour {unknown}; it has {sorted(known)}")
        original = simulator.behaviour
        self.scenario.on_exit(lambda: setattr(simulator, "behaviour", original))
        self.system.set_behaviour(service, **changes)

    def simulator(self, service: str) -> Any:
        simulator = self.system.simulators.get(service)
        if simulator is None:
            raise ScenarioError(
                f"{service} is not simulated in this process (left out with --without, or in "
                "its own process with --processes), so its behaviour cannot be set"
            )
        return simulator

    def essay_ids_for(self, count: int, course: str = "ENG5") -> tuple[str, ...]:
        """Essay ids for a batch of ``count`` such that each planned failure happens exactly
        (empty: the ids do not matter, or the plan holds whatever ids BOS generates).

        The spellchecker's failures are planned by the texts the file service provisions (the
        first N of the batch), so they hold with a real BOS, which makes its own essay ids.
        Other simulators decide per essay id (``Simulator.essay_fails``): choosing the ids
        makes "2 of 6 essays fail" exact instead of a dice roll.
        """
        if not self.scenario.essay_failures:
            return ()
        if len(self.scenario.essay_failures) > 1:
            raise ScenarioError("plan essay failures in one service per scenario")
        ((service, failing),) = self.scenario.essay_failures.items()
        if service == "spellchecker" and "file_service" in self.system.simulators:
            self._plan_by_text(failing, count, course)
            return ()
        fails = self.simulator(service).essay_fails
        chosen: dict[bool, list[str]] = {True: [], False: []}
        wanted = {True: failing, False: count - failing}
        for _ in range(100 * count + 100):
            essay_id = str(uuid.uuid4())
            verdict = bool(fails(essay_id))
            if len(chosen[verdict]) < wanted[verdict]:
                chosen[verdict].append(essay_id)
            if all(len(chosen[v]) == wanted[v] for v in (True, False)):
                return tuple(chosen[False] + chosen[True])
        raise ScenarioError(f"cannot find {failing} of {count} essays that {service} fails")

    def _plan_by_text(self, failing: int, count: int, course: str) -> None:
        texts = self.system.simulators["file_service"].essays_for(course, count)[:failing]
        digests = tuple(_digest(essay.text.strip()) for essay in texts)
        # set directly: the scenario's first change of this service already restores it
        self.system.set_behaviour("spellchecker", essay_failure_rate=0.0, failing_texts=digests)


def _digest(text: str) -> str:
    """As the spellcheck simulator's ``text_digest`` (the steps import no simulator)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def knob_value(text: str) -> Any:
    """A behaviour value from a table cell: JSON (1, 0.5, true, null, [0.1, 0.2]) or text."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return text
    return tuple(value) if isinstance(value, list) else value
