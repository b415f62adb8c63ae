"""The old side of every change-kind row: the minimal contract, loaded once per worker."""

from __future__ import annotations

import pytest

from harness.contract import Contract
from tests.unit.contract_diff import minimal


@pytest.fixture(scope="session")
def old(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    return minimal.contract(tmp_path_factory.mktemp("old"))
