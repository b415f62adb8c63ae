"""What up hands a real service: its environment in its own variable names, and every address
in an env file that ``run`` reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import UsageError
from pipeline_system.driver import read_env_file
from pipeline_system.environment import ENV_KEYS, SystemAddresses, real_service_environment

ADDRESSES = SystemAddresses(
    {
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
        "TOPIC_PREFIX": "",
        "BOS_URL": "http://127.0.0.1:5001",
        "BCS_URL": "http://127.0.0.1:4002",
        "CONTENT_SERVICE_URL": "http://127.0.0.1:8001/v1/content",
        "LLM_PROVIDER_URL": "http://127.0.0.1:8080/api/v1",
        "CMS_URL": None,
        "ENTITLEMENTS_URL": "http://127.0.0.1:8083",
        "LANGUAGE_TOOL_URL": "http://127.0.0.1:8085",
    }
)


def test_the_spellcheckers_block_is_in_its_own_variable_names() -> None:
    block = real_service_environment("spellchecker", ADDRESSES).splitlines()
    assert block == [
        "export SPELLCHECKER_SERVICE_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092",
        "export SPELLCHECKER_SERVICE_ENVIRONMENT=development",
        "export SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL=http://127.0.0.1:8001/v1/content",
    ]


def test_a_real_bos_gets_bcs_entitlements_and_content() -> None:
    block = real_service_environment("bos", ADDRESSES)
    assert "BATCH_ORCHESTRATOR_SERVICE_BCS_BASE_URL=http://127.0.0.1:4002" in block
    assert "BATCH_ORCHESTRATOR_SERVICE_ENTITLEMENTS_BASE_URL=http://127.0.0.1:8083" in block


def test_an_address_that_is_not_simulated_says_it_is_yours() -> None:
    block = real_service_environment("nlp", ADDRESSES)
    assert "NLP_SERVICE_CLASS_MANAGEMENT_SERVICE_URL='<your cms>'" in block


def test_a_topic_prefix_is_called_out() -> None:
    prefixed = SystemAddresses({**ADDRESSES.values, "TOPIC_PREFIX": "run-1."})
    assert "run up without --topic-prefix" in real_service_environment("els", prefixed)


def test_the_env_file_is_read_back_by_run(tmp_path: Path) -> None:
    path = tmp_path / "harness.env"
    ADDRESSES.write_env_file(path)
    values = read_env_file(path)
    assert set(values) == set(ENV_KEYS)
    assert values["BOS_URL"] == "http://127.0.0.1:5001"
    assert values["TOPIC_PREFIX"] == "" and values["CMS_URL"] == ""


def test_a_broken_env_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.env"
    path.write_text("BOS_URL=http://x\nthis is not a pair\n")
    with pytest.raises(UsageError, match=r"bad.env:2: not KEY=VALUE"):
        read_env_file(path)
    with pytest.raises(UsageError, match="cannot read --env-file"):
        read_env_file(tmp_path / "missing.env")


def test_serve_bos_without_bcs_says_what_it_needs_in_one_paragraph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline_system.cli import main

    assert main(["serve", "bos", "--database", str(tmp_path / "bos.db")]) == 2
    err = capsys.readouterr().err
    assert "serve bos needs --bcs-url" in err and "serve bcs" in err
    assert "Traceback" not in err
    assert not (tmp_path / "bos.db").exists()  # refused before anything was created


def test_simulate_refuses_a_content_url_for_a_service_that_reads_no_texts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """It used to end in a TypeError traceback from the simulator's constructor."""
    from pipeline_system.cli import main

    assert main(["simulate", "llm_provider", "--content-url", "http://127.0.0.1:9/v1"]) == 2
    err = capsys.readouterr().err
    assert "--content-url is for the services that read texts, not llm_provider" in err
    assert "Traceback" not in err
