"""Checking envelopes and payloads against the contract, fast or with a full explanation.

Two paths over the same schemas:

- ``is_valid`` / ``is_valid_data``: a yes/no answer from jsonschema-rs (compiled once per channel),
  for the wire check that sees every message. It compiles the same schemas under Draft 2019-09,
  whose ``uuid`` format jsonschema-rs checks natively (a Python format callback costs 4x). The two
  drafts agree on this contract because no ``$ref`` has validating siblings (Draft 7 ignores
  them, 2019-09 applies them): the lint's ``ref-siblings`` rule keeps it so.
- ``explain`` / ``explain_data``: every error, each with its JSON pointer and reason, from
  python-jsonschema (Draft 7, the dialect AsyncAPI Schema extends), for the message a person reads.

Formats are really checked on both paths: ``uuid`` and ``date-time`` (RFC 3339).

Example::

    validator = ContractValidator(contract)
    channel = contract.channel("huleedu.els.batch.phase.outcome.v1")
    if not validator.is_valid(channel, envelope):
        for violation in validator.explain(channel, envelope):
            print(violation)          # ... /data/phase_status: 'done' is not one of [...]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from typing import Any

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from harness.contract import Channel, Contract
from harness.errors import ContractViolation, Violation

_CONTRACT_URI = "urn:huleedu:contract"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value: object) -> bool:
    """RFC 4122 textual form, as the real system writes UUIDs (``str(uuid)``)."""
    return not isinstance(value, str) or bool(_UUID.match(value))


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    checker.checks("uuid")(is_uuid)  # the Draft 7 checker has no uuid of its own
    return checker


class ContractValidator:
    """Validates envelopes (or ``data`` payloads alone) for a channel of one contract."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._fast: dict[tuple[str, str], Callable[[Any], bool]] = {}
        self._full: dict[tuple[str, str], jsonschema.Draft7Validator] = {}

    # -- the fast path ---------------------------------------------------------------------

    def is_valid(self, channel: Channel, envelope: Any) -> bool:
        """True when ``envelope`` is a valid whole message for ``channel``."""
        return self._fast_validator(channel.message.payload_pointer)(envelope)

    def is_valid_data(self, channel: Channel, data: Any) -> bool:
        """True when ``data`` is a valid payload (the envelope's ``data``) for ``channel``."""
        return self._fast_validator(channel.message.data_pointer)(data)

    # -- the explaining path ---------------------------------------------------------------

    def explain(self, channel: Channel, envelope: Any) -> list[Violation]:
        """Every way ``envelope`` breaks the contract for ``channel`` (empty when valid)."""
        return self._violations(channel, channel.message.payload_pointer, envelope)

    def explain_data(self, channel: Channel, data: Any) -> list[Violation]:
        """Every way ``data`` breaks the payload schema of ``channel``."""
        return self._violations(channel, channel.message.data_pointer, data)

    def check(self, channel: Channel, envelope: Any) -> None:
        """Raise ContractViolation (with every violation) unless ``envelope`` is valid."""
        if not self.is_valid(channel, envelope):
            raise ContractViolation(self.explain(channel, envelope) or self._unexplained(channel))

    # -- any schema of the contract, by pointer (HTTP bodies and parameters) -----------------

    def is_valid_at(self, pointer: str, instance: Any) -> bool:
        """The fast answer for the schema at ``pointer`` (``#/x-openapi/paths/...``)."""
        return self._fast_validator(pointer)(instance)

    def explain_at(self, pointer: str, instance: Any, *, where: str, what: str) -> list[Violation]:
        """Every error against the schema at ``pointer``; ``where``/``what`` name the place
        (``POST /v1/content``, ``request body``) in each Violation."""
        return self._explained(pointer, instance, where, what)

    def check_data(self, channel: Channel, data: Any) -> None:
        """Raise ContractViolation unless ``data`` is a valid payload for ``channel``."""
        if not self.is_valid_data(channel, data):
            raise ContractViolation(self.explain_data(channel, data) or self._unexplained(channel))

    # -- compiled validators, once per schema ----------------------------------------------

    @cached_property
    def _registry(self) -> Registry[Any]:
        resource = Resource.from_contents(
            dict(self.contract.schema_root), default_specification=DRAFT7
        )
        registry: Registry[Any] = Registry().with_resource(_CONTRACT_URI, resource)
        return registry

    def _rooted(self, pointer: str) -> dict[str, Any]:
        """The document itself, rooted at ``pointer`` so that local ``$ref``s keep resolving."""
        return {**self.contract.schema_root, "$ref": pointer}

    def _fast_validator(self, pointer: str) -> Callable[[Any], bool]:
        key = ("fast", pointer)
        if key not in self._fast:
            compiled = jsonschema_rs.Draft201909Validator(
                self._rooted(pointer), validate_formats=True
            )
            self._fast[key] = compiled.is_valid
        return self._fast[key]

    def _full_validator(self, pointer: str) -> jsonschema.Draft7Validator:
        key = ("full", pointer)
        if key not in self._full:
            self._full[key] = jsonschema.Draft7Validator(
                {"$ref": _CONTRACT_URI + pointer},
                registry=self._registry,
                format_checker=_format_checker(),
            )
        return self._full[key]

    def _violations(self, channel: Channel, pointer: str, instance: Any) -> list[Violation]:
        return self._explained(pointer, instance, channel.address, channel.message.name)

    def _explained(self, pointer: str, instance: Any, where: str, what: str) -> list[Violation]:
        errors = sorted(
            self._full_validator(pointer).iter_errors(instance),
            key=lambda e: [str(p) for p in e.absolute_path],
        )
        return [
            Violation(
                channel=where,
                message=what,
                pointer=_json_pointer(error.absolute_path),
                reason=_reason(error),
            )
            for leaf in errors
            for error in _leaves(leaf)
        ]

    def _unexplained(self, channel: Channel) -> list[Violation]:
        # The two engines disagree (never seen); still refuse, and say so.
        return [Violation(channel.address, channel.message.name, "", "rejected by the fast path")]


def _leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The most specific errors: an allOf/anyOf failure is explained by its sub-errors."""
    if error.validator in ("allOf",) and error.context:
        return [leaf for sub in error.context for leaf in _leaves(sub)]
    return [error]


def _json_pointer(path: Any) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""


def _reason(error: jsonschema.ValidationError) -> str:
    if error.validator == "anyOf" and error.context:
        reasons = sorted({sub.message for sub in error.context})
        return "matches none of the allowed forms: " + " | ".join(reasons[:3])
    return str(error.message)
