"""``pipeline-harness serve bos|bcs``: one reference service in its own OS process, on its own
persistent state, so that a test can SIGKILL it and start it again on the same state (issue 13).

``up --without bos`` runs everything else and prints the addresses the process needs::

    pipeline-harness serve bcs --bootstrap 127.0.0.1:9092 --database bcs.db --port 4002
    pipeline-harness serve bos --bootstrap 127.0.0.1:9092 --database bos.db --port 5001 \\
        --bcs-url http://127.0.0.1:4002

It prints ``BOS_URL http://...`` (or ``BCS_URL``), then ``running``; Ctrl-C or SIGTERM stops
it cleanly, SIGKILL leaves its SQLite file (WAL) to the next start.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from harness.cli import PROG
from harness.errors import UsageError
from harness.kafka import KafkaTuning
from kafka_broker.terminal import wait_for_interrupt
from pipeline_system.runtime import (
    add_run_options,
    add_service_login_option,
    add_supervised_option,
    exchange_printer,
    note,
    run_settings,
    running_bus,
    service_broker_settings,
    static_members,
    stop_when_stdin_closes,
)
from reference_impl import (
    BatchConductorService,
    BatchOrchestratorService,
    ConductorConfig,
    OrchestratorConfig,
)

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

SERVED = ("bos", "bcs")


def add_serve_command(commands: Subparsers) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the reference BOS or BCS in this process, on its own database",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run the reference BOS or BCS alone, in its consumer group, its state in a "
        "SQLite file, so that it can be killed and started again on the same state. `up "
        "--without bos` (or bcs) runs the rest of the system and prints the addresses.",
        epilog="examples:\n"
        f"  {PROG} serve bcs --bootstrap 127.0.0.1:9092 --database bcs.db --port 4002\n"
        f"  {PROG} serve bos --bootstrap 127.0.0.1:9092 --database bos.db --port 5001 "
        "--bcs-url http://127.0.0.1:4002",
    )
    serve.add_argument("service", choices=SERVED, help="the reference service to run")
    add_run_options(serve)
    add_service_login_option(serve)
    add_supervised_option(serve)
    serve.add_argument(
        "--database", type=Path, required=True, help="its SQLite file (created when missing)"
    )
    serve.add_argument("--port", type=int, default=0, help="its HTTP port (default: a free one)")
    serve.add_argument("--bcs-url", help="bos: BCS's base URL (BCS_URL of `up` or `serve bcs`)")
    serve.add_argument(
        "--phase-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="bos: fail a phase without an outcome after this long (default 300)",
    )
    serve.add_argument(
        "--entitlements-url", help="bos: the Entitlements Service (default: no credit check)"
    )
    serve.add_argument(
        "--dynamic-membership",
        action="store_true",
        help="join the consumer group as a dynamic member (default: a static one named after "
        "the database, which takes its partitions back at once after a kill -9 but holds them "
        "for the session timeout after a stop; `up --processes` starts many short runs)",
    )
    serve.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    if args.service == "bos" and not args.bcs_url:
        raise UsageError(
            "serve bos needs --bcs-url: BOS asks BCS for every pipeline.",
            hint="start BCS first (`serve bcs` or `up --without bos`) and pass its BCS_URL",
        )
    args.database.parent.mkdir(parents=True, exist_ok=True)
    tuning = (
        KafkaTuning() if args.dynamic_membership else static_members(args.service, args.database)
    )
    with running_bus(
        run_settings(args), service_broker_settings(args, args.service), note, tuning=tuning
    ) as bus:
        service: BatchOrchestratorService | BatchConductorService
        exchanges = exchange_printer(args)
        if args.service == "bos":
            config = OrchestratorConfig(
                http_port=args.port,
                database_path=args.database,
                bcs_url=args.bcs_url,
                phase_timeout_s=args.phase_timeout,
                entitlements_url=args.entitlements_url,
            )
            service = BatchOrchestratorService(bus.contract, bus, config, exchanges=exchanges)
        else:
            conductor = ConductorConfig(http_port=args.port, database_path=args.database)
            service = BatchConductorService(bus.contract, bus, conductor, exchanges=exchanges)
        service.start()
        try:
            service.wait_ready()
            print(f"{args.service.upper()}_URL {service.base_url}")
            print(f"state in {args.database}; consuming on {bus.bootstrap_servers}")
            wait_for_interrupt(
                lambda: print("running; Ctrl-C or SIGTERM stops it", flush=True),
                stop=stop_when_stdin_closes(args),
            )
        finally:
            service.stop()
    return 0
