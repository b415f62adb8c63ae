"""``pipeline-harness acl``: print the contract's ACLs, or apply them to a secured cluster.

Printing needs only the contract. ``--apply`` logs in to the cluster as its administrator
(``KAFKA_SASL_USERNAME`` / ``KAFKA_SASL_PASSWORD``, or the login the detached secured broker of
this directory recorded: ``broker start --detach --secure``), adds the ACLs through the admin
API, reads back what the cluster holds and says what of the contract's is there; with
``--logins FILE`` it also adds a SCRAM login for every principal and writes them to FILE;
with ``--prune`` it removes what those principals hold that the contract no longer gives them
(harness.acl.stale_acls), so that after a contract change the cluster holds exactly its ACLs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from harness.acl import Acl, contract_acls, principal_of, stale_acls
from harness.cli import PROG, settings_from_args
from harness.contract import Contract, load_contract
from harness.errors import UsageError
from harness.kafka.login import Login
from harness.kafka.security_admin import SecurityAdmin
from harness.security import ClusterLogins
from harness.settings import Settings
from kafka_broker.detached import read_detached
from kafka_broker.settings import BrokerSettings

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def add_acl_command(commands: Subparsers) -> None:
    prog, settings_of = PROG, settings_from_args
    acl = commands.add_parser(
        "acl",
        help="the Kafka ACLs the contract's operations give each service (print or --apply)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Print the least privilege each service needs on a broker with an "
        "authorizer, read from the contract's operations: WRITE on the topics it sends, READ "
        "on those it receives and on its consumer group, WRITE on the dead-letter topic, "
        "nothing else; the wire check (User:wire_check) reads every topic. Principals are "
        "User:<service id>. The list is what to apply to an external cluster (kafka-acls or "
        "the admin API); --apply does it through the admin API, as the cluster's "
        "administrator.",
        epilog="examples:\n"
        f"  {prog} acl\n"
        f"  {prog} acl --service spellchecker\n"
        f"  {prog} acl --format json --topic-prefix staging. > acls.json\n"
        f"  {prog} broker start --detach --secure && {prog} acl --apply --logins logins.json\n"
        f"  {prog} acl --apply --prune --topic-prefix staging.\n"
        f"  KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD=... {prog} acl --apply "
        "--bootstrap kafka:9092",
    )
    acl.add_argument("--service", help="only this service's ACLs (a service id: bos, els...)")
    acl.add_argument("--topic-prefix", default="", help="put this prefix on every topic name")
    acl.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one line per ACL (default); json: a list of {principal, operation, "
        "resource_type, resource_name, pattern}",
    )
    acl.add_argument(
        "--apply",
        action="store_true",
        help="add the ACLs to the cluster (--bootstrap, else the detached broker of this "
        "directory) as its administrator: KAFKA_SASL_USERNAME/PASSWORD, else the detached "
        "secured broker's recorded login",
    )
    acl.add_argument(
        "--prune",
        action="store_true",
        help="with --apply: also remove what the cluster holds for these principals that the "
        "contract no longer gives them: group ACLs (shared by every run on the cluster), and "
        "topic ACLs whose name starts with --topic-prefix (a longer prefix, staging.eu. "
        "under staging., too; without a prefix, every topic); other principals' ACLs are "
        "never touched",
    )
    acl.add_argument("--bootstrap", metavar="HOST:PORT", help="with --apply: this cluster")
    acl.add_argument(
        "--logins",
        type=Path,
        metavar="FILE",
        help="with --apply: also add a SCRAM login for every principal (fresh passwords) and "
        "write them here as JSON (mode 0600)",
    )
    acl.set_defaults(func=lambda args: run_acl(args, settings_of(args)))


def run_acl(args: argparse.Namespace, settings: Settings) -> int:
    if (args.bootstrap or args.logins or args.prune) and not args.apply:
        raise UsageError("--bootstrap, --logins and --prune go with --apply")
    contract = load_contract(settings.contract_path, with_http=False)
    acls = contract_acls(contract, topic_prefix=args.topic_prefix)
    if args.service:
        wanted = principal_of(contract.service(args.service).id)
        acls = [a for a in acls if a.principal == wanted]
    if args.apply:
        return _apply(args, settings, contract, acls)
    if args.format == "json":
        print(json.dumps([a.as_json() for a in acls], indent=2))
    else:
        print("\n".join(a.render() for a in acls))
    principals = len({a.principal for a in acls})
    print(f"{len(acls)} ACLs for {principals} principal(s)", file=sys.stderr)
    return 0


def _apply(
    args: argparse.Namespace, settings: Settings, contract: Contract, acls: list[Acl]
) -> int:
    address, admin = _administrator(args, settings)
    security = SecurityAdmin(address, admin)
    if args.logins:
        logins = ClusterLogins.for_contract(contract, admin)
        if args.service:
            logins = replace(logins, principals={args.service: logins.of(args.service)})
        security.upsert_logins(logins.principals.values())
        logins.write(args.logins)
        print(f"added {len(logins.principals)} logins; written to {args.logins} (this user only)")
    security.create_acls(acls)
    held = set(security.acls())
    stale = stale_acls(held, acls, topic_prefix=args.topic_prefix)
    if args.prune and stale:
        security.delete_acls(stale)
        held = set(security.acls())  # read back: what the cluster holds now
    missing = [a for a in acls if a not in held]
    print(f"applied {len(acls)} ACLs to {address}; the cluster holds {len(acls) - len(missing)}")
    for acl in stale:
        if not args.prune:
            print(f"  not from the contract (left alone; --prune removes it): {acl.render()}")
        elif acl in held:
            print(f"  not removed: {acl.render()}", file=sys.stderr)
        else:
            print(f"  removed, not from the contract: {acl.render()}")
    for acl in missing:
        print(f"  missing: {acl.render()}", file=sys.stderr)
    return 1 if missing or (args.prune and any(a in held for a in stale)) else 0


def _administrator(args: argparse.Namespace, settings: Settings) -> tuple[str, Login]:
    """Where to apply, and as whom: --bootstrap and the environment's login, else the
    detached secured broker's record."""
    broker = BrokerSettings.from_env(os.environ)
    address = args.bootstrap or settings.bootstrap_servers
    record = None if address else read_detached(broker)
    if record is not None and record.is_running():
        address = record.bootstrap_servers
    if not address:
        raise UsageError(
            "acl --apply needs a cluster: give --bootstrap HOST:PORT, or start one with "
            "`pipeline-harness broker start --detach --secure`"
        )
    login = broker.login or (record.login if record is not None else None)
    if login is None:
        raise UsageError(
            f"acl --apply needs the administrator's login to {address}.",
            hint="set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (and KAFKA_SASL_MECHANISM if "
            "not SCRAM-SHA-512)",
        )
    return address, login
