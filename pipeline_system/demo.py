"""``pipeline-harness demo``: the whole pipeline, end to end, on a real Kafka, in one command.

It registers a batch of essays from the built-in corpus, requests a cj_assessment pipeline,
follows it to BatchPipelineCompletedV1 while showing progress, then requests an nlp pipeline on the
same batch to show the seed's fix (the batch is READY again and accepts it). Every message that
crosses Kafka is checked against the contract; the exit code is 0 only when both pipelines
completed and the wire was clean. An HTML report shows the observed flow.
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from harness.cli import PROG
from harness.client import PipelineClient
from harness.errors import UsageError
from harness.observed import ObservedMessage
from harness.observer import ContractObserver
from harness.report import write_report
from harness.waiting import wait_for
from pipeline_system.runtime import (
    add_run_options,
    broker_settings,
    note,
    run_settings,
    running_bus,
)
from pipeline_system.system import SimulatedSystem, build_system

PHASE_COMMANDS = {
    "spellcheck": "batchServiceSpellcheckInitiateCommandData",
    "cj_assessment": "batchServiceCjAssessmentInitiateCommandData",
    "nlp": "batchServiceNlpInitiateCommandData",
}
COURSES = {"en": "ENG5", "sv": "SV2"}


def add_demo_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="run a batch through cj_assessment, then nlp, on a real Kafka, and report",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__,
        epilog="examples:\n"
        f"  {PROG} demo\n"
        f"  {PROG} demo --essays 30 --language sv --regular\n"
        f"  {PROG} demo --bootstrap 127.0.0.1:9092 --report /tmp/run.html",
    )
    demo.add_argument("--essays", type=int, default=12, help="essays in the batch (default 12)")
    demo.add_argument("--language", choices=sorted(COURSES), default="en")
    demo.add_argument(
        "--regular",
        action="store_true",
        help="a REGULAR batch (with a class: student matching first)",
    )
    add_run_options(demo, topic_prefix_help="topic prefix (default: one unique to this run)")
    demo.add_argument(
        "--report",
        type=Path,
        default=None,
        help="where to write the HTML report (default: reports/demo-<batch>.html)",
    )
    demo.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds to wait for each pipeline (default 120)",
    )
    demo.set_defaults(func=run_demo)


@dataclass(frozen=True)
class ObservedRun:
    """One requested pipeline and what the wire showed of it."""

    pipeline: str
    correlation_id: str
    completion: ObservedMessage


def run_demo(args: argparse.Namespace) -> int:
    if args.essays < 1:
        raise UsageError("--essays must be at least 1")
    settings = run_settings(args)
    if args.topic_prefix is None:  # a run of its own, even on a shared or detached broker
        settings = replace(settings, topic_prefix=f"demo-{uuid.uuid4().hex[:8]}.")
    console = Console(soft_wrap=True)  # long lines stay whole in logs and CI output
    started = time.monotonic()
    with running_bus(settings, broker_settings(args), note) as bus:
        observer = ContractObserver(bus.contract, bus)
        observer.start()
        system = build_system(
            bus.contract, bus, exchanges=observer.exchanges, content_over_http=True
        )
        with system:
            return _demo(args, console, system, observer, started)


def _demo(
    args: argparse.Namespace,
    console: Console,
    system: SimulatedSystem,
    observer: ContractObserver,
    started: float,
) -> int:
    client = system.client()
    kind = "REGULAR" if args.regular else "GUEST"
    batch = client.register_batch(
        essay_count=args.essays,
        class_id=f"class-{uuid.uuid4().hex[:6]}" if args.regular else None,
        course_code=COURSES[args.language],
    )
    console.print(
        f"registered a {kind} batch of {args.essays} {args.language} essays: "
        f"[bold]{batch.batch_id}[/bold]"
    )
    follower = _Follower(console, observer, batch.batch_id, args.essays, started)
    follower.until(lambda: client.is_ready(batch.batch_id), "content provisioned", args.timeout)
    first = _run_pipeline(client, follower, batch.batch_id, "cj_assessment", args.timeout)
    _summary(console, observer, first, batch.batch_id)
    second = _run_pipeline(client, follower, batch.batch_id, "nlp", args.timeout)
    skipped = [
        m.data.get("phase_name")
        for m in observer.messages("phaseSkipped", correlation_id=second.correlation_id)
    ]
    console.print(
        f"the batch was READY again and accepted [bold]nlp[/bold]: "
        f"{second.completion.data['final_status']} (skipped: "
        f"{', '.join(map(str, skipped)) or 'nothing'})"
    )
    return _verdict(console, observer, batch.batch_id, args, [first, second], started)


def _run_pipeline(
    client: PipelineClient, follower: _Follower, batch_id: str, pipeline: str, timeout_s: float
) -> ObservedRun:
    correlation_id = client.request_pipeline(batch_id, pipeline)
    follower.console.print(f"requested [bold]{pipeline}[/bold] (correlation id {correlation_id})")
    completion = follower.until(
        lambda: next(
            iter(
                follower.observer.messages("batchPipelineCompleted", correlation_id=correlation_id)
            ),
            None,
        ),
        f"{pipeline} completed",
        timeout_s,
    )
    return ObservedRun(pipeline, correlation_id, completion)


class _Follower:
    """Shows progress while waiting: a live line on a terminal, plain lines otherwise."""

    def __init__(
        self,
        console: Console,
        observer: ContractObserver,
        batch_id: str,
        essays: int,
        started: float,
    ) -> None:
        self.console, self.observer, self.batch_id = console, observer, batch_id
        self.essays, self.started = essays, started
        self._last_line = ""

    def until(self, probe: Callable[[], Any], awaited: str, timeout_s: float) -> Any:
        def step() -> Any:
            self._show()
            return probe()

        if self.console.is_terminal:
            with Live(self._table(), console=self.console, transient=True) as live:
                self._live = live
                return self._wait(step, awaited, timeout_s)
        return self._wait(step, awaited, timeout_s)

    def _wait(self, step: Callable[[], Any], awaited: str, timeout_s: float) -> Any:
        return wait_for(
            step,
            within_s=timeout_s,
            awaited=awaited,
            interval_s=0.1,
            seen=lambda: [
                m.summary() for m in self.observer.messages(batch_id=self.batch_id)[-10:]
            ],
        )

    def _show(self) -> None:
        if self.console.is_terminal:
            self._live.update(self._table())
            return
        line = self._progress_line()
        if line != self._last_line:
            print(line, flush=True)
            self._last_line = line

    def _progress(self) -> dict[str, str]:
        seen = self.observer.messages(batch_id=self.batch_id)
        phase = next(
            (p for m in reversed(seen) for p, c in PHASE_COMMANDS.items() if m.channel.id == c),
            "provisioning",
        )
        checked = sum(1 for m in seen if m.channel.id == "spellcheckPhaseCompleted")
        asked = sum(1 for m in seen if m.channel.id == "llmComparisonRequest")
        answered = sum(1 for m in seen if m.channel.id == "llmComparisonResult")
        return {
            "phase": phase,
            "essays spellchecked": f"{checked}/{self.essays}",
            "LLM comparisons": f"{answered}/{asked}",
            "messages on Kafka": str(len(seen)),
            "elapsed": f"{time.monotonic() - self.started:.1f} s",
        }

    def _progress_line(self) -> str:
        return "  " + " | ".join(f"{k}: {v}" for k, v in self._progress().items() if k != "elapsed")

    def _table(self) -> Table:
        table = Table(show_header=False, box=None)
        for key, value in self._progress().items():
            table.add_row(key, value)
        return table


def _summary(console: Console, observer: ContractObserver, run: ObservedRun, batch_id: str) -> None:
    data = run.completion.data
    console.print(
        f"[bold]{run.pipeline}[/bold]: {data['final_status']}, phases "
        f"{', '.join(data['completed_phases'])}, essays "
        f"{data['successful_essay_count']} ok / {data['failed_essay_count']} failed, "
        f"{data['processing_duration_seconds']:.2f} s"
    )
    for phase, seconds in phase_durations(observer, run).items():
        console.print(f"  {phase:14} {seconds * 1000:8.0f} ms")
    names = {
        m.data.get("essay_id"): m.data.get("original_file_name")
        for m in observer.messages("essaySlotAssigned", batch_id=batch_id)
    }
    ranking = observer.messages("assessmentResult", correlation_id=run.correlation_id)
    if ranking:
        console.print("  CJ ranking (Bradley-Terry):")
        for essay in sorted(ranking[-1].data.get("essay_results", []), key=lambda e: e["rank"]):
            name = names.get(essay["essay_id"], essay["essay_id"])
            console.print(
                f"    {essay['rank']:>3}. {name:40} score {essay['bt_score']:+.2f} "
                f"grade {essay.get('letter_grade')}"
            )


def phase_durations(observer: ContractObserver, run: ObservedRun) -> dict[str, float]:
    """Seconds from each phase's initiate command to its ELS outcome, as seen on the wire."""
    durations = {}
    for phase in run.completion.data.get("completed_phases", []):
        command = PHASE_COMMANDS.get(phase)
        starts = observer.messages(command, correlation_id=run.correlation_id) if command else []
        ends = observer.messages(
            "elsBatchPhaseOutcome", correlation_id=run.correlation_id, where={"phase_name": phase}
        )
        if starts and ends:
            durations[phase] = ends[0].seen_at - starts[0].seen_at
    return durations


def _verdict(
    console: Console,
    observer: ContractObserver,
    batch_id: str,
    args: argparse.Namespace,
    runs: list[ObservedRun],
    started: float,
) -> int:
    seen = observer.messages()
    violations = observer.violations()
    path = args.report or Path("reports") / f"demo-{batch_id}.html"
    summary = [f"batch {batch_id}: {args.essays} {args.language} essays"] + [
        f"{r.pipeline}: {r.completion.data['final_status']} (correlation {r.correlation_id})"
        for r in runs
    ]
    write_report(
        observer.messages(batch_id=batch_id) or seen,
        observer.contract,
        path,
        title=f"{PROG} demo",
        summary=summary,
        exchanges=observer.exchanges.exchanges(),
    )
    clean = not violations
    exchanged = len(observer.exchanges.exchanges())
    console.print(
        f"{len(seen)} messages crossed Kafka and {exchanged} HTTP exchanges; "
        + (
            "every one matched the contract"
            if clean
            else f"[red]{len(violations)} contract violations[/red]"
        )
    )
    for violation in violations[:20]:
        console.print(f"  [red]{violation}[/red]")
    console.print(f"report: {path.resolve()}")
    ok = clean and all(r.completion.data["final_status"] == "completed_successfully" for r in runs)
    console.print(f"{'done' if ok else 'FAILED'} in {time.monotonic() - started:.1f} s")
    return 0 if ok else 1
