"""A real service in the loop, proven with a foreign stand-in (tests/foreign/spellchecker.py:
its own process, plain confluent-kafka and httpx, no import of this project).

- ``up --without spellchecker`` hosts it: the stand-in joins with the environment ``up`` prints
  (the shared Content Service over HTTP), ``run`` drives a batch through and exits 0, and the
  live wire check finds nothing;
- a misbehaving stand-in breaks the contract in six named ways: ``up`` reports each one live
  with service, channel and pointer, the unfinished pipeline is in its summary, ``run`` exits 1;
- ``pytest features --without spellchecker`` runs the full-flow scenario with it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.waiting import wait_for
from pipeline_system.background import CLI, Background

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]
STAND_IN = [sys.executable, str(ROOT / "tests" / "foreign" / "spellchecker.py")]


def _env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value.strip("'")
    return values


class Hosted:
    """``up --without spellchecker`` and the stand-in in its place."""

    def __init__(self, bootstrap: str, tmp_path: Path, *, misbehave: str = "") -> None:
        self.prefix = f"foreign-{uuid.uuid4().hex[:8]}."
        self.env_file = tmp_path / "harness.env"
        self.up = Background(
            "up",
            "--bootstrap",
            bootstrap,
            "--topic-prefix",
            self.prefix,
            "--without",
            "spellchecker",
            "--env-file",
            str(self.env_file),
            "--report",
            str(tmp_path / "up"),
        )
        self.up.wait_running(within_s=90)
        block = self.up.lines[
            self.up.lines.index(
                "# spellchecker is left out: start the real one with this environment"
            )
            + 1 :
        ]
        self.environment = dict(
            line.removeprefix("export ").split("=", 1)
            for line in block
            if line.startswith("export ")
        )
        self.stand_in = Background(
            command=STAND_IN,
            env={
                **self.environment,
                "SPELLCHECKER_SERVICE_TOPIC_PREFIX": self.prefix,
                "SPELLCHECKER_SERVICE_MISBEHAVE": misbehave,
            },
        )
        self.stand_in.line_starting("spellchecker stand-in consuming", within_s=30)
        self.up.line_starting("spellchecker joined", within_s=60)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, "run", "--env-file", str(self.env_file), *args],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )

    def stop(self) -> int:
        self.stand_in.interrupt()
        return self.up.interrupt()


@pytest.fixture
def hosted(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Hosted]:
    system = Hosted(kafka_bootstrap, tmp_path)
    yield system
    system.stop()


def test_a_foreign_spellchecker_in_the_loop_runs_clean(hosted: Hosted) -> None:
    """up prints the environment the real service reads (and writes it to --env-file); the
    stand-in joins with it, and a run through it is clean."""
    env = hosted.environment
    assert set(env) >= {
        "SPELLCHECKER_SERVICE_KAFKA_BOOTSTRAP_SERVERS",
        "SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL",
    }
    assert env["SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL"].endswith("/v1/content")
    written = _env_file(hosted.env_file)
    assert written["CONTENT_SERVICE_URL"] == env["SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL"]
    assert written["TOPIC_PREFIX"] == hosted.prefix
    assert "spellchecker" not in written["SIMULATED_SERVICES"].split(",")
    assert "bos" in written["SIMULATED_SERVICES"].split(",")
    done = hosted.run("--essays", "3", "--timeout", "90")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pipelines completed: 1/1" in done.stdout
    assert "contract findings: 0 breaking, 0 rule breach(es); failing the run: 0" in done.stdout
    code = hosted.stop()
    assert code == 0, hosted.up.lines[-30:]
    summary = "\n".join(hosted.up.lines)
    assert "contract findings: 0: 0 breaking, 0 rule breach(es)" in summary
    assert "spell-checker-service        SpellcheckResultV1" in summary
    assert not any(
        line.startswith(tuple("0123456789")) and "VIOLATION" in line for line in hosted.up.lines
    )


def test_a_misbehaving_service_is_reported_breach_by_breach(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    hosted = Hosted(kafka_bootstrap, tmp_path, misbehave="1")
    try:
        done = hosted.run("--essays", "2", "--timeout", "5")  # it cannot complete: it hangs
        assert done.returncode == 1, done.stdout + done.stderr
        assert "FAIL" in done.stdout
        wait_for(
            lambda: (
                sum(line.split(" ")[1:2] in (["VIOLATION"], ["RULE"]) for line in hosted.up.lines)
                >= 6
                or None
            ),
            within_s=30,
            awaited="six findings reported live",
            seen=lambda: hosted.up.lines[-10:],
        )
    finally:
        hosted.stop()
    live = [line for line in hosted.up.lines if " spell-checker-service " in line]
    thin = "huleedu.batch.spellcheck.phase.completed.v1 SpellcheckPhaseCompletedV1"
    rich = "huleedu.essay.spellcheck.results.v1 SpellcheckResultV1"
    breaking = "VIOLATION"
    expected = {  # breach: (the line's level, where, what)
        "missing required field": (
            breaking,
            thin,
            "'processing_duration_ms' is a required property",
        ),
        "event_type not the topic": ("RULE event-type-is-topic (reported)", thin, "/event_type"),
        "wrong key": ("RULE key-by-batch (reported)", rich, "[key] Kafka key"),
        "naive timestamp": ("RULE utc-timestamps (reported)", rich, "/event_timestamp"),
        "unknown field": ("RULE no-unknown-fields (reported)", rich, "'debug_note' was unexpected"),
        "a message it never sends": (
            "RULE canonical-source-service (reported)",
            "BatchPipelineCompletedV1",
            "may not publish here",
        ),
    }
    for breach, (level, where, what) in expected.items():
        assert any(
            f"{level} spell-checker-service" in line and where in line and what in line
            for line in live
        ), (breach, live)
    summary = hosted.up.lines[hosted.up.lines.index("== summary ==") :]
    assert any("NOT COMPLETED" in line for line in summary), "\n".join(summary)


def test_a_real_service_breaking_only_rules_passes_unless_strict(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """The real habits (an event_type that is not the topic, a key that is not the essay's, a
    naive timestamp, an unknown field): the real consumers accept them, and so do the
    simulated ones; the verdict reports them by rule id, and fails on them only with
    --strict."""
    rules_only = "wrong_event_type,wrong_key,naive_timestamp,unknown_field"
    hosted = Hosted(kafka_bootstrap, tmp_path, misbehave=rules_only)
    try:
        done = hosted.run("--essays", "2", "--timeout", "90")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "pipelines completed: 1/1" in done.stdout and "PASS" in done.stdout
        assert "0 breaking" in done.stdout and "failing the run: 0" in done.stdout
        for rule in ("event-type-is-topic", "key-by-batch", "utc-timestamps", "no-unknown-fields"):
            assert f"rule {rule} (" in done.stdout, (rule, done.stdout)
        strict = hosted.run("--essays", "2", "--timeout", "90", "--strict")
        assert strict.returncode == 1, strict.stdout + strict.stderr
        assert "pipelines completed: 1/1" in strict.stdout and "FAIL" in strict.stdout
        assert "- fails" in strict.stdout
    finally:
        code = hosted.stop()
    assert code == 0
    assert not any("DEAD LETTER" in line for line in hosted.up.lines), hosted.up.lines[-20:]
    assert any("RULE utc-timestamps (reported) spell-checker-service" in x for x in hosted.up.lines)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_features_run_with_the_foreign_spellchecker(kafka_bootstrap: str) -> None:
    """The pytest route, with the stand-in keeping the real spellchecker's habits: the
    scenario passes (the real consumers accept them), and the run reports each rule breach."""
    prefix = f"foreign-bdd-{uuid.uuid4().hex[:8]}."
    port = _free_port()
    stand_in = Background(
        command=STAND_IN,
        env={
            "SPELLCHECKER_SERVICE_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL": f"http://127.0.0.1:{port}/v1/content",
            "SPELLCHECKER_SERVICE_TOPIC_PREFIX": prefix,
            "SPELLCHECKER_SERVICE_MISBEHAVE": "naive_timestamp,unknown_field",
        },
    )
    try:
        stand_in.line_starting("spellchecker stand-in consuming", within_s=30)
        done = run_features(
            kafka_bootstrap,
            prefix,
            "-k",
            "a_guest_batch_is_provisioned",
            "--without",
            "spellchecker",
            "--content-port",
            str(port),
            "--phase-timeout",
            "60",
        )
    finally:
        stand_in.interrupt()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
    assert "SPELLCHECKER_SERVICE_CONTENT_SERVICE_URL" in done.stdout
    assert "rule breaches reported, not failing (0 breaking" in done.stdout, done.stdout[-3000:]
    assert "utc-timestamps" in done.stdout and "no-unknown-fields" in done.stdout


def run_features(bootstrap: str, prefix: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``pytest features ARGS`` in its own process, on the session's broker and ``prefix``."""
    env = {k: v for k, v in os.environ.items() if k != "PIPELINE_HARNESS_WITHOUT"}
    env |= {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, "PIPELINE_HARNESS_TOPIC_PREFIX": prefix}
    command = [sys.executable, "-m", "pytest", "features", "-p", "no:cacheprovider", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_features_judge_bos_only_by_what_any_bos_offers(kafka_bootstrap: str) -> None:
    """With the reference BOS's own status view switched off (the real BOS answers 404 there),
    scenarios of every kind still pass: their steps read the Kafka events, BOS's committed
    offsets and the real pipeline-state endpoint. (`make features-any-bos` runs them all.)"""
    prefix = f"any-bos-{uuid.uuid4().hex[:8]}."
    done = run_features(
        kafka_bootstrap,
        prefix,
        "-k",
        "guest_batch_is_provisioned or an_unknown_pipeline or hung_service or regular_batch"
        " or students_are_not_confirmed or same_pipeline_again",
        "--no-bos-status-view",
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "6 passed" in done.stdout
