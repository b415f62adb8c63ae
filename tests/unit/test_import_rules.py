"""Who may import what (issue 14), read from the source with ast: every import counts, at the
top, in a function, under ``if TYPE_CHECKING:``, and ``importlib.import_module("...")``.

- One module family imports the Kafka client: the bus (``harness.kafka``) and the broker's own
  probes (``kafka_broker.probes``, as the broker stands alone); client errors become ours there.
- The broker package stands alone: ``kafka_broker`` and its tests (tests/broker) import nothing
  of the project's other packages.
- The harness meets the broker only at the seam: it imports nothing of ``kafka_broker`` (its
  pytest plugin asks for the ``kafka_bootstrap`` fixture; the composition root wires the rest).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kafka_broker", "harness", "simulators", "reference_impl", "steps", "pipeline_system")
KAFKA_CLIENT = "confluent_kafka"
KAFKA_CLIENT_FAMILY = ("harness.kafka", "kafka_broker.probes")


@dataclass(frozen=True)
class Import:
    """One import in one module: which module it stands in, where, and what it imports."""

    module: str
    path: Path
    line: int
    target: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.target}"


Rule = Callable[[Import], bool]
"""True when the import breaks the rule."""


def imports_under(root: Path, folders: Iterable[str]) -> Iterator[Import]:
    """Every import in every .py file of ``folders`` (relative to ``root``)."""
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                for target in _targets(node, package):
                    yield Import(module, path.relative_to(root), node.lineno, target)


def _targets(node: ast.AST, package: str) -> list[str]:
    """The absolute module names one node imports (none when it is not an import)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if not node.level:
            return [node.module or ""]
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        return [".".join([*base, *([node.module] if node.module else [])])]
    if isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [first.value]
    return []


def _is_dynamic_import(func: ast.expr) -> bool:
    """``importlib.import_module(...)``, ``import_module(...)`` or ``__import__(...)``."""
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def _within(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def kafka_client_outside_its_family(found: Import) -> bool:
    return _within(found.target, [KAFKA_CLIENT]) and not _within(found.module, KAFKA_CLIENT_FAMILY)


def broker_reaching_into_the_project(found: Import) -> bool:
    others = [p for p in PACKAGES if p != "kafka_broker"]
    return _within(found.target, others)


def harness_reaching_into_the_broker(found: Import) -> bool:
    return _within(found.target, ["kafka_broker"])


def breaches(root: Path, folders: Iterable[str], rule: Rule) -> list[str]:
    return [str(found) for found in imports_under(root, folders) if rule(found)]


def test_only_the_bus_family_and_the_broker_probes_import_the_kafka_client() -> None:
    found = list(imports_under(ROOT, PACKAGES))
    assert len(found) > 500, "the scan found too few imports to mean anything"
    users = {i.module for i in found if _within(i.target, [KAFKA_CLIENT])}
    assert "kafka_broker.probes" in users and "harness.kafka.consumer" in users
    assert breaches(ROOT, PACKAGES, kafka_client_outside_its_family) == []


def test_the_broker_package_and_its_tests_import_nothing_of_the_project() -> None:
    folders = ["kafka_broker", "tests/broker"]
    assert breaches(ROOT, folders, broker_reaching_into_the_project) == []


def test_the_harness_meets_the_broker_only_through_the_seam() -> None:
    assert breaches(ROOT, ["harness"], harness_reaching_into_the_broker) == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_rules_catch_every_kind_of_violation(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "harness/__init__.py": "",
            "harness/kafka/__init__.py": "",
            "harness/kafka/bus.py": "from confluent_kafka import Producer\n",  # allowed
            "harness/observer.py": "def tap():\n    from confluent_kafka import Consumer\n",
            "harness/typing_only.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    import confluent_kafka.admin as admin\n"
            ),
            "harness/late.py": "import importlib\nimportlib.import_module('confluent_kafka')\n",
            "harness/seam.py": "from kafka_broker.info import BrokerInfo\n",
            "kafka_broker/__init__.py": "from . import probes\n",
            "kafka_broker/probes.py": "from confluent_kafka.admin import AdminClient\n",  # allowed
            "kafka_broker/jvm.py": "from harness.errors import HarnessError\n",
            "kafka_broker/sub/__init__.py": "from ..probes import describe\n",  # its own: fine
        },
    )
    folders = ["harness", "kafka_broker"]

    assert breaches(tmp_path, folders, kafka_client_outside_its_family) == [
        "harness/late.py:2: harness.late imports confluent_kafka",
        "harness/observer.py:2: harness.observer imports confluent_kafka",
        "harness/typing_only.py:3: harness.typing_only imports confluent_kafka.admin",
    ]
    assert breaches(tmp_path, ["kafka_broker"], broker_reaching_into_the_project) == [
        "kafka_broker/jvm.py:1: kafka_broker.jvm imports harness.errors",
    ]
    assert breaches(tmp_path, ["harness"], harness_reaching_into_the_broker) == [
        "harness/seam.py:1: harness.seam imports kafka_broker.info",
    ]
