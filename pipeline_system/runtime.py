"""What every long-running command shares: a broker and a bus, signals, notes, run options.

``up``, ``run``, ``simulate`` and ``demo`` each get their Kafka the same way (``--bootstrap``,
the detached broker of this directory or ``--name``, or one started for the run) and stop the
same way (Ctrl-C or SIGTERM, ``kafka_broker.terminal.wait_for_interrupt``)::

    with running_bus(run_settings(args), broker_settings(args), note) as bus:
        ...
        wait_for_interrupt()

The broker comes from kafka_broker through its seam: the bus's bootstrap address in (or none),
a broker's address and lifetime out.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from harness.cli import PROG
from harness.cli import settings_from_args as harness_settings_from_args
from harness.contract import load_contract
from harness.exchanges import ExchangeLog, HttpExchange
from harness.kafka import KafkaBus, KafkaTuning
from harness.kafka.login import Login
from harness.security import ClusterLogins
from harness.settings import Settings
from kafka_broker import BrokerError, BrokerSettings, kafka_broker, read_detached
from kafka_broker.cli import add_bootstrap_option, add_name_option, settings_from_args
from kafka_broker.security import SaslCredentials
from kafka_broker.terminal import progress_printer


def reuse_detached(
    settings: Settings, broker: BrokerSettings, note: Callable[[str], None]
) -> tuple[Settings, BrokerSettings]:
    """Use the broker started with ``broker start --detach`` for this directory (or
    ``--name``) when none is named, with the login it recorded if it is secured; say which
    broker is joined, and why."""
    if settings.bootstrap_servers:
        note(
            f"joining the Kafka cluster at {settings.bootstrap_servers} (--bootstrap or "
            "KAFKA_BOOTSTRAP_SERVERS)"
        )
        return settings, replace(broker, secure=False)
    record = read_detached(broker)
    if record is not None and record.is_running():
        secured = " (secured)" if record.login else ""
        note(
            f"joining the detached broker at {record.bootstrap_servers}{secured} (recorded for "
            f"{broker.detached_scope})"
        )
        if broker.secure and record.login is None:
            raise BrokerError(
                f"--secure, but the detached broker at {record.bootstrap_servers} is not secured.",
                hint="stop it (`pipeline-harness broker stop`), or start it with "
                "`broker start --detach --secure`",
            )
        joined = replace(broker, secure=False, login=record.login or broker.login)
        return replace(settings, bootstrap_servers=record.bootstrap_servers), joined
    secured = " secured" if broker.secure else ""
    note(f"no detached broker for {broker.detached_scope}: starting one{secured} for this run")
    return settings, broker


def static_members(name: str, state: Path) -> KafkaTuning:
    """Consumers that are static group members named ``name`` and after the state they run
    on: a process killed -9 and started again on the same state takes its partitions back at
    once instead of after the dead members' session timeout (``serve``, ``up --state-dir``)."""
    digest = hashlib.sha1(str(state.resolve()).encode()).hexdigest()[:10]
    return KafkaTuning(group_instance=f"{name}-{digest}")


@contextmanager
def running_bus(
    settings: Settings,
    broker: BrokerSettings,
    note: Callable[[str], None],
    *,
    tuning: KafkaTuning | None = None,
) -> Iterator[KafkaBus]:
    """A broker (given, detached, or started now) and a started KafkaBus on it.

    ``settings.bootstrap_servers`` (``--bootstrap``, the environment or an env file) wins over
    the broker settings' own: it is the address this run was told to use.
    """
    settings, broker = reuse_detached(settings, broker, note)
    contract = load_contract(settings.contract_path)
    wanted = replace(broker, bootstrap_servers=settings.bootstrap_servers)
    with kafka_broker(wanted, progress=note) as info:
        bus = KafkaBus(
            contract,
            bootstrap_servers=info.bootstrap_servers,
            topic_prefix=settings.topic_prefix,
            tuning=tuning,
            credentials=info.login,
        )
        bus.start()
        try:
            yield bus
        finally:
            bus.stop()


def broker_login(login: Login) -> SaslCredentials:
    """A harness login in the broker package's terms (the two packages share no type)."""
    return SaslCredentials(login.username, login.password, login.mechanism)


note = progress_printer(PROG)
"""Progress lines for people (stderr): the one printer, kafka_broker.terminal's."""


def add_run_options(
    parser: argparse.ArgumentParser,
    *,
    topic_prefix_help: str = "prefix every topic (default: none, the real topic names)",
) -> None:
    """``--bootstrap``, ``--name`` and ``--topic-prefix``: where every run command's Kafka is."""
    add_bootstrap_option(parser)
    add_name_option(parser)
    parser.add_argument("--topic-prefix", default=None, help=topic_prefix_help)


def run_settings(args: argparse.Namespace) -> Settings:
    """The harness's settings for a run: contract, ``--bootstrap``, ``--topic-prefix``."""
    settings = harness_settings_from_args(args)
    if args.topic_prefix is not None:
        settings = replace(settings, topic_prefix=args.topic_prefix)
    return settings


def broker_settings(args: argparse.Namespace) -> BrokerSettings:
    """The broker's settings for a run: the environment's, with ``--bootstrap`` and ``--name``."""
    return settings_from_args(args)


def add_supervised_option(parser: argparse.ArgumentParser) -> None:
    """``--until-stdin-closes``: a child of ``up --processes`` ends with its supervisor."""
    parser.add_argument(
        "--until-stdin-closes",
        action="store_true",
        help="stop, as on SIGTERM, when standard input closes: a supervisor (`up --processes`) "
        "holds the other end, so its children end with it even when it is killed",
    )
    parser.add_argument(
        "--print-exchanges",
        action="store_true",
        help="print every HTTP exchange this process serves or makes, checked against the "
        "contract, as a line `EXCHANGE {json}` (a supervisor's wire check reads them)",
    )


EXCHANGE_LINE = "EXCHANGE "
"""How a supervised process's HTTP exchanges reach its supervisor, one per stdout line."""


def exchange_printer(args: argparse.Namespace) -> ExchangeLog | None:
    """With ``--print-exchanges``, a log that prints each exchange as it is recorded."""
    if not getattr(args, "print_exchanges", False):
        return None
    log = ExchangeLog()
    lock = threading.Lock()

    def print_exchange(exchange: HttpExchange) -> None:
        line = f"{EXCHANGE_LINE}{exchange.to_json()}\n"
        with lock:
            sys.stdout.write(line)
            sys.stdout.flush()

    log.listen(print_exchange)
    return log


def stop_when_stdin_closes(args: argparse.Namespace) -> threading.Event | None:
    """With ``--until-stdin-closes``, an event set at the end of standard input, for
    ``wait_for_interrupt(stop=...)``: the process then stops as on SIGTERM, but with no second
    signal that could cut its clean-up short."""
    if not getattr(args, "until_stdin_closes", False):
        return None
    closed = threading.Event()

    def watch() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        closed.set()

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()
    return closed


def add_service_login_option(parser: argparse.ArgumentParser) -> None:
    """``--logins FILE``: join a secured system as this service (``up --secure --logins``)."""
    parser.add_argument(
        "--logins",
        type=Path,
        metavar="FILE",
        help="a secured system's logins (`up --secure --logins FILE`): log in as this service, "
        "under the contract's ACLs",
    )


def service_broker_settings(args: argparse.Namespace, service_id: str) -> BrokerSettings:
    """The broker's settings for one service's process: with ``--logins``, its own login."""
    broker = broker_settings(args)
    if getattr(args, "logins", None):
        login = ClusterLogins.read(args.logins).of(service_id)
        broker = replace(broker, login=broker_login(login))
    return broker
