"""The commands that run the system, as processes, on the session's real broker.

- ``up`` runs the whole simulated system; a batch registered over HTTP and requested over Kafka
  with kcat (an independent client) reaches BatchPipelineCompletedV1;
- ``simulate`` runs one simulator in its own process, in its consumer group;
- ``demo`` runs to a clean exit and writes its report.
Each gets a topic prefix of its own, so that its consumer groups meet no other test's.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from harness.contract import Contract
from harness.envelope import Envelope, new_id
from harness.expectations import Expectations
from harness.waiting import wait_for
from pipeline_system.background import CLI, Background
from pipeline_system.system import SIMULATORS

pytestmark = pytest.mark.kafka


def _register(bos_url: str, essays: int) -> str:
    body = {"expected_essay_count": essays, "course_code": "ENG5", "user_id": "teacher-1"}
    response = httpx.post(f"{bos_url}/v1/batches/register", json=body, timeout=10)
    assert response.status_code == 202, response.text
    return str(response.json()["batch_id"])


def _request_with_kcat(bootstrap: str, topic: str, batch_id: str) -> str:
    correlation_id = new_id()
    envelope = Envelope.new(
        event_type="huleedu.commands.batch.pipeline.v1",
        source_service="api_gateway_service",
        correlation_id=correlation_id,
        data={
            "batch_id": batch_id,
            "requested_pipeline": "cj_assessment",
            "client_correlation_id": correlation_id,
            "user_id": "teacher-1",
            "is_retry": False,
            "retry_reason": None,
        },
    )
    kcat = shutil.which("kcat")
    assert kcat, "kcat is not installed: `make test` installs it"
    subprocess.run(
        [kcat, "-b", bootstrap, "-P", "-t", topic, "-K", "\t"],
        input=f"{batch_id}\t{envelope.encode().decode()}\n",
        text=True,
        check=True,
        timeout=60,
    )
    return correlation_id


def test_up_runs_the_system_and_a_kcat_request_completes(
    kafka_bootstrap: str, prefix: str, wire: Expectations
) -> None:
    up = Background("up", "--bootstrap", kafka_bootstrap, "--topic-prefix", prefix)
    try:
        bos_url = up.value("BOS_URL")
        up.wait_running()
        batch_id = _register(bos_url, essays=3)
        wire.expect("batchContentProvisioningCompleted", batch_id=batch_id, within_s=30)
        wait_for(
            lambda: _status(bos_url, batch_id) == "ready_for_pipeline_execution",
            within_s=30,
            awaited="the batch ready",
        )
        correlation_id = _request_with_kcat(
            kafka_bootstrap, f"{prefix}huleedu.commands.batch.pipeline.v1", batch_id
        )
        done = wire.expect("batchPipelineCompleted", correlation_id=correlation_id, within_s=60)
        assert done.data["final_status"] == "completed_successfully"
        assert wire.observer.violations(batch_id=batch_id) == []
    finally:
        code = up.interrupt()
    assert code == 0, up.lines[-20:]
    assert not any("Traceback" in line for line in up.lines), up.lines[-20:]


def _status(bos_url: str, batch_id: str) -> str:
    response = httpx.get(f"{bos_url}/v1/batches/{batch_id}", timeout=10)
    return str(response.json()["status"])


def test_simulate_runs_one_simulator_in_its_own_process(
    pipeline_contract: Contract,
    kafka_bootstrap: str,
    prefix: str,
    wire: Expectations,
    tmp_path: Path,
) -> None:
    behaviour = tmp_path / "llm.yaml"
    behaviour.write_text("error_rate: 0.0\nseed: 3\n")
    llm = Background(
        "simulate",
        "llm_provider",
        "--bootstrap",
        kafka_bootstrap,
        "--topic-prefix",
        prefix,
        "--behaviour",
        str(behaviour),
    )
    try:
        llm.wait_running()
        channel = pipeline_contract.channel("llmComparisonRequest")
        request = dict(channel.message.examples[0])
        correlation_id = new_id()
        request = {
            **request,
            "correlation_id": correlation_id,
            "event_id": new_id(),
            "data": {**request["data"], "correlation_id": correlation_id},
        }
        wire.observer.bus.publish(channel, Envelope.from_json(request), key=correlation_id)
        answer = wire.expect("llmComparisonResult", correlation_id=correlation_id, within_s=30)
        assert answer.source_service == "llm_provider_service"
        assert wire.observer.violations() == []
    finally:
        code = llm.interrupt()
    assert code == 0, llm.lines[-20:]


def test_simulate_refuses_an_unknown_knob_in_one_paragraph(tmp_path: Path) -> None:
    behaviour = tmp_path / "bad.yaml"
    behaviour.write_text("eror_rate: 0.5\n")
    done = subprocess.run(
        [*CLI, "simulate", "llm_provider", "--behaviour", str(behaviour)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "unknown knobs ['eror_rate'] for llm_provider" in done.stderr
    assert "error_rate" in done.stderr and "Traceback" not in done.stderr


def test_demo_runs_to_a_clean_exit_and_writes_its_report(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    report = tmp_path / "demo.html"
    done = subprocess.run(
        [
            *CLI,
            "demo",
            "--essays",
            "4",
            "--bootstrap",
            kafka_bootstrap,
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "every one matched the contract" in done.stdout
    assert "the batch was READY again and accepted nlp" in done.stdout
    assert "sequenceDiagram" in report.read_text()


def _children(pid: int) -> dict[int, list[str]]:
    """The command lines of a process's children (Linux /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    commands = {}
    for child in map(int, children):
        with contextlib.suppress(OSError):
            commands[child] = Path(f"/proc/{child}/cmdline").read_text().split("\0")
    return commands


def test_up_processes_runs_each_service_in_its_own_process_and_run_passes(
    kafka_bootstrap: str, prefix: str, tmp_path: Path
) -> None:
    """``up --processes --replicas spellchecker=2``: a process per service (two spellcheckers)
    beside up, which keeps the Content Service and the wire check; ``run`` drives a batch
    through to PASS; Ctrl-C ends every child with up."""
    addresses = tmp_path / "harness.env"
    up = Background(
        *("up", "--bootstrap", kafka_bootstrap, "--topic-prefix", prefix, "--processes"),
        *("--replicas", "spellchecker=2", "--env-file", str(addresses)),
    )
    children: dict[int, list[str]] = {}
    try:
        up.wait_running(within_s=120)
        children = _children(up.popen.pid)
        served = sorted(
            argv[argv.index("serve") + 1] for argv in children.values() if "serve" in argv
        )
        simulated = sorted(
            argv[argv.index("simulate") + 1] for argv in children.values() if "simulate" in argv
        )
        assert served == ["bcs", "bos"], children
        expected = sorted([*SIMULATORS, "spellchecker"])
        assert simulated == expected, children
        run = Background("run", "--env-file", str(addresses), "--essays", "4")
        assert run.wait(120) == 0, run.lines[-20:]
        assert "PASS" in run.lines, run.lines[-10:]
    finally:
        code = up.interrupt()
    assert code == 0, up.lines[-20:]
    assert "dead letters: 0" in up.lines, up.lines[-20:]
    assert not any("Traceback" in line for line in up.lines), up.lines[-20:]
    # the children's HTTP exchanges reached up's wire check (run registered with BOS, BOS
    # asked BCS and Entitlements)
    servers = {line.split()[1] for line in up.lines if " -> 2" in line and "/" in line}
    assert {"bos", "bcs", "entitlements", "content_service"} <= servers, up.lines[-30:]
    assert not any("exit code" in line or "did not stop" in line for line in up.lines), up.lines
    left = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert not left, f"children outlived up: {left}"
