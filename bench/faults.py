"""Faults on the real broker (issue 13): kill, poison, and count what survived.

Each scenario runs against a real Kafka broker and prints one figure line: runs, completions,
duplicates, lost, dead letters, and the time to recover. "Lost" is measured, not assumed: every
message the run's observer saw is reconciled against the committed offsets of every consumer
group that should have taken it, and against the dead-letter topic.

    python bench/faults.py --profile short          # a few runs of each (minutes)
    python bench/faults.py --profile full           # the figures in the README (make faults)
    python bench/faults.py --scenario bos-killed --runs 10

The eight scenarios of issue 13, in order: ``bos-killed`` (SIGKILL ``serve bos`` at a
uniformly random moment of a cj_assessment pipeline, start it again on the same database),
``simulator-killed`` (the same for ELS, the spellchecker, CJ and the LLM provider in turn, each
in its group, ELS and CJ on their ``--state-dir``), ``broker-killed`` (SIGKILL the broker itself
mid-pipeline and start it again on the same log dir and port; needs the broker this runner
starts, not an external one), ``poison`` (malformed messages on every consumed channel while
good pipelines run), ``redelivered`` (every message delivered twice while many pipelines run at
once), ``fuzz`` (generated, mutated and garbled payloads through both validation paths and every
handler, on the in-memory bus; ``make fuzz`` runs it alone), ``failover`` (a 3-node cluster,
replication factor 3, the leader of a busy partition SIGKILLed mid-pipeline) and
``system-killed`` (``up --state-dir`` SIGKILLed at the first LLM comparison of a run and
started again on its state).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, Protocol

from harness.bus import DEAD_LETTER_REASON, DEAD_LETTER_SERVICE, Delivery
from harness.client import PipelineClient
from harness.contract import Channel, Contract, load_contract
from harness.errors import HarnessError, WaitTimeout
from harness.expectations import Expectations
from harness.kafka import KafkaBus
from harness.kafka.admin import ClusterAdmin
from harness.kafka.bus import CLIENT_LOG
from harness.observer import ContractObserver
from harness.rules import Verdict
from harness.validation import ContractValidator
from harness.waiting import wait_for
from kafka_broker import BrokerSettings, start_broker
from kafka_broker.cluster import JvmCluster, start_jvm_cluster
from kafka_broker.jvm import JvmBroker
from pipeline_system.background import Background
from pipeline_system.fuzz import fuzz_system
from pipeline_system.processes import free_port
from pipeline_system.system import NEEDS_CONTENT, SIMULATORS, running_receivers
from steps.redelivery import Redelivery

PROFILES = {
    "short": {  # the default test command's (tox env faults): every scenario, a few runs
        "calibration": 1,
        "bos-killed": 2,
        "poison": 70,
        "pipelines": 3,
        "redelivered": 5,
        "killed": 1,
        "broker-killed": 1,
        "failover": 1,
        "system-killed": 1,
        "fuzz": 300,
    },
    "full": {
        "calibration": 3,
        "bos-killed": 50,
        "poison": 1000,
        "pipelines": 20,
        "redelivered": 100,
        "killed": 10,
        "broker-killed": 10,
        "failover": 10,
        "system-killed": 10,
        "fuzz": 100_000,
    },
}
RUN_COUNTS = (
    "bos-killed",
    "killed",
    "broker-killed",
    "failover",
    "system-killed",
    "redelivered",
    "pipelines",
)
"""The profile keys that count a scenario's runs (``--runs`` sets them all)."""
SCENARIOS = (
    "bos-killed",
    "simulator-killed",
    "broker-killed",
    "poison",
    "redelivered",
    "fuzz",
    "failover",
    "system-killed",
)
ON_ITS_OWN = {"failover", "fuzz"}
"""Scenarios that need not the runner's broker: failover starts a cluster, the fuzz runs on
the in-memory bus."""
KILLED_SIMULATORS = ("els", "spellchecker", "cj_assessment", "llm_provider")
"""The simulators the simulator-killed scenario kills mid-phase (issue 13, scenario 2). The
spellchecker and the LLM provider keep nothing but their group's offsets; ELS and CJ keep each
batch in a ``--state-dir`` file, written before the bus commits the message."""
WITHIN_S = 60.0


@dataclass
class Figures:
    """One scenario's figure line."""

    scenario: str
    runs: int = 0
    completions: int = 0
    duplicates: int = 0
    lost: int = 0
    dead_letters: int = 0
    recoveries: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """What else failed it (the fuzz's: the paths disagree, a handler crashed...)."""
    window: float | None = None
    """The kill window (seconds after the request) of a scenario that kills mid-pipeline."""

    @property
    def killing(self) -> bool:
        return self.window is not None

    def failures(self) -> list[str]:
        """Why the scenario failed: something lost or completed twice, or a scenario that kills
        mid-pipeline whose kills all came after the completion (it proved nothing)."""
        found = [f"{self.lost} lost"] if self.lost else []
        found += [f"{self.duplicates} duplicate completions"] if self.duplicates else []
        if self.killing and self.runs and not self.recoveries:
            found.append("no kill hit a run mid-pipeline")
        return found + self.problems

    def line(self) -> str:
        recover = (
            f"recover p50 {statistics.median(self.recoveries):.2f} s, "
            f"max {max(self.recoveries):.2f} s ({_runs(len(self.recoveries))} hit mid-pipeline)"
            if self.recoveries
            else "recover -"
        )
        if self.window is not None:
            recover += f", kills drawn over {self.window:.1f} s"
        extra = "; " + "; ".join(self.notes) if self.notes else ""
        return (
            f"{self.scenario:<16} runs {self.runs:>4}  completions {self.completions:>4}  "
            f"duplicates {self.duplicates}  lost {self.lost}  dead letters {self.dead_letters}  "
            f"{recover}{extra}"
        )


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


class Command(Background):
    """A ``pipeline-harness`` command in its own process: what a scenario runs, and what it
    kills (``strike``/``heal`` make it a Victim)."""

    def strike(self) -> float:
        """SIGKILL it, start it again with the same arguments; the moment it was killed."""
        killed = time.monotonic()
        self.restart()
        self.wait_running()
        return killed

    def heal(self) -> None:
        """Nothing to do after its run: ``strike`` started it again."""

    def stop(self) -> None:
        """Interrupt it as Ctrl-C would; one that hangs is killed, and said."""
        try:
            self.interrupt()
        except HarnessError as hung:
            print(f"note: {hung}", file=sys.stderr)


class Run:
    """The runner's own view of the system: a bus, an observer, a tap on the dead letters."""

    def __init__(
        self, contract: Contract, bootstrap: str, prefix: str, *, calibration: int = 3
    ) -> None:
        self.calibration = calibration
        """Unharmed runs whose median duration is the window a kill is drawn from."""
        self.bus = KafkaBus(contract, bootstrap_servers=bootstrap, topic_prefix=prefix)
        self.bus.start()
        self.observer = ContractObserver(contract, self.bus)
        self.observer.start()
        self.wire = Expectations(self.observer, within_s=WITHIN_S)
        self.dead: list[Delivery] = []
        self.bus.subscribe(
            [contract.dead_letter_channel], group=None, handler=self.dead.append, name="faults"
        ).wait_assigned()

    def stop(self) -> None:
        self.observer.stop()
        self.bus.stop()

    def reconcile(self, figures: Figures) -> None:
        """Count as lost what a consuming group never committed, once commits settled."""
        unconsumed = self.settled_unconsumed()
        figures.lost += sum(unconsumed.values())
        figures.notes += [f"not consumed: {n} x {what}" for what, n in unconsumed.items()]

    def settled_unconsumed(self, within_s: float = 30.0) -> Counter[str]:
        """``unconsumed`` once it is empty, or what is still left after ``within_s``: a group
        commits a moment after it handles a message (and after a broker restart its commits
        can lag by a few seconds), so only what stays uncommitted is lost."""
        left = self.unconsumed()
        deadline = time.monotonic() + within_s
        while left and time.monotonic() < deadline:
            time.sleep(1.0)
            left = self.unconsumed()
        return left

    def unconsumed(self) -> Counter[str]:
        """Messages seen on the wire that a group that consumes their channel never took, by
        channel and service."""
        contract, left = self.observer.contract, Counter[str]()
        committed: dict[tuple[str, str, int], int] = {}  # one admin call per group partition
        for message in self.observer.messages():
            for service in running_receivers(contract, message.channel):
                group = str(service.consumer_group)
                where = (group, message.channel.id, message.partition)
                if where not in committed:
                    committed[where] = self.bus.committed_offset(
                        group, message.channel, message.partition
                    )
                if committed[where] <= message.offset:
                    left[f"{message.channel.id} by {service.id}"] += 1
        return left


@contextmanager
def system_without_bos(bootstrap: str, prefix: str, db: Path) -> Iterator[Command]:
    """``up --without bos`` and ``serve bos`` on ``db``; yields the BOS process."""
    kafka = ("--bootstrap", bootstrap, "--topic-prefix", prefix)
    rest = Command("up", "--without", "bos", "--phase-timeout", "60", *kafka)
    bos: Command | None = None
    try:
        bcs_url = rest.value("BCS_URL")
        rest.wait_running()
        args = ["serve", "bos", *kafka, "--database", str(db), "--bcs-url", bcs_url]
        args += ["--port", str(free_port())]
        bos = Command(*args)
        bos.wait_running()
        yield bos
    finally:
        for service in (bos, rest):
            if service is not None:
                service.stop()


def pipeline_client(run: Run, bos: Command) -> PipelineClient:
    return PipelineClient(run.observer.contract, run.bus, bos_url=bos.value("BOS_URL"))


def ready_batch(client: PipelineClient, essays: int) -> str:
    batch = client.register_batch(essay_count=essays)
    client.wait_ready(batch.batch_id, within_s=WITHIN_S)
    return batch.batch_id


def bos_killed(run: Run, bootstrap: str, prefix: str, runs: int, work: Path) -> Figures:
    """SIGKILL BOS at a uniformly random moment of a cj_assessment pipeline, start it again on
    the same database; every run must complete exactly once, no phase commanded twice."""
    figures = Figures("bos-killed")
    rng = random.Random(13)
    with system_without_bos(bootstrap, prefix, work / "bos.db") as bos:
        _kill_during_runs(run, pipeline_client(run, bos), [bos] * runs, rng, figures)
    return figures


def simulator_killed(run: Run, bootstrap: str, prefix: str, runs: int, work: Path) -> Figures:
    """The rest is ``up --without`` the ``KILLED_SIMULATORS``, each of them a ``simulate``
    process with a static member name (and, for ELS and CJ, which remember each batch, a
    ``--state-dir``). Run n SIGKILLs simulator n (in turn) at a random moment of a
    cj_assessment run and starts it again the same way in its group: each run completes
    exactly once. ``runs`` runs per simulator."""
    figures = Figures("simulator-killed")
    kafka = ("--bootstrap", bootstrap, "--topic-prefix", prefix)
    left_out = [option for s in KILLED_SIMULATORS for option in ("--without", s)]
    rest = Command("up", *left_out, "--phase-timeout", "60", *kafka)
    simulated: dict[str, Command] = {}
    try:
        rest.wait_running()
        for service in sorted(KILLED_SIMULATORS, key=lambda s: s != "llm_provider"):
            options = _simulate_options(rest, service, work)
            if service == "cj_assessment":  # CJ calls the provider's queue API
                options += ["--llm-url", simulated["llm_provider"].value("HTTP_URL")]
            simulated[service] = Command("simulate", service, *kafka, *options)
        for command in simulated.values():
            command.wait_running()
        client = PipelineClient(run.observer.contract, run.bus, bos_url=rest.value("BOS_URL"))
        victims = [simulated[s] for _ in range(runs) for s in KILLED_SIMULATORS]
        _kill_during_runs(run, client, victims, random.Random(7), figures)
    finally:
        for command in (*simulated.values(), rest):
            command.stop()
    figures.notes.append(f"killed in turn: {', '.join(KILLED_SIMULATORS)}")
    return figures


def _simulate_options(rest: Command, service: str, work: Path) -> list[str]:
    """What ``simulate SERVICE`` needs beside ``up --without SERVICE``: the texts, a member
    name, and the state of a service that remembers something."""
    options = ["--member", f"{service}-0"]
    if service in NEEDS_CONTENT:
        options += ["--content-url", rest.value("CONTENT_SERVICE_URL")]
    if SIMULATORS[service].persisted:
        options += ["--state-dir", str(work / service)]
    return options


@dataclass
class KilledBroker:
    """The broker as a victim: SIGKILLed, down for a second, started again in place."""

    broker: JvmBroker

    def strike(self) -> float:
        return self.broker.kill_and_restart(down_s=1.0)

    def heal(self) -> None:
        """Nothing to do after its run: ``strike`` started it again."""


def broker_killed(run: Run, broker: JvmBroker, prefix: str, runs: int, work: Path) -> Figures:
    """The whole system (``up``) on the broker; the broker SIGKILLed at a uniformly random
    moment of a cj_assessment run and started again on its log dir and port after 1 s: every
    client reconnects, every run completes exactly once, nothing committed is lost."""
    figures = Figures("broker-killed")
    kafka = ("--bootstrap", broker.info.bootstrap_servers, "--topic-prefix", prefix)
    system = Command("up", "--phase-timeout", "60", *kafka)
    try:
        system.wait_running()
        client = PipelineClient(run.observer.contract, run.bus, bos_url=system.value("BOS_URL"))
        victims = [KilledBroker(broker)] * runs
        _kill_during_runs(run, client, victims, random.Random(11), figures)
    finally:
        system.stop()
    del work
    return figures


FAILOVER_CHANNEL = "essayLifecycleSpellcheckRequest"
"""The busy partition whose leader the failover scenario kills (12 essays' requests per run,
spread over its partitions by essay id, and the ELS, spellchecker and wire check reading it)."""


def replicated_topics(contract: Contract, bootstrap: str, prefix: str, replicas: int) -> None:
    """Every topic of the contract (and the dead letters) created on ``replicas`` nodes before
    anything else creates them with the contract's one replica."""
    channels = [*contract, contract.dead_letter_channel]
    topics = {prefix + c.address: (c.partitions, replicas) for c in channels}
    ClusterAdmin({"bootstrap.servers": bootstrap}).ensure_topics(topics)


def failover(run: Run, cluster: JvmCluster, prefix: str, runs: int) -> Figures:
    """The whole system (``up``) on a 3-node cluster (replication factor 3, min.insync.replicas
    2). In each cj_assessment run, at a uniformly random moment, the node leading partition 0
    of the spellcheck requests is SIGKILLed: the run must complete on the other two, exactly
    once, nothing lost; the node is started again before the next run."""
    figures = Figures("failover")
    topic = prefix + run.observer.contract.channel(FAILOVER_CHANNEL).address
    kafka = ("--bootstrap", cluster.info.bootstrap_servers, "--topic-prefix", prefix)
    system = Command("up", "--phase-timeout", "60", *kafka)
    leader = KilledLeader(cluster, topic)
    try:
        system.wait_running()
        client = PipelineClient(run.observer.contract, run.bus, bos_url=system.value("BOS_URL"))
        _kill_during_runs(run, client, [leader] * runs, random.Random(17), figures)
    finally:
        system.stop()
    figures.notes.append(
        "killed leaders: " + ", ".join(f"node {n} x{k}" for n, k in sorted(leader.killed.items()))
    )
    return figures


@dataclass
class KilledLeader:
    """The node leading partition 0 of ``topic`` as a victim: SIGKILLed, left down while its
    run completes on the other two, started again (and back in sync) before the next run."""

    cluster: JvmCluster
    topic: str
    killed: Counter[int] = field(default_factory=Counter)
    down: int | None = None

    def strike(self) -> float:
        self.down = self.cluster.leader_of(self.topic, 0)
        self.killed[self.down] += 1
        return self.cluster.kill_node(self.down)

    def heal(self) -> None:
        if self.down is not None:
            self.cluster.restart_node(self.down)
            _back_in_sync(self.cluster, self.topic, self.down)
            self.down = None


def system_killed(run: Run, bootstrap: str, prefix: str, runs: int, work: Path) -> Figures:
    """The whole system (``up --state-dir``) SIGKILLed as the first LLMComparisonRequestV1 of a
    12-essay cj_assessment run appears, and started again on the same state directory (and
    BOS port): the run completes exactly once, nothing lost (issue 13's scenario 8)."""
    figures = Figures("system-killed")
    kafka = ("--bootstrap", bootstrap, "--topic-prefix", prefix)
    state = ("--state-dir", str(work / "state"), "--bos-port", str(free_port()))
    system = Command("up", "--phase-timeout", "120", *kafka, *state)
    try:
        system.wait_running()
        client = PipelineClient(run.observer.contract, run.bus, bos_url=system.value("BOS_URL"))
        for _ in range(runs):
            batch_id = ready_batch(client, 12)
            cid = client.request_pipeline(batch_id, "cj_assessment")
            run.wire.expect("llmComparisonRequest", batch_id=batch_id)  # the first of them
            killed = system.strike()
            figures.runs += 1
            _settle_run(run, figures, batch_id, cid, killed)
            client.wait_ready(batch_id, within_s=WITHIN_S)
    finally:
        system.stop()
    return figures


def _back_in_sync(cluster: JvmCluster, topic: str, node: int) -> None:
    """Until a restarted node has caught up with partition 0's leader again."""
    wait_for(
        lambda: node in cluster.in_sync(topic, 0),
        within_s=WITHIN_S,
        awaited=f"node {node} back in sync",
    )


class Victim(Protocol):
    def strike(self) -> float:
        """SIGKILL it (and start it again, unless it stays down for the run); the moment it
        was killed (``time.monotonic()``)."""
        ...

    def heal(self) -> None:
        """After its run: bring back what stayed down (nothing, for one that restarted)."""
        ...


def _kill_during_runs(
    run: Run,
    client: PipelineClient,
    victims: Sequence[Victim],
    rng: random.Random,
    figures: Figures,
) -> None:
    """One cj_assessment run per victim, each SIGKILLed and restarted at a random moment of
    its run (uniform over an unharmed run's duration, the median of ``run.calibration``).
    A kill that came after its run's completion proved nothing: that victim gets one more
    run (the figure line counts both, and says how many were redone)."""
    figures.window = duration = _kill_window(run, client)
    pending, redone = list(victims), 0
    while pending:
        victim = pending.pop(0)
        batch_id = ready_batch(client, 4)
        cid = client.request_pipeline(batch_id, "cj_assessment")
        time.sleep(rng.uniform(0, duration))
        hits, completions = len(figures.recoveries), figures.completions
        killed = victim.strike()
        figures.runs += 1
        _settle_run(run, figures, batch_id, cid, killed)
        victim.heal()
        client.wait_ready(batch_id, within_s=WITHIN_S)
        before_the_kill = figures.completions > completions and len(figures.recoveries) == hits
        if before_the_kill and redone < len(victims):  # (a lost run is counted, not redone)
            redone += 1
            pending.insert(0, victim)
    if redone:
        came = "kill came" if redone == 1 else "kills came"
        figures.notes.append(f"{redone} {came} after the completion and {_was(redone)} redone")


def _kill_window(run: Run, client: PipelineClient) -> float:
    """The window a kill is drawn from: the median of ``run.calibration`` unharmed runs, after
    one more that warms the system up (the first run of a fresh system is slower: its
    consumers join their groups, its producers fetch metadata), which is left out."""
    _pipeline_duration(run, client)
    return statistics.median(_pipeline_duration(run, client) for _ in range(run.calibration))


def _pipeline_duration(run: Run, client: PipelineClient) -> float:
    """One unharmed cj_assessment run, request to completion: the window a kill must hit."""
    batch_id = ready_batch(client, 4)
    started = time.monotonic()
    cid = client.request_pipeline(batch_id, "cj_assessment")
    done = run.wire.expect("batchPipelineCompleted", batch_id=batch_id, correlation_id=cid)
    return done.seen_at - started


def _settle_run(
    run: Run, figures: Figures, batch_id: str, cid: str, fault_at: float | None
) -> None:
    """Wait for the run's completion; count it, its duplicates, and (when the fault came
    before it) the time from the fault to the completion."""
    scope = run.wire.scoped(batch_id=batch_id, correlation_id=cid)
    try:
        done = scope.expect("batchPipelineCompleted")
    except WaitTimeout:
        figures.lost += 1
        figures.notes.append(_stalled(run, batch_id, cid))
        return
    figures.completions += 1
    if fault_at is not None and done.seen_at > fault_at:
        figures.recoveries.append(done.seen_at - fault_at)
    time.sleep(0.5)  # a duplicate completion would come right after the first
    figures.duplicates += len(scope.events("batchPipelineCompleted")) - 1
    for channel in (
        "batchServiceSpellcheckInitiateCommandData",
        "batchServiceCjAssessmentInitiateCommandData",
    ):
        commands = {
            str(sorted(map(str, m.data.get("essays_to_process", []))))
            for m in scope.events(channel)
        }
        if len(commands) > 1:
            figures.notes.append(f"{channel} commanded twice differently for {cid}")


def fuzz(contract: Contract, count: int) -> Figures:
    """``count`` generated, mutated and garbled payloads (pipeline_system.fuzz, seed 1) over
    every consumed channel of the whole simulated system, on the in-memory bus: both validation
    paths agree on each, every refusal comes back as a dead letter with a reason once per
    consuming service (one missing is lost), no handler raises, and a cj_assessment pipeline
    completes afterwards (the run)."""
    figures = Figures("fuzz", runs=1)
    report = fuzz_system(
        contract,
        count=count,
        seed=1,
        within_s=600,
        progress=lambda n: print(f"fuzz: {n:,} of {count:,} payloads sent", flush=True),
    )
    figures.completions = int(report.completed_after)
    figures.lost = report.missing
    figures.dead_letters = report.set_aside
    figures.notes.append(f"{sum(report.sent.values()):,} payloads: {report.kinds}")
    figures.notes.append(
        f"paths disagree {len(report.disagreements)}; set aside {report.set_aside:,} of "
        f"{report.expected_set_aside:,} refusals, without a reason {report.without_reason}; "
        f"handler crashes {sum(report.crashes.values())}"
    )
    figures.problems += [f"paths disagree: {d}" for d in report.disagreements[:3]]
    figures.problems += [f"handler crash x{n}: {c}" for c, n in report.crashes.most_common(3)]
    if report.without_reason:
        figures.problems.append(f"{report.without_reason} dead letters without a reason")
    if not report.completed_after:
        figures.problems.append("the pipeline after the fuzz did not complete")
    return figures


def _stalled(run: Run, batch_id: str, cid: str) -> str:
    """Where a run that never completed stopped: its messages by channel, in order."""
    seen = run.observer.messages(correlation_id=cid)
    order = Counter(message.channel.id for message in seen)
    chain = ", ".join(f"{channel} x{n}" for channel, n in order.items()) or "nothing"
    return f"no completion for batch {batch_id} within {WITHIN_S:.0f} s; its run saw: {chain}"


def poison(
    run: Run, bootstrap: str, prefix: str, count: int, pipelines: int, work: Path
) -> Figures:
    """``count`` malformed messages spread over every consumed channel while ``pipelines``
    good ones run: each must be dead-lettered, with a reason, by each group that consumes it."""
    figures = Figures("poison")
    contract = run.observer.contract
    validator = ContractValidator(contract)
    channels = [c for c in contract if running_receivers(contract, c)]
    with system_without_bos(bootstrap, prefix, work / "bos.db") as bos:
        client = pipeline_client(run, bos)
        batches = [ready_batch(client, 3) for _ in range(pipelines)]
        requests = [(b, client.request_pipeline(b, "cj_assessment")) for b in batches]
        expected: Counter[bytes] = Counter()
        sent_on: dict[bytes, str] = {}
        accepted = refused = 0
        for n in range(count):
            channel = channels[n % len(channels)]
            value = _poison_value(channel, n)
            if len(value) > OVERSIZE:
                refused += _refused_at_produce(run, channel, value, n)
                continue
            run.bus.publish(channel, value, key=f"poison-{n}")
            sent_on[value] = channel.id
            if _breaking(validator, channel, value):
                expected[value] += len(running_receivers(contract, channel))
            else:
                accepted += 1  # a rule breach: consumers take it (reconciled as consumed)
        for batch_id, cid in requests:
            figures.runs += 1
            _settle_run(run, figures, batch_id, cid, None)
        wanted = sum(expected.values())
        with contextlib.suppress(WaitTimeout):  # what is missing is counted below
            wait_for(
                lambda: len(run.dead) >= wanted, within_s=WITHIN_S, awaited=f"{wanted} dead letters"
            )
        seen = Counter(d.value or b"" for d in run.dead)
        figures.dead_letters = len(run.dead)
        missing = sum((expected - seen).values())
        without_reason = sum(1 for d in run.dead if not d.headers.get(DEAD_LETTER_REASON))
        figures.lost += missing
        figures.notes.append(f"poison {count}, dead letters expected {wanted}, missing {missing}")
        for value in list((expected - seen).elements())[:5]:
            figures.notes.append(f"missing: {value[:60]!r} on {sent_on[value]}")
        figures.notes.append(f"without a reason header {without_reason}")
        oversized = count // len(POISON_KINDS)
        figures.notes.append(
            f"rule breaches taken by their consumers {accepted}; over the size limit refused "
            f"at produce {refused} of {oversized}"
        )
        figures.lost += oversized - refused
        by_service = Counter(d.headers.get(DEAD_LETTER_SERVICE, "?") for d in run.dead)
        figures.notes.append(f"set aside by {len(by_service)} services")
    return figures


def redelivered(run: Run, bootstrap: str, prefix: str, count: int, work: Path) -> Figures:
    """Every message on every channel delivered a second time (steps.redelivery: the same bytes,
    key and headers, published again as the tap reads it, so across topics and partitions the
    copies interleave with what follows), ``count`` pipelines at once: each completes exactly
    once."""
    figures = Figures("redelivered")
    with system_without_bos(bootstrap, prefix, work / "bos.db") as bos:
        client = pipeline_client(run, bos)
        batches = [ready_batch(client, 3) for _ in range(count)]
        with Redelivery(run.observer.contract, run.bus) as copier:
            requests = [(b, client.request_pipeline(b, "cj_assessment")) for b in batches]
            for batch_id, cid in requests:
                figures.runs += 1
                _settle_run(run, figures, batch_id, cid, None)
            figures.notes.append(f"{copier.copies} copies delivered")
    return figures


OVERSIZE = 1_000_000
"""librdkafka's and the broker's default limit on a message (message.max.bytes, about 1 MB)."""


def _fresh(example: dict[str, Any], **changes: Any) -> bytes:
    """The example envelope as a new event (its own event_id), with ``changes``."""
    return json.dumps({**example, "event_id": str(uuid.uuid4()), **changes}).encode()


POISON_KINDS: tuple[Callable[[dict[str, Any]], bytes], ...] = (
    lambda example: b"\xff\xfe not json at all",
    lambda example: json.dumps(example).encode()[:40],  # truncated JSON
    lambda example: b'["a", "list", "not", "an", "envelope"]',
    lambda example: _fresh(example, data={}),
    _fresh,  # a good envelope under a wrong key (poison-N)
    lambda example: _fresh(example, event_type="huleedu.unknown.event.v9"),
    lambda example: _fresh(example, padding="x" * (OVERSIZE + 1)),
)
"""Not JSON; truncated JSON; JSON that is not an envelope; an envelope with invalid data; a
wrong key; an unknown event_type; a message over the size limit. The contract calls a wrong key
a rule breach (key-by-batch) and an unknown event_type one on most channels
(event-type-is-topic; breaking where a consumer compares it): consumers take those, so they are
reconciled as consumed, not dead-lettered. One over the size limit never reaches the broker:
the producer refuses it, as a harness error naming the size."""


def _breaking(validator: ContractValidator, channel: Channel, value: bytes) -> bool:
    """Whether the consumers must set ``value`` aside (a breaking finding, or not an envelope)."""
    try:
        envelope = json.loads(value)
    except ValueError:
        return True
    if not isinstance(envelope, dict):
        return True
    return validator.verdict(channel, envelope) is Verdict.BREAKING


def _refused_at_produce(run: Run, channel: Channel, value: bytes, n: int) -> int:
    """1 when publishing ``value`` fails with a harness error that names the size."""
    try:
        run.bus.publish(channel, value, key=f"poison-{n}")
    except HarnessError as exc:
        return 1 if "size" in str(exc).lower() or "large" in str(exc).lower() else 0
    return 0


def _poison_value(channel: Channel, n: int) -> bytes:
    """Poison of kind ``n % 7`` for ``channel``, unique (a trailing marker, still poison)."""
    kind = POISON_KINDS[n % len(POISON_KINDS)]
    value = kind(dict(channel.message.examples[0]))
    return value if value.endswith(b"}") else value + f" #{n}".encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="examples:\n  python bench/faults.py --profile short\n"
        "  python bench/faults.py --profile short --figures reports/faults-short.txt\n"
        "  python bench/faults.py --scenario system-killed --runs 10",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--profile", choices=sorted(PROFILES), default="short")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS)
    parser.add_argument(
        "--runs",
        type=int,
        metavar="N",
        help="runs of each chosen scenario (simulator-killed: per simulator; poison: its good "
        "pipelines), instead of the profile's",
    )
    parser.add_argument(
        "--figures",
        type=Path,
        metavar="FILE",
        help="also write the figure lines to FILE (make test prints them after its parallel run)",
    )
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile]
    if args.runs is not None:
        profile = {**profile, **dict.fromkeys(RUN_COUNTS, args.runs)}
    scenarios = args.scenario or list(SCENARIOS)
    contract = load_contract()
    lines: list[str] = []
    failed: list[str] = []
    broker = (
        None
        if set(scenarios) <= ON_ITS_OWN
        else start_broker(BrokerSettings.from_env(os.environ), progress=print)
    )
    try:
        for scenario in scenarios:
            started = time.monotonic()
            try:
                figures = _scenario_figures(scenario, contract, broker, profile)
            except HarnessError as exc:  # a wait that timed out, a process that did not start
                figures = f"{scenario}: FAILED: {exc}"
                failed.append(scenario)
            if isinstance(figures, str):  # not run, or failed before its figures
                line = figures
            else:
                line = f"{figures.line()} [{time.monotonic() - started:.0f} s]"
                if why := figures.failures():
                    line += f"  FAILED: {', '.join(why)}"
                    failed.append(scenario)
            lines.append(line)
            print(line, flush=True)
    finally:
        if broker is not None:
            broker.stop()
    summary = "\n".join([f"== faults ({args.profile} profile) ==", *lines]) + "\n"
    print("\n" + summary, end="")
    if args.figures is not None:
        args.figures.parent.mkdir(parents=True, exist_ok=True)
        args.figures.write_text(summary, encoding="utf-8")
    return 1 if failed else 0


def _scenario_figures(
    scenario: str, contract: Contract, broker: Any, profile: dict[str, int]
) -> Figures | str:
    """The scenario's figures, or why it was not run."""
    prefix = f"faults-{uuid.uuid4().hex[:6]}."
    if scenario == "broker-killed" and not isinstance(broker, JvmBroker):
        return f"broker-killed: not run (the broker is {broker.info.provider}'s, not ours)"
    if scenario == "fuzz":
        return fuzz(contract, profile["fuzz"])
    with _broker_away_quietly(scenario in ("broker-killed", "failover")):
        if scenario == "failover":
            return _failover(contract, prefix, profile["failover"], profile["calibration"])
        return _scenario(scenario, contract, broker, prefix, profile)


@contextmanager
def _broker_away_quietly(quiet: bool) -> Iterator[None]:
    """While a scenario kills brokers on purpose, the runner's own clients' ``Connect ...
    failed`` errors (librdkafka's, through harness.kafka's CLIENT_LOG) are not printed: the
    figure line says what came of it."""
    level = CLIENT_LOG.level
    if quiet:
        CLIENT_LOG.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        CLIENT_LOG.setLevel(level)


def _scenario(
    scenario: str,
    contract: Contract,
    broker: Any,
    prefix: str,
    profile: dict[str, int],
) -> Figures:
    """One scenario on the runner's broker, its messages reconciled afterwards."""
    bootstrap = broker.info.bootstrap_servers
    run = Run(contract, bootstrap, prefix, calibration=profile["calibration"])
    try:
        with TemporaryDirectory() as tmp:
            work = Path(tmp)
            if scenario == "bos-killed":
                figures = bos_killed(run, bootstrap, prefix, profile["bos-killed"], work)
            elif scenario == "simulator-killed":
                figures = simulator_killed(run, bootstrap, prefix, profile["killed"], work)
            elif scenario == "broker-killed":
                figures = broker_killed(run, broker, prefix, profile["broker-killed"], work)
            elif scenario == "system-killed":
                figures = system_killed(run, bootstrap, prefix, profile["system-killed"], work)
            elif scenario == "redelivered":
                figures = redelivered(run, bootstrap, prefix, profile["redelivered"], work)
            else:
                figures = poison(
                    run, bootstrap, prefix, profile["poison"], profile["pipelines"], work
                )
        run.reconcile(figures)
    finally:
        run.stop()
    return figures


def _failover(contract: Contract, prefix: str, runs: int, calibration: int) -> Figures:
    """The failover scenario on a cluster of its own (three more JVMs), reconciled the same way."""
    cluster = start_jvm_cluster(BrokerSettings.from_env(os.environ), nodes=3, progress=print)
    try:
        replicated_topics(contract, cluster.info.bootstrap_servers, prefix, replicas=3)
        run = Run(contract, cluster.info.bootstrap_servers, prefix, calibration=calibration)
        try:
            figures = failover(run, cluster, prefix, runs)
            run.reconcile(figures)
        finally:
            run.stop()
    finally:
        cluster.stop()
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
