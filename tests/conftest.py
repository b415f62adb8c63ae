from __future__ import annotations

import pytest

from harness.contract import Contract


@pytest.fixture(scope="session")
def contract(pipeline_contract: Contract) -> Contract:
    return pipeline_contract
