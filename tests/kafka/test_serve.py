"""``serve bos`` as its own process on its own SQLite file, killed with SIGKILL mid-pipeline and
started again on the same file (issue 13): the pipeline completes exactly once, and the batch
takes the next pipeline. The rest of the system is ``up --without bos``, on the real broker."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import pytest

from harness.client import PipelineClient
from harness.expectations import Expectations
from pipeline_system.background import Background

pytestmark = pytest.mark.kafka
WITHIN_S = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_bos_killed_mid_pipeline_resumes_on_its_database_and_completes_once(
    kafka_bootstrap: str, prefix: str, wire: Expectations, tmp_path: Path
) -> None:
    kafka = ("--bootstrap", kafka_bootstrap, "--topic-prefix", prefix)
    rest = Background("up", "--without", "bos", *kafka)
    bos_args: tuple[str, ...] = ("serve", "bos", *kafka, "--database", str(tmp_path / "bos.db"))
    bos: Background | None = None
    try:
        bcs_url = rest.value("BCS_URL")
        rest.wait_running()
        bos_args += ("--bcs-url", bcs_url, "--port", str(_free_port()))
        bos = Background(*bos_args)
        bos_url = bos.value("BOS_URL")
        client = PipelineClient(wire.observer.contract, wire.observer.bus, bos_url=bos_url)
        batch = client.register_batch(essay_count=3)
        client.wait_ready(batch.batch_id, within_s=WITHIN_S)
        cid = client.request_pipeline(batch.batch_id, "cj_assessment")
        run = wire.scoped(batch_id=batch.batch_id, correlation_id=cid)
        run.expect("batchServiceSpellcheckInitiateCommandData")
        bos.kill()  # mid-pipeline: the spellcheck outcome is coming
        assert bos.popen.returncode == -signal.SIGKILL
        bos = Background(*bos_args)  # the same database and port
        bos.wait_running()
        done = run.expect("batchPipelineCompleted")
        assert done.data["final_status"] == "completed_successfully", done.summary()
        assert done.data["completed_phases"] == ["spellcheck", "cj_assessment"]
        run.expect_none(
            "batchPipelineCompleted", where=lambda m: m.event_id != done.event_id, for_s=1.0
        )
        commands = run.events("batchServiceCjAssessmentInitiateCommandData")
        assert len(commands) == 1, [m.summary() for m in commands]
        client.wait_ready(batch.batch_id, within_s=WITHIN_S)
        nlp = client.request_pipeline(batch.batch_id, "nlp")
        after = wire.expect("batchPipelineCompleted", batch_id=batch.batch_id, correlation_id=nlp)
        assert after.data["final_status"] == "completed_successfully", after.summary()
        assert wire.observer.violations(batch_id=batch.batch_id) == []
    finally:
        codes = [p.interrupt() for p in (bos, rest) if p is not None]
    assert codes == [0, 0], rest.lines[-20:]
