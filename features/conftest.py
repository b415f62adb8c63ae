"""The features' simulated system: the plugin's one, with a phase timeout short enough for the
hung-service scenario (the reference BOS waits 300 s by default).

The step library comes from the package's ``pipeline_steps`` pytest plugin (steps.plugin).
Every other scenario's phases finish well inside it: the slowest, CJ on 50 essays, takes about
2 s on a 2-core machine.
"""

from __future__ import annotations

import pytest

from pipeline_system.pytest_plugin import orchestrator_settings
from reference_impl import OrchestratorConfig

PHASE_TIMEOUT_S = 5.0


@pytest.fixture(scope="session")
def orchestrator_config(request: pytest.FixtureRequest) -> OrchestratorConfig:
    """BOS times phases out after 5 s (for the hung-service scenario) unless
    ``--phase-timeout`` says otherwise (real services are slower)."""
    return orchestrator_settings(request.config, phase_timeout_s=PHASE_TIMEOUT_S)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "known_gap: a scenario that pins down a known gap of the real system (see its comment)",
    )
