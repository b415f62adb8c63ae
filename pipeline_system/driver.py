"""``pipeline-harness run``: drive batches through whatever is running, and give a verdict.

It works the same against ``up``, against ``up --without X`` plus your real X, and against a
deployment the harness did not start: it registers over BOS's HTTP API, lets the file service
provision the essays, waits for the batch to be ready from the Kafka events any BOS sees,
requests each pipeline as the API gateway does, follows it to BatchPipelineCompletedV1 (or a
PipelineDeniedV1) with progress, and checks every message of its batches and every HTTP answer
it got against the contract. Exit 0 only when every pipeline completed and nothing broke the
contract.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from harness.acl import WIRE_CHECK
from harness.cli import PROG
from harness.client import PipelineClient, RegisteredBatch
from harness.errors import ClientError, UsageError, Violation, WaitTimeout
from harness.expectations import Expectations
from harness.findings import counts, describe, tally
from harness.kafka import KafkaBus
from harness.observed import ObservedMessage
from harness.observer import ContractObserver
from harness.report import write_report
from harness.rules import Judgement
from harness.security import ClusterLogins, SecuredCluster
from harness.settings import Settings
from harness.waiting import wait_for
from kafka_broker.terminal import say
from pipeline_system.runtime import (
    add_run_options,
    broker_login,
    broker_settings,
    note,
    run_settings,
    running_bus,
)
from pipeline_system.system import CLIENT_SERVICE

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

COURSES = {"en": "ENG5", "sv": "SV1"}
ENDINGS = ("batchPipelineCompleted", "pipelineDenied")


@dataclass(frozen=True)
class PipelineOutcome:
    """How one requested pipeline ended."""

    batch_id: str
    pipeline: str
    correlation_id: str
    ending: str
    """``completed: <final_status>``, ``denied: <reason>`` or ``not completed in N s``."""
    seconds: float

    @property
    def completed(self) -> bool:
        return self.ending.startswith("completed")


def add_run_command(commands: Subparsers) -> None:
    run = commands.add_parser(
        "run",
        help="drive batches through a running system (up, or your own) and give a verdict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split("\n\n")[1].replace("\n", " ") if __doc__ else "",
        epilog="examples:\n"
        f"  {PROG} run --env-file harness.env                       # addresses written by up\n"
        f"  {PROG} run --bos-url http://127.0.0.1:5001 --bootstrap 127.0.0.1:9092 \\\n"
        "      --pipeline cj_assessment --pipeline nlp --essays 12 --batches 3\n"
        f"  {PROG} run --env-file harness.env --regular --language sv --report reports/run",
    )
    add_run_options(run)
    run.add_argument("--env-file", type=Path, help="the addresses `up --env-file` wrote")
    run.add_argument("--bos-url", help="BOS's base URL (else BOS_URL of --env-file)")
    run.add_argument(
        "--pipeline",
        action="append",
        default=[],
        help="a pipeline to request, in order (repeatable; default cj_assessment)",
    )
    run.add_argument("--essays", type=int, default=4, help="essays per batch (default 4)")
    run.add_argument("--batches", type=int, default=1, help="batches (default 1)")
    run.add_argument("--language", choices=sorted(COURSES), default="en")
    run.add_argument("--regular", action="store_true", help="REGULAR batches (a class, matching)")
    run.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per pipeline (default 300)"
    )
    run.add_argument(
        "--ready-timeout", type=float, default=120.0, help="seconds for a batch to be ready"
    )
    run.add_argument("--report", type=Path, metavar="PATH", help="write PATH.json and PATH.html")
    run.add_argument(
        "--logins",
        type=Path,
        metavar="FILE",
        help="a secured system's logins (`up --secure --logins FILE`): requests go out as "
        "api_gateway, the check reads as the wire check",
    )
    run.add_argument(
        "--strict",
        action="store_true",
        help="fail on the contract's named clean rules for every service; without it, rule "
        "breaches of services `up` does not simulate (SIMULATED_SERVICES of --env-file) are "
        "reported and only breaking findings fail",
    )
    run.set_defaults(func=run_batches)


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines (shell-quoted values, ``#`` comments), as ``up --env-file`` writes."""
    import shlex

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --env-file {path}: {exc.strerror or exc}") from None
    values: dict[str, str] = {}
    for number, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.strip().removeprefix("export ").strip()
        if not line or line.startswith("#"):
            continue
        key, sep, raw = line.partition("=")
        if not sep:
            raise UsageError(f"{path}:{number}: not KEY=VALUE: {line!r}")
        parsed = shlex.split(raw)
        values[key.strip()] = parsed[0] if parsed else ""
    return values


def run_batches(args: argparse.Namespace) -> int:
    settings, bos_url = _targets(args)
    judgement = _judgement(args)
    pipelines = args.pipeline or ["cj_assessment"]
    if args.essays < 1 or args.batches < 1:
        raise UsageError("--essays and --batches must be at least 1")
    logins = ClusterLogins.read(args.logins) if args.logins else None
    broker = broker_settings(args)
    if logins is not None:
        broker = replace(broker, login=broker_login(logins.of(WIRE_CHECK)))
    with running_bus(settings, broker, note) as bus, _client_bus(bus, logins) as client_bus:
        observer = ContractObserver(bus.contract, bus)
        observer.start()
        try:
            client = PipelineClient(
                bus.contract, client_bus, bos_url=bos_url, exchanges=observer.exchanges
            )
            outcomes, batches = _drive(args, client, observer, pipelines)
            return _verdict(args, observer, outcomes, batches, judgement)
        finally:
            observer.stop()


@contextmanager
def _client_bus(bus: KafkaBus, logins: ClusterLogins | None) -> Iterator[KafkaBus]:
    """The bus the requests go out on: on a secured system, api_gateway's own."""
    if logins is None:
        yield bus
        return
    cluster = SecuredCluster.joined(bus.contract, bus.bootstrap_servers, logins, bus.topic_prefix)
    client_bus = cluster.bus(CLIENT_SERVICE)
    client_bus.start()
    try:
        yield client_bus
    finally:
        client_bus.stop()


def _judgement(args: argparse.Namespace) -> Judgement:
    """Strict for what this project runs: the API Gateway (this driver) and what ``up`` says it
    simulates (SIMULATED_SERVICES of --env-file); the rest are real services, judged by
    --strict. Against a deployment this project did not start (no --env-file), that is every
    other service."""
    env = read_env_file(args.env_file) if args.env_file else {}
    if args.env_file and "SIMULATED_SERVICES" not in env:
        raise UsageError(
            f"{args.env_file} does not say which services up simulates (SIMULATED_SERVICES).",
            hint="write it again with this version's `up --env-file`",
        )
    simulated = {s.strip() for s in env.get("SIMULATED_SERVICES", "").split(",") if s.strip()}
    return Judgement(strict=args.strict, own=frozenset({"api_gateway", *simulated}))


def _targets(args: argparse.Namespace) -> tuple[Settings, str]:
    settings = run_settings(args)
    env = read_env_file(args.env_file) if args.env_file else {}
    if not settings.bootstrap_servers and env.get("KAFKA_BOOTSTRAP_SERVERS"):
        settings = replace(settings, bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"])
    if args.topic_prefix is None and "TOPIC_PREFIX" in env:
        settings = replace(settings, topic_prefix=env["TOPIC_PREFIX"])
    bos_url = args.bos_url or env.get("BOS_URL")
    if not bos_url:
        raise UsageError(
            "run needs BOS's address.", hint="give --bos-url URL, or --env-file FILE from up"
        )
    if not settings.bootstrap_servers:
        raise UsageError(
            "run needs the Kafka cluster the system runs on.",
            hint="give --bootstrap HOST:PORT, or --env-file FILE from up",
        )
    return settings, bos_url


def _drive(
    args: argparse.Namespace,
    client: PipelineClient,
    observer: ContractObserver,
    pipelines: list[str],
) -> tuple[list[PipelineOutcome], list[str]]:
    outcomes: list[PipelineOutcome] = []
    batches: list[str] = []
    for number in range(1, args.batches + 1):
        batch = _register(args, client)
        batches.append(batch.batch_id)
        say(f"batch {number}/{args.batches} {batch.batch_id}: registered ({args.essays} essays)")
        ready = _wait_ready(args, client, observer, batch)
        if ready is not None:
            outcomes.append(ready)
            continue
        for pipeline in pipelines:
            outcomes.append(_follow(args, client, observer, batch.batch_id, pipeline))
    return outcomes, batches


def _register(args: argparse.Namespace, client: PipelineClient) -> RegisteredBatch:
    try:
        return client.register_batch(
            essay_count=args.essays,
            course_code=COURSES[args.language],
            class_id=str(uuid.uuid4()) if args.regular else None,
        )
    except ClientError as exc:
        raise UsageError(f"BOS refused the registration: {exc}") from None


def _wait_ready(
    args: argparse.Namespace,
    client: PipelineClient,
    observer: ContractObserver,
    batch: RegisteredBatch,
) -> PipelineOutcome | None:
    """Ready as any BOS learns it: the readiness event on Kafka; then, where BOS offers the
    reference's status view, until it reports READY. None when ready, else the failure."""
    event = "batchEssaysReady" if batch.class_id else "batchContentProvisioningCompleted"
    started = time.monotonic()
    try:
        Expectations(observer).expect(event, batch_id=batch.batch_id, within_s=args.ready_timeout)
        if client.offers_status_view(batch.batch_id):
            client.wait_ready(batch.batch_id, within_s=args.ready_timeout)
    except WaitTimeout as exc:
        say(f"  not ready: {exc}")
        return PipelineOutcome(
            batch.batch_id,
            "(readiness)",
            batch.correlation_id,
            f"not ready in {args.ready_timeout:g} s",
            time.monotonic() - started,
        )
    say(f"  ready for pipelines after {time.monotonic() - started:.1f} s")
    return None


def _follow(
    args: argparse.Namespace,
    client: PipelineClient,
    observer: ContractObserver,
    batch_id: str,
    pipeline: str,
) -> PipelineOutcome:
    started = time.monotonic()
    correlation_id = client.request_pipeline(batch_id, pipeline)
    say(f"  {pipeline} requested (correlation {correlation_id})")
    shown: set[tuple[str, str | None]] = set()

    def ended() -> ObservedMessage | None:
        for message in observer.messages(correlation_id=correlation_id):
            seen = (message.name, message.source_service)
            if seen not in shown:
                shown.add(seen)
                say(
                    f"    {time.monotonic() - started:6.2f} s  {message.source_service}: "
                    f"{message.name}"
                )
            if message.channel.id in ENDINGS and observer.from_its_sender(message):
                return message
        return None

    try:
        last = wait_for(
            ended,
            within_s=args.timeout,
            awaited=f"{pipeline} to end",
            correlation_id=correlation_id,
            interval_s=0.05,
        )
    except WaitTimeout:
        ending = f"not completed in {args.timeout:g} s"
    else:
        ending = (
            f"completed: {last.data.get('final_status')}"
            if last.channel.id == "batchPipelineCompleted"
            else f"denied: {last.data.get('denial_reason')}"
        )
    seconds = time.monotonic() - started
    say(f"  {pipeline}: {ending} ({seconds:.1f} s)")
    return PipelineOutcome(batch_id, pipeline, correlation_id, ending, seconds)


def _verdict(
    args: argparse.Namespace,
    observer: ContractObserver,
    outcomes: list[PipelineOutcome],
    batches: list[str],
    judgement: Judgement,
) -> int:
    time.sleep(0.5)  # the tap reads many topics at once: let the last messages land
    violations: list[Violation] = [v for b in batches for v in observer.violations(batch_id=b)]
    violations += [
        v for e in observer.exchanges.exchanges() if e.batch_id is None for v in e.violations
    ]
    completed = sum(o.completed for o in outcomes)
    say(f"\n== verdict ==\npipelines completed: {completed}/{len(outcomes)}")
    for outcome in outcomes:
        say(f"  {outcome.pipeline} batch {outcome.batch_id}: {outcome.ending}")
    failing = [v for v in violations if judgement.fails(v)]
    say(f"contract findings: {counts(violations)}; failing the run: {len(failing)}")
    for line in describe(violations[:200], judgement):
        say(f"  {line}")
    if args.report:
        _write(args.report, observer, outcomes, batches, violations, judgement)
    clean = completed == len(outcomes) and not failing
    say("PASS" if clean else "FAIL")
    return 0 if clean else 1


def _write(
    base: Path,
    observer: ContractObserver,
    outcomes: list[PipelineOutcome],
    batches: list[str],
    violations: list[Violation],
    judgement: Judgement,
) -> None:
    base.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "outcomes": [vars(o) | {"completed": o.completed} for o in outcomes],
        "findings": tally(violations),
        "violations": [
            vars(v) | {"level": v.level.value, "fails": judgement.fails(v)} for v in violations
        ],
    }
    base.with_suffix(".json").write_text(json.dumps(body, indent=2), encoding="utf-8")
    messages = [m for b in batches for m in observer.messages(batch_id=b)]
    exchanges = [e for b in batches for e in observer.exchanges.exchanges(batch_id=b)]
    write_report(
        messages,
        observer.contract,
        base.with_suffix(".html"),
        title="pipeline-harness run",
        summary=[f"{sum(o.completed for o in outcomes)}/{len(outcomes)} completed"],
        exchanges=exchanges,
    )
    note(f"reports written: {base.with_suffix('.json')}, {base.with_suffix('.html')}")
