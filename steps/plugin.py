"""pytest plugin: the pipeline's Gherkin steps, the wire check, scenario reports, coverage gate.

Another repository's features get all of it from the installed package (entry point
``pipeline_steps``), or with ``pytest_plugins = ["steps.plugin"]`` in a top-level conftest:

- the step library (``steps.batches``, ``steps.pipelines``, ``steps.messages``,
  ``steps.behaviours``, ``steps.results``, ``steps.http``): every step takes the one fixture
  ``pipeline`` (steps.pipeline.PipelineUnderTest: the scenario's ids, the contract, the client,
  the expectation driver ``pipeline.wire``, the behaviours, the deadlines), built of
  ``pipeline_scenario`` (the ids one scenario owns), ``simulator_behaviours``, ``step_deadlines``
  (override it to wait longer) and the session's fixtures; ``scenario_batch`` is the latest
  batch a Given-step registered; ``contract_coverage`` measures coverage at the session's end;
- the wire check: after each scenario, any contract violation by a message of its batches fails
  it, naming message, channel and JSON pointer (cucumber JSON shows it on the last step);
- a report per scenario: ``<reports>/scenarios/<feature>-<scenario>.html``;
- contract coverage: ``<reports>/coverage.txt``; on a whole run (no ``-k``/``-m``/node ids, every
  test ran) the session fails unless every message of the contract was exercised and none broke
  it, when the gate is on: opt in with the ini option ``contract_coverage_gate = auto`` (this
  project does) or ``--contract-coverage-gate=auto|on|off``; ``--pipeline-reports DIR`` moves
  reports.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from pytest_bdd.parser import Feature, Scenario

from harness.bus import Bus
from harness.client import PipelineClient
from harness.contract import Contract
from harness.errors import ScenarioError, Violation
from harness.expectations import Expectations
from harness.findings import counts, describe
from harness.observer import ContractObserver
from harness.rules import Judgement
from steps.behaviour_changes import SimulatedServices, SimulatorBehaviours
from steps.context import BatchUnderTest, Deadlines, PipelineScenario
from steps.coverage_gate import SuiteRun, gate_heading, measure
from steps.pipeline import PipelineUnderTest
from steps.scenario_reports import report_path, write_scenario_report
from steps.wire_check import WireCheckFailed, settled_violations

pytest_plugins = (
    "steps.batches",
    "steps.pipelines",
    "steps.messages",
    "steps.behaviours",
    "steps.results",
    "steps.http",
)

BDD = pytest.StashKey[tuple[Feature, Scenario]]()
SCENARIO = pytest.StashKey[tuple[PipelineScenario, ContractObserver]]()
STEP_FAILED = pytest.StashKey[bool]()
VIOLATIONS = pytest.StashKey[list[Violation]]()
TRACKER = pytest.StashKey["SuiteTracker"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pipeline-steps", "pipeline features (steps.plugin)")
    group.addoption(
        "--pipeline-reports",
        default="reports",
        metavar="DIR",
        help="where scenario reports and coverage.txt go (default: reports)",
    )
    group.addoption(
        "--contract-coverage-gate",
        choices=("auto", "on", "off"),
        default=None,
        help="fail the session when a contract message or HTTP operation was never exercised: "
        "auto (on a whole run only), on, off; default: the contract_coverage_gate ini option "
        "(off unless a project sets it; this project sets auto)",
    )
    parser.addini(
        "contract_coverage_gate",
        "auto|on|off: the contract coverage gate (default off: opt in)",
        default="off",
    )


def gate_mode(config: pytest.Config) -> str:
    """The gate's mode: the command line's, else the ini option's (off unless set)."""
    mode = config.getoption("--contract-coverage-gate") or config.getini("contract_coverage_gate")
    if mode not in ("auto", "on", "off"):
        raise pytest.UsageError(f"contract_coverage_gate must be auto, on or off, not {mode!r}")
    return str(mode)


def pytest_configure(config: pytest.Config) -> None:
    tracker = SuiteTracker(config)
    config.stash[TRACKER] = tracker
    config.pluginmanager.register(tracker, "pipeline-steps-suite")
    # toolchain-findings.md: --cucumberjson into a missing folder makes pytest exit 1.
    cucumber = getattr(config.option, "cucumber_json_path", None)
    if cucumber:
        Path(cucumber).parent.mkdir(parents=True, exist_ok=True)


def reports_dir(config: pytest.Config) -> Path:
    return config.invocation_params.dir / str(config.getoption("--pipeline-reports"))


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def step_deadlines() -> Deadlines:
    """How long steps wait; override this fixture to give a slower system more time."""
    return Deadlines()


@pytest.fixture(scope="session")
def contract_coverage(
    request: pytest.FixtureRequest,
    pipeline_contract: Contract,
    pipeline_observer: ContractObserver,
    kafka_bus: object,
    pipeline_judgement: Judgement,
    simulated_system: SimulatedServices,
) -> Iterator[None]:
    """Measures the run's contract coverage when the session ends.

    The order is explicit: first the simulated services stop (so that their consumer groups
    have committed everything they handled), then coverage is measured, while the observer
    and the broker still run (they are torn down after this fixture).
    """
    yield
    simulated_system.stop()
    tracker = request.config.stash[TRACKER]
    tracker.run.coverage, tracker.run.receives_unmeasured = measure(
        pipeline_contract, pipeline_observer, kafka_bus, pipeline_judgement
    )


@pytest.fixture
def pipeline_scenario(
    request: pytest.FixtureRequest,
    contract_coverage: None,
    pipeline_observer: ContractObserver,
) -> Iterator[PipelineScenario]:
    """The ids this scenario owns; what it changed is undone when it ends."""
    bdd = request.node.stash.get(BDD, None)
    scenario = PipelineScenario(bdd[1].name if bdd else request.node.name)
    request.node.stash[SCENARIO] = (scenario, pipeline_observer)
    with scenario.cleanup:
        yield scenario


@pytest.fixture
def simulator_behaviours(
    pipeline_scenario: PipelineScenario, simulated_system: SimulatedServices
) -> SimulatorBehaviours:
    """Changes simulators' behaviour until the scenario ends."""
    return SimulatorBehaviours(simulated_system, pipeline_scenario)


@pytest.fixture
def pipeline(
    pipeline_scenario: PipelineScenario,
    pipeline_contract: Contract,
    pipeline_client: PipelineClient,
    pipeline_observer: ContractObserver,
    simulator_behaviours: SimulatorBehaviours,
    step_deadlines: Deadlines,
    kafka_bus: Bus,
) -> PipelineUnderTest:
    """What every step takes: the scenario's ids, the contract, the client, the one
    expectation driver on the wire, the simulators' behaviours and the deadlines."""
    wire = Expectations(pipeline_observer, within_s=step_deadlines.message_s)
    return PipelineUnderTest(
        pipeline_scenario,
        pipeline_contract,
        pipeline_client,
        wire,
        simulator_behaviours,
        step_deadlines,
        kafka_bus,
    )


@pytest.fixture
def scenario_batch() -> BatchUnderTest:
    """The scenario's batch: a Given-step that registers one replaces this fixture."""
    raise ScenarioError(
        "this step needs a batch, and the scenario registered none yet "
        "(e.g. Given a GUEST batch of 4 essays ready for pipelines)"
    )


# --- the wire check --------------------------------------------------------------------------


def pytest_bdd_before_scenario(
    request: pytest.FixtureRequest, feature: Feature, scenario: Scenario
) -> None:
    request.node.stash[BDD] = (feature, scenario)


def pytest_bdd_step_error(request: pytest.FixtureRequest) -> None:
    request.node.stash[STEP_FAILED] = True


@pytest.hookimpl(trylast=True)  # other plugins' after-scenario hooks run before it raises
def pytest_bdd_after_scenario(
    request: pytest.FixtureRequest, feature: Feature, scenario: Scenario
) -> None:
    """Fail the scenario when a message of its batches broke the contract.

    When a step failed already, that failure stands and the violations go to the report.
    """
    __tracebackhide__ = True
    owned = request.node.stash.get(SCENARIO, None)
    if owned is None:
        return
    pipeline, observer = owned
    deadlines: Deadlines = request.getfixturevalue("step_deadlines")
    judgement: Judgement = request.getfixturevalue("pipeline_judgement")
    violations = settled_violations(
        observer, pipeline, within_s=deadlines.settle_s, judgement=judgement
    )
    request.node.stash[VIOLATIONS] = violations
    request.config.stash[TRACKER].reported += [v for v in violations if not judgement.fails(v)]
    failing = any(judgement.fails(v) for v in violations)
    if not failing or request.node.stash.get(STEP_FAILED, False):
        return
    failure = WireCheckFailed(scenario.name, violations, judgement)
    if scenario.steps:  # so that cucumber JSON, which knows only steps, shows the failure
        request.config.hook.pytest_bdd_step_error(
            request=request,
            feature=feature,
            scenario=scenario,
            step=scenario.steps[-1],
            step_func=pytest_bdd_after_scenario,
            step_func_args={},
            exception=failure,
        )
    raise failure


# --- a report per scenario -------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    owned = item.stash.get(SCENARIO, None)
    bdd = item.stash.get(BDD, None)
    if report.when == "call" and owned is not None and bdd is not None:
        pipeline, observer = owned
        violations: list[Violation] = item.stash.get(VIOLATIONS, [])
        callspec = getattr(item, "callspec", None)
        path = report_path(
            reports_dir(item.config), bdd[0].filename, bdd[1].name, callspec.id if callspec else ""
        )
        write_scenario_report(
            observer,
            observer.contract,
            pipeline,
            path,
            result=_result(report),
            violations=violations,
        )
        item.config.stash[TRACKER].scenario_reports += 1
    return report


def _result(report: pytest.TestReport) -> str:
    if report.passed:
        return "passed"
    crash = getattr(getattr(report.longrepr, "reprcrash", None), "message", None)
    text = str(crash or report.longreprtext or "").strip()
    return f"{report.outcome}: {text[:1500]}"


# --- the coverage gate -----------------------------------------------------------------------


class SuiteTracker:
    """Follows what the session selects and runs; applies the coverage gate at its end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.run = SuiteRun()
        self.scenario_reports = 0
        self.heading = ""
        self.failures: list[str] = []
        self.path: Path | None = None
        self.reported: list[Violation] = []
        """Rule breaches the judgement reports without failing (a real service's, not strict)."""

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.run.deselected += len(items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.run.collected = len(session.items)
        self.run.node_ids_given = any("::" in str(arg) for arg in self.config.args)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self.run.finished.add(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        coverage = self.run.coverage
        if coverage is None:
            return
        mode = gate_mode(self.config)
        partial = self.run.partial_because()
        applied = mode == "on" or (mode == "auto" and not partial)
        self.failures = coverage.gate_failures() if applied else []
        self.heading = gate_heading(applied, partial, mode)
        if self.run.receives_unmeasured:
            self.heading += f"\nreceive operations not measured: {self.run.receives_unmeasured}"
        self.path = reports_dir(self.config) / "coverage.txt"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(coverage.report(heading=self.heading), encoding="utf-8")
        if self.failures and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        coverage = self.run.coverage
        if coverage is None:
            return
        write = terminalreporter.write_line
        terminalreporter.section("contract coverage")
        write(f"{coverage.summary()} (see {self.path})")
        for line in self.heading.splitlines():
            write(line)
        if self.scenario_reports:
            scenarios = reports_dir(self.config) / "scenarios"
            write(f"{self.scenario_reports} scenario reports in {scenarios}/")
        if self.reported:
            write(
                f"rule breaches reported, not failing ({counts(self.reported)}): a real "
                "service's habits the real consumers accept; --strict-rules fails on them",
                yellow=True,
            )
            for line in describe(self.reported[:200])[:40]:
                write(f"  {line}", yellow=True)
        if self.failures:
            write(
                f"CONTRACT COVERAGE GATE FAILED ({len(self.failures)}); turn it off with "
                "--contract-coverage-gate=off or the ini option contract_coverage_gate = off:",
                red=True,
                bold=True,
            )
            for failure in self.failures[:40]:
                write(f"  {failure}", red=True)
