"""``pipeline-harness up``: the simulated system hosting real services, with a live wire check.

Every HTTP endpoint a real service calls is served on a printed address; ``--without SERVICE``
prints the environment that service reads, then says when its consumer group joins; every
message on every channel (and every HTTP exchange served) is checked live, and Ctrl-C or SIGTERM
ends with a summary (``--report``, ``--fail-on-violation`` for CI).
"""

from __future__ import annotations

import argparse
import atexit
import json
import shutil
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from harness.acl import WIRE_CHECK
from harness.cli import PROG
from harness.errors import UsageError
from harness.kafka import KafkaBus, KafkaTuning
from harness.live import LiveWireCheck, WireSummary
from harness.observer import ContractObserver
from harness.report import write_report
from harness.rules import Judgement
from harness.security import SecuredCluster, secure_cluster
from kafka_broker.cli import add_secure_option
from kafka_broker.terminal import say, wait_for_interrupt
from pipeline_system.environment import ENV_KEYS, SystemAddresses, real_service_environment
from pipeline_system.processes import ProcessPlan, ProcessSystem, parse_replicas
from pipeline_system.runtime import (
    add_run_options,
    broker_login,
    broker_settings,
    note,
    run_settings,
    running_bus,
    static_members,
)
from pipeline_system.system import SimulatedSystem, build_system, without_option
from reference_impl import ConductorConfig, OrchestratorConfig

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

_EXAMPLES = f"""examples:
  {PROG} up
  {PROG} up --without spellchecker --env-file harness.env    # your real spellchecker joins
  {PROG} up --phase-timeout 600 --report reports/up --fail-on-violation
  {PROG} up --without bos --strict --fail-on-violation       # a real BOS, judged strict
  {PROG} up --secure --without spellchecker                  # ACLs enforced by the broker
  {PROG} up --processes --replicas spellchecker=2            # a process per service
  {PROG} up --state-dir state/                               # survives a kill -9 of up

then, from another terminal (BOS's address is printed, or in harness.env):
  . ./harness.env
  {PROG} run --env-file harness.env --essays 6                 # drive a batch, get a verdict
or by hand:
  curl -s -X POST "$BOS_URL/v1/batches/register" -H 'Content-Type: application/json' \\
       -d '{{"expected_essay_count": 3, "course_code": "ENG5", "user_id": "t1"}}'
  printf '%s\\t%s\\n' "$BATCH" "$ENVELOPE_JSON" | kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -P \\
       -t huleedu.commands.batch.pipeline.v1 -K '\\t'

--env-file keys: {", ".join(ENV_KEYS)}"""


def add_up_command(commands: Subparsers) -> None:
    up = commands.add_parser(
        "up",
        help="run the simulated system (a host for your real services) with a live wire check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Start a Kafka broker (or use --bootstrap / the detached one of this "
        "directory), the reference BOS and BCS and every simulator, serve every HTTP endpoint a "
        "real service calls, print the addresses, and check every message on every channel "
        "live until Ctrl-C or SIGTERM, then print a summary. --without SERVICE leaves a service "
        "out so that your real one takes its place: the environment it needs is printed.",
        epilog=_EXAMPLES,
    )
    add_run_options(up)
    up.add_argument("--without", **without_option())
    up.add_argument("--bos-port", type=int, default=0, help="BOS's HTTP port (default: free)")
    up.add_argument("--bcs-port", type=int, default=0, help="BCS's HTTP port (default: free)")
    up.add_argument("--content-port", type=int, default=0, help="the Content Service's port")
    up.add_argument("--bcs-url", help="a real BCS to call (with --without bcs)")
    up.add_argument("--database", type=Path, help="BOS's SQLite file (default: in memory)")
    up.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="keep every service's state in DIR (BOS's and BCS's SQLite, the texts, each "
        "simulator's memory): up killed and started again on DIR carries on where it was; "
        "its consumers are static group members named after DIR, so they take their "
        "partitions back at once instead of after the dead ones' session timeout",
    )
    add_secure_option(
        up,
        help="each service logs in as its own principal and the broker enforces the contract's "
        "ACLs (`pipeline-harness acl`): a secured local broker is started (or the detached "
        "secured one joined); with --bootstrap, KAFKA_SASL_USERNAME/PASSWORD must be an "
        "administrator of that cluster",
    )
    up.add_argument(
        "--logins",
        type=Path,
        metavar="FILE",
        help="with --secure: write every principal's login here as JSON (mode 0600)",
    )
    up.add_argument(
        "--processes",
        action="store_true",
        help="run every service in its own OS process (`serve` and `simulate` children, in "
        "their consumer groups); this process keeps the Content Service and the wire check. "
        "Faster when cores are free; takes a few seconds more to start (README: measured "
        "figures)",
    )
    up.add_argument(
        "--replicas",
        action="append",
        default=[],
        metavar="SERVICE=N",
        help="with --processes: N processes of one service sharing its partitions (repeatable; "
        "for the services that keep nothing between messages: spellchecker, nlp, llm_provider)",
    )
    up.add_argument(
        "--phase-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="a phase without an outcome for this long fails its pipeline (default 300)",
    )
    up.add_argument("--env-file", type=Path, help="write every address here as KEY=VALUE lines")
    up.add_argument(
        "--report", type=Path, metavar="PATH", help="write PATH.json and PATH.html at the end"
    )
    up.add_argument(
        "--fail-on-violation",
        action="store_true",
        help="exit 1 when anything broke the contract in a way that fails the run: a breaking "
        "finding, a dead letter, a rule breach of a simulated service (or, with --strict, of a "
        "real one)",
    )
    up.add_argument(
        "--strict",
        action="store_true",
        help="judge the real services left out (--without) by the contract's named clean rules "
        "too: their rule breaches fail the run instead of being reported (see "
        "`pipeline-harness rules`)",
    )
    up.set_defaults(func=run_up)


def run_up(args: argparse.Namespace) -> int:
    if args.logins and not args.secure:
        raise UsageError("--logins is for a secured run: add --secure")
    if args.replicas and not args.processes:
        raise UsageError(
            "--replicas runs several processes of a service: add --processes",
            hint=f"e.g. {PROG} up --processes --replicas spellchecker=2",
        )
    plan = _plan(args, parse_replicas(args.replicas)) if args.processes else None
    tuning = _static_members(args)
    with running_bus(run_settings(args), broker_settings(args), note, tuning=tuning) as bus:
        cluster = _secured(args, bus) if args.secure else None
        tap = cluster.bus(WIRE_CHECK) if cluster else bus
        tap.start()
        observer = ContractObserver(bus.contract, tap)
        observer.start()
        judgement = Judgement.for_run(
            bus.contract.services, without=args.without, strict=args.strict
        )
        live = LiveWireCheck(bus.contract, tap, observer, say=say, judgement=judgement)
        live.start()
        try:
            system = _system(args, bus, observer, cluster, plan, tuning)
            with system:
                addresses = SystemAddresses.of(
                    system, bootstrap=bus.bootstrap_servers, topic_prefix=bus.topic_prefix
                )
                _announce(args, system, addresses, cluster)
                watcher = GroupWatcher(
                    bus, [s for s in args.without if bus.contract.consumed_by(s)]
                )
                watcher.start()
                wait_for_interrupt()
                watcher.stop()
                died = system.died
        finally:
            summary = live.summary()
            live.stop()
            observer.stop()
            if tap is not bus:
                tap.stop()
    for line in died:
        note(f"a service process died while the system ran: {line}")
    code = _finish(args, summary, observer)
    if died:
        note("exit 1: a service process died (its last lines are above)")
        return 1
    return code


def _secured(args: argparse.Namespace, bus: KafkaBus) -> SecuredCluster:
    """Every service's login and the contract's ACLs on the cluster, as its administrator."""
    if bus.credentials is None:
        raise UsageError(
            f"--secure needs an administrator's login to the cluster at {bus.bootstrap_servers}",
            hint="set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, or drop --bootstrap to "
            "start a secured local broker",
        )
    cluster = secure_cluster(
        bus.contract, bus.bootstrap_servers, admin=bus.credentials, topic_prefix=bus.topic_prefix
    )
    note(
        f"secured: {len(cluster.logins.principals)} principals (one per service, and the wire "
        f"check), {len(cluster.acls)} ACLs from the contract"
    )
    if args.logins:
        cluster.logins.write(args.logins)
        note(f"logins written to {args.logins} (this user only)")
    return cluster


def _plan(args: argparse.Namespace, replicas: dict[str, int]) -> ProcessPlan:
    """The processes of ``--processes``, checked before any broker starts."""
    return ProcessPlan(
        without=frozenset(args.without),
        replicas=replicas,
        phase_timeout_s=args.phase_timeout,
        logins=args.logins,
        bos_port=args.bos_port,
        bcs_port=args.bcs_port,
        content_port=args.content_port,
        bos_database=args.database,
        state_dir=args.state_dir,
        bcs_url=args.bcs_url,
    )


def _system(
    args: argparse.Namespace,
    bus: KafkaBus,
    observer: ContractObserver,
    cluster: SecuredCluster | None,
    plan: ProcessPlan | None,
    tuning: KafkaTuning | None,
) -> SimulatedSystem | ProcessSystem:
    if plan is not None:
        return _processes(plan, bus, observer, cluster)

    def bus_of(service_id: str) -> KafkaBus:
        assert cluster is not None
        return cluster.bus(service_id, tuning=tuning)

    return build_system(
        bus.contract,
        bus,
        without=args.without,
        orchestrator=OrchestratorConfig(
            http_port=args.bos_port, database_path=args.database, phase_timeout_s=args.phase_timeout
        ),
        conductor=ConductorConfig(http_port=args.bcs_port),
        bcs_url=args.bcs_url,
        content_port=args.content_port,
        exchanges=observer.exchanges,
        content_over_http=True,
        bus_of=bus_of if cluster else None,
        state_dir=args.state_dir,
    )


def _static_members(args: argparse.Namespace) -> KafkaTuning | None:
    """With ``--state-dir`` (in this process): every consumer a static group member named
    after the directory, so that up killed -9 and started again on it takes its partitions
    back at once (measured by bench/faults.py --scenario system-killed), not after the dead
    members' session timeout. Children of ``--processes`` leave their groups as they stop."""
    if args.state_dir is None or args.processes:
        return None
    return static_members("up", args.state_dir)


def _processes(
    plan: ProcessPlan, bus: KafkaBus, observer: ContractObserver, cluster: SecuredCluster | None
) -> ProcessSystem:
    """Every service in its own process; on a secured cluster each logs in from a logins file
    (``--logins``, or one of this run's own, this user only, removed at the end)."""
    if cluster is not None and plan.logins is None:
        state = tempfile.mkdtemp(prefix="pipeline-harness-logins-")
        atexit.register(shutil.rmtree, state, ignore_errors=True)
        logins = Path(state) / "logins.json"
        cluster.logins.write(logins)
        plan = replace(plan, logins=logins)
    return ProcessSystem(
        bus.contract,
        bus,
        plan,
        bootstrap=bus.bootstrap_servers,
        topic_prefix=bus.topic_prefix,
        exchanges=observer.exchanges,
        say=say,
    )


def _announce(
    args: argparse.Namespace,
    system: SimulatedSystem | ProcessSystem,
    addresses: SystemAddresses,
    cluster: SecuredCluster | None,
) -> None:
    for key in ENV_KEYS:
        value = addresses.values.get(key)
        if value:
            print(f"{key:<24} {value}")
    simulated = ", ".join(system.services) or "none"
    where = "each in its own process" if args.processes else "in this process"
    print(f"simulated ({where}): {simulated}; phase timeout {args.phase_timeout:g} s")
    if args.env_file:
        addresses.write_env_file(args.env_file)
        print(f"addresses written to {args.env_file}")
    for service_id in args.without:
        print(f"\n# {service_id} is left out: start the real one with this environment")
        login = broker_login(cluster.logins.of(service_id)) if cluster else None
        print(real_service_environment(service_id, addresses, login=login))
    print(
        "\nrunning; the wire check prints what breaks the contract. Ctrl-C or SIGTERM stops "
        "everything and prints the summary.",
        flush=True,
    )


def _finish(args: argparse.Namespace, summary: WireSummary, observer: ContractObserver) -> int:
    print("\n== summary ==")
    print("\n".join(summary.lines()), flush=True)
    if args.report:
        _write_reports(args.report, summary, observer)
    if args.fail_on_violation and summary.broken:
        note("exit 1: the contract was broken (--fail-on-violation)")
        return 1
    return 0


def _write_reports(base: Path, summary: WireSummary, observer: ContractObserver) -> None:
    base.parent.mkdir(parents=True, exist_ok=True)
    json_path = base.with_suffix(".json")
    json_path.write_text(json.dumps(summary.to_json(), indent=2), encoding="utf-8")
    html_path = write_report(
        observer.messages(),
        observer.contract,
        base.with_suffix(".html"),
        title="pipeline-harness up",
        summary=summary.lines()[:1],
        exchanges=observer.exchanges.exchanges(),
    )
    note(f"reports written: {json_path}, {html_path}")


class GroupWatcher:
    """Says when a left-out service's consumer group gains (or loses) its members."""

    def __init__(self, bus: KafkaBus, services: list[str], *, poll_s: float = 1.0) -> None:
        self.bus = bus
        self.groups = {s: bus.contract.service(s).consumer_group for s in services}
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="group-watcher", daemon=True)

    def start(self) -> None:
        if self.groups:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _watch(self) -> None:
        members = dict.fromkeys(self.groups, 0)
        for service, group in self.groups.items():
            say(f"waiting for the real {service} to join consumer group {group} ...")
        while not self._stop.wait(self.poll_s):
            for service, group in self.groups.items():
                now = self.bus.group_members(group)
                if now and not members[service]:
                    say(f"{service} joined: consumer group {group} has {now} member(s)")
                elif members[service] and not now:
                    say(f"{service} left: consumer group {group} has no members")
                members[service] = now
