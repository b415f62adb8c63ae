"""The command line: exit codes and messages of lint and validate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.contract import Contract

COMPLETED = "huleedu.batch.pipeline.completed.v1"
COMPLETED_CID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _example(contract: Contract) -> dict:
    return dict(contract.channel(COMPLETED).message.examples[0])


def test_lint_of_the_shipped_contract_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint"]) == 0
    assert "clean" in capsys.readouterr().err


def test_lint_of_a_broken_spec_exits_1_with_a_line_per_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "asyncapi.yaml"
    spec.write_text("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n", encoding="utf-8")
    assert main(["lint", str(spec)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith(f"{spec}:") for line in lines)


def test_a_valid_envelope_exits_0(tmp_path: Path, contract: Contract) -> None:
    record = tmp_path / "ok.json"
    record.write_text(json.dumps(_example(contract), indent=2), encoding="utf-8")
    assert main(["validate", "--channel", COMPLETED, str(record)]) == 0


def test_invalid_json_lines_print_file_line_pointer_reason(
    tmp_path: Path, contract: Contract, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _example(contract)
    bad = {**good, "correlation_id": "nope"}
    records = tmp_path / "events.jsonl"
    records.write_text("\n".join(json.dumps(r) for r in (good, bad, good)) + "\n")
    assert main(["validate", "--channel", COMPLETED, str(records)]) == 1
    out = capsys.readouterr()
    assert out.out.startswith(
        f"{records}:2: error: {COMPLETED} /correlation_id: 'nope' is not a 'uuid'"
    )
    assert "3 envelope(s) checked" in out.err and "1 breaking" in out.err


def test_data_only_validates_payloads(
    tmp_path: Path, contract: Contract, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _example(contract)["data"]
    record = tmp_path / "data.json"
    record.write_text(json.dumps(data))
    assert (
        main(["validate", "--channel", "batchPipelineCompleted", "--data-only", str(record)]) == 0
    )
    record.write_text(json.dumps({**data, "batch_id": 7}))
    assert main(["validate", "--channel", COMPLETED, "--data-only", str(record)]) == 1
    assert f"{record}:1: error: {COMPLETED} /batch_id: 7 is not of type" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "huleedu.nope.v1", "FILE"], "the contract has no channel 'huleedu.nope.v1'"),
        (["--channel", COMPLETED, "missing.json"], "cannot read missing.json: no such file"),
        (["--channel", COMPLETED, "EMPTY"], "EMPTY: no JSON records"),
    ],
)
def test_bad_usage_exits_2_with_one_message(
    tmp_path: Path,
    contract: Contract,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("FILE").write_text(json.dumps(_example(contract)))
    Path("EMPTY").write_text("\n")
    assert main(["validate", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pipeline-harness: error:") and message in err
    assert "Traceback" not in err


def test_the_installed_command_reads_stdin_and_never_shows_a_traceback(
    contract: Contract,
) -> None:
    command = [sys.executable, "-m", "harness.cli", "validate", "--channel", COMPLETED, "-"]
    done = subprocess.run(command, input="[1,", capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "<stdin>:1: error: " in done.stdout and "not JSON" in done.stdout
    assert "Traceback" not in done.stderr
    ok = json.dumps(_example(contract))
    assert (
        subprocess.run(command, input=ok, capture_output=True, text=True, check=False).returncode
        == 0
    )


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "examples:" in capsys.readouterr().out


def test_validate_checks_an_http_request_body_by_method_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {"batch_id": "b", "requested_pipeline": "nlp", "correlation_id": COMPLETED_CID}
    bad = {"batch_id": "b", "requested_pipeline": "nlp", "correlation_id": "nope"}
    records = tmp_path / "define.jsonl"
    records.write_text("\n".join(json.dumps(r) for r in (good, bad)) + "\n")
    assert main(["validate", "--http", "POST /internal/v1/pipelines/define", str(records)]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == (
        f"{records}:2: error: POST /internal/v1/pipelines/define /correlation_id: "
        "'nope' is not a 'uuid'"
    )
    assert "2 request body(s) checked against POST /internal/v1/pipelines/define" in err


def test_validate_checks_an_http_answer_by_operation_id_and_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = tmp_path / "refusal.json"
    answer.write_text(json.dumps({"error": "Pipeline resolution failed", "detail": "x"}))
    assert main(["validate", "--http", "definePipeline", "--response", "400", str(answer)]) == 0
    assert main(["validate", "--http", "definePipeline", "--response", "418", str(answer)]) == 1
    assert "status 418 is not documented" in capsys.readouterr().out


def test_validate_of_an_unknown_http_operation_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "x.json"
    record.write_text("{}")
    assert main(["validate", "--http", "GET /nowhere", str(record)]) == 2
    assert "no HTTP operation 'GET /nowhere'" in capsys.readouterr().err


def test_the_composition_root_adds_the_broker_commands_and_reports_their_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline_system.cli import main as system_main

    no_tools = tmp_path / "bin"
    no_tools.mkdir()
    monkeypatch.setenv("PATH", str(no_tools))  # no java: the start fails at once, no JVM
    monkeypatch.setenv("PIPELINE_HARNESS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PIPELINE_HARNESS_DOCKER", "0")
    for name in ("JAVA_HOME", "KAFKA_BOOTSTRAP_SERVERS", "PIPELINE_HARNESS_BROKER_NAME"):
        monkeypatch.delenv(name, raising=False)

    assert system_main(["broker", "status"]) == 1
    assert system_main(["broker", "start", "--detach"]) == 2

    err = capsys.readouterr().err
    assert "pipeline-harness broker: no detached broker is running" in err
    assert "pipeline-harness: error: no Java runtime found to run the Kafka broker" in err
    assert "Traceback" not in err
