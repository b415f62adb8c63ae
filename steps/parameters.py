"""The typed parameters of the step phrases, and how a value written in Gherkin meets the wire.

Every step uses ``phrase(...)``, a ``parsers.parse`` with these types (toolchain-findings.md:
Scenario Outline parameters only reach steps through ``parsers.parse``)::

    {batch_type:BatchType}   GUEST or REGULAR
    "{pipeline:Name}"        one word in quotes: a pipeline, phase, status, reason or course
    {message:Message}        a message name of the contract, e.g. BatchPipelineCompletedV1
    {:Essays} {:Phases} ...  "essay" or "essays" (so "1 essay" and "4 essays" both read well)

Services are named as a reader would: "BOS", "the file service", "CJ assessment", "the LLM
provider", "class management" (``service_id``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pytest_bdd import parsers

from harness.contract import Contract
from harness.errors import ScenarioError


class _Word:
    """A parse type: text matching ``pattern`` (parse reads the ``pattern`` attribute)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __call__(self, value: str) -> str:
        return value


EXTRA_TYPES: dict[str, _Word] = {
    "BatchType": _Word(r"GUEST|REGULAR"),
    "Name": _Word(r"[A-Za-z0-9_.-]+"),
    "Message": _Word(r"[A-Za-z][A-Za-z0-9_]*"),
    "Essays": _Word(r"essays?"),
    "Phases": _Word(r"phases?"),
    "Pipelines": _Word(r"pipelines?"),
    "Completions": _Word(r"completions?"),
}


def phrase(text: str) -> parsers.parse:
    """A step phrase with the typed parameters above."""
    return parsers.parse(text, extra_types=EXTRA_TYPES)


def names(text: str) -> list[str]:
    """A comma-separated list ("spellcheck, cj_assessment"); "", "[]" or "(none)" is empty."""
    if text.strip() in ("", "[]", "(none)", "none"):
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def matches(actual: Any, expected: str) -> bool:
    """Whether a field's value is what the Gherkin table says (lists as comma lists)."""
    if isinstance(actual, list):
        return [str(item) for item in actual] == names(expected)
    return render(actual) == expected.strip()


def render(value: Any) -> str:
    """A field's value as a Gherkin table would write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(render(item) for item in value) or "(none)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_differences(data: Any, expected: Sequence[Sequence[str]]) -> list[str]:
    """Each ``| field | value |`` row the data does not match, said as expected vs seen."""
    differences = []
    for name, value in ((row[0], row[1]) for row in expected):
        actual = data.get(name, "<missing>") if hasattr(data, "get") else "<no data>"
        if actual == "<missing>" or not matches(actual, value):
            differences.append(f"{name}: expected {value!r}, saw {render(actual)!r}")
    return differences


def table_rows(
    datatable: Sequence[Sequence[str]], *, header: Sequence[str] = ()
) -> list[list[str]]:
    """The rows of a data table, without its header row when it has the given one."""
    rows = [list(row) for row in datatable]
    if header and rows and [cell.strip().lower() for cell in rows[0]] == list(header):
        rows = rows[1:]
    return [[cell.strip() for cell in row] for row in rows]


def service_id(contract: Contract, words: str) -> str:
    """The contract's id of the service ``words`` names ("the file service" -> file_service)."""
    wanted = _normal(words)
    for service in contract.services.values():
        if wanted in _names_of(service.id, service.title):
            return service.id
    known = ", ".join(sorted(s.title for s in contract.services.values()))
    raise ScenarioError(f"no service of the contract is called {words!r}; the services: {known}")


def _names_of(sid: str, title: str) -> set[str]:
    abbreviation = re.search(r"\(([^)]*)\)", title)
    plain = re.sub(r"\s*\([^)]*\)", "", title)
    found = {_normal(sid), _normal(sid.removesuffix("_service")), _normal(plain)}
    if abbreviation:
        found.add(_normal(abbreviation.group(1)))
    return found


def _normal(words: str) -> str:
    text = words.strip().lower().removeprefix("the ")
    text = re.sub(r"[\s_-]+", "_", text)
    return text.removesuffix("_service").removesuffix("_simulator")
