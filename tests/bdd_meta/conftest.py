"""Running a small Gherkin suite in a pytest of its own, to prove that the checks can fail.

A test module declares its sub-runs with ``plan_run``; each is a throwaway project (a conftest
loading the step library, a test module binding every .feature file, the features) run by pytest
in a subprocess, against this session's Kafka broker (``KAFKA_BOOTSTRAP_SERVERS``) with a topic
prefix of its own. ``planned_runs[name]`` keeps the exit code, the output, and the JUnit XML and
cucumber JSON the run wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

CONFTEST = """
from importlib.metadata import entry_points

installed = any(ep.value == "steps.plugin" for ep in entry_points(group="pytest11"))
pytest_plugins = [] if installed else ["steps.plugin"]
"""
TEST_MODULE = "from pytest_bdd import scenarios\n\nscenarios('.')\n"


@dataclass(frozen=True)
class FeatureRun:
    """One finished pytest run of a throwaway feature project."""

    exit_code: int
    output: str
    project: Path

    def junit(self) -> ElementTree.Element:
        return ElementTree.parse(self.project / "reports" / "junit.xml").getroot()

    def testcases(self) -> dict[str, ElementTree.Element]:
        return {case.attrib["name"]: case for case in self.junit().iter("testcase")}

    def cucumber(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(
            (self.project / "reports" / "cucumber.json").read_text(encoding="utf-8")
        )
        return found

    def reports(self) -> Path:
        return self.project / "reports"


PLANNED: dict[str, tuple[Mapping[str, str], tuple[str, ...]]] = {}
"""The sub-runs the test modules declare at import (``plan_run``): they all start together as
the first of them is asked for, since each mostly waits on its broker round trips and its
pytest start (4 one after another took 55 s here)."""


def plan_run(name: str, features: Mapping[str, str], *args: str) -> None:
    """Declare a sub-run (at module level); ``planned_runs[name]`` waits for its result."""
    PLANNED[name] = (dict(features), args)


class _Started:
    def __init__(self, process: subprocess.Popen[str], project: Path) -> None:
        self.process, self.project = process, project
        self._result: FeatureRun | None = None

    def result(self) -> FeatureRun:
        if self._result is None:
            output, _ = self.process.communicate(timeout=300)
            self._result = FeatureRun(self.process.returncode, output, self.project)
        return self._result


class PlannedRuns:
    """Every planned sub-run, started at once; ``runs[name]`` is its FeatureRun."""

    def __init__(self, started: Mapping[str, _Started]) -> None:
        self._started = dict(started)

    def __getitem__(self, name: str) -> FeatureRun:
        return self._started[name].result()

    def stop(self) -> None:
        for started in self._started.values():
            if started.process.poll() is None:
                started.process.kill()
                started.process.communicate()


@pytest.fixture(scope="session")
def planned_runs(
    tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str
) -> Iterator[PlannedRuns]:
    """The sub-runs every module planned, all started now, each in a project of its own."""
    runs = PlannedRuns(
        {
            name: _start(tmp_path_factory, kafka_bootstrap, features, args)
            for name, (features, args) in PLANNED.items()
        }
    )
    yield runs
    runs.stop()


def _start(
    tmp_path_factory: pytest.TempPathFactory,
    kafka_bootstrap: str,
    features: Mapping[str, str],
    args: Sequence[str],
) -> _Started:
    project = tmp_path_factory.mktemp("project")
    (project / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (project / "test_features.py").write_text(TEST_MODULE, encoding="utf-8")
    for name, text in features.items():
        (project / name).write_text(text, encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PIPELINE_HARNESS_TOPIC_PREFIX", "PIPELINE_HARNESS_WITHOUT")
    }
    env["KAFKA_BOOTSTRAP_SERVERS"] = kafka_bootstrap
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-v",
        "--junitxml=reports/junit.xml",
        "--cucumberjson=reports/cucumber.json",
        *args,
    ]
    process = subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return _Started(process, project)
