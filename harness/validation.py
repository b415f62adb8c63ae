"""Checking envelopes and payloads against the contract, fast or with a full explanation.

Two levels (harness.rules): a finding is ``breaking`` (the real consumers would reject or
misroute the message) or breaks a named clean ``rule`` of the contract's ``x-rules``. One schema
source yields both: the **strict** schema is the document as written, the **compatible** one
drops the keywords that ``x-rule``-marked nodes hand to their rules.

Two paths over the same schemas:

- ``verdict`` (and ``is_valid`` = clean, ``is_compatible`` = not breaking): a fast answer from
  jsonschema-rs (compiled once per schema): one strict check for a clean message, one more,
  compatible, for one that is not. It compiles the schemas under Draft 2019-09, whose ``uuid``
  format jsonschema-rs checks natively (a Python format callback costs 4x). The two drafts agree
  on this contract because no ``$ref`` has validating siblings (Draft 7 ignores them, 2019-09
  applies them): the lint's ``ref-siblings`` rule keeps it so.
- ``explain`` / ``explain_data``: every finding, each with its JSON pointer, reason, level and
  rule id, from python-jsonschema (Draft 7, the dialect AsyncAPI Schema extends), for the
  message a person reads. Breaking findings are the compatible schema's errors; a rule's
  findings are those that appear when that one rule is put back.

The two paths agree on every verdict (tests/unit/test_rule_levels.py checks it). Formats are
really checked on both paths: ``uuid`` and ``date-time`` (RFC 3339).

Example::

    validator = ContractValidator(contract)
    channel = contract.channel("huleedu.pipeline.denied.v1")
    validator.verdict(channel, envelope)        # Verdict.RULES: a naive denied_at
    for violation in validator.explain(channel, envelope):
        print(violation.label, violation)       # rule utc-timestamps ... /data/denied_at: ...
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from harness.contract import Channel, Contract
from harness.errors import ContractViolation, Violation
from harness.rules import Level, Verdict, relaxed

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
        self._schema_rules = tuple(r.id for r in contract.rules.values() if r.tightens)
        self._documents: dict[str, Mapping[str, Any]] = {STRICT: contract.schema_root}
        self._registries: dict[str, Registry[Any]] = {}

    # -- the fast path ---------------------------------------------------------------------

    def verdict(self, channel: Channel, envelope: Any) -> Verdict:
        """Clean, breaking only rules, or breaking, for ``envelope`` as a whole message."""
        return self.verdict_at(channel.message.payload_pointer, envelope)

    def verdict_data(self, channel: Channel, data: Any) -> Verdict:
        """The verdict on ``data`` as the payload (the envelope's ``data``) of ``channel``."""
        return self.verdict_at(channel.message.data_pointer, data)

    def verdict_at(self, pointer: str, instance: Any) -> Verdict:
        """The verdict for the schema at ``pointer`` (``#/x-openapi/paths/...`` for HTTP)."""
        if self._fast_validator(STRICT, pointer)(instance):
            return Verdict.CLEAN
        if self._fast_validator(COMPATIBLE, pointer)(instance):
            return Verdict.RULES
        return Verdict.BREAKING

    def is_valid(self, channel: Channel, envelope: Any) -> bool:
        """True when ``envelope`` breaks nothing, not even a rule (the strict schema)."""
        return self._fast_validator(STRICT, channel.message.payload_pointer)(envelope)

    def is_valid_data(self, channel: Channel, data: Any) -> bool:
        """True when ``data`` is a payload of ``channel`` that breaks nothing."""
        return self._fast_validator(STRICT, channel.message.data_pointer)(data)

    def is_compatible(self, channel: Channel, envelope: Any) -> bool:
        """True when the real consumers accept ``envelope`` (no breaking finding)."""
        return self._fast_validator(COMPATIBLE, channel.message.payload_pointer)(envelope)

    # -- the explaining path ---------------------------------------------------------------

    def explain(self, channel: Channel, envelope: Any) -> list[Violation]:
        """Every way ``envelope`` breaks the contract for ``channel`` (empty when clean):
        breaking findings first, then rule breaches."""
        return self._violations(channel, channel.message.payload_pointer, envelope)

    def explain_data(self, channel: Channel, data: Any) -> list[Violation]:
        """Every way ``data`` breaks the payload schema of ``channel``."""
        return self._violations(channel, channel.message.data_pointer, data)

    def check(self, channel: Channel, envelope: Any, *, strict: bool = True) -> None:
        """Raise ContractViolation if ``envelope`` breaks the contract: anything at all when
        ``strict`` (this project's own services), only breaking findings otherwise."""
        verdict = self.verdict(channel, envelope)
        if verdict.fails(strict=strict):
            raise ContractViolation(self.explain(channel, envelope) or self._unexplained(channel))

    def check_data(self, channel: Channel, data: Any, *, strict: bool = True) -> None:
        """Raise ContractViolation unless ``data`` is a valid payload for ``channel``."""
        if self.verdict_data(channel, data).fails(strict=strict):
            raise ContractViolation(self.explain_data(channel, data) or self._unexplained(channel))

    def without_unknown_fields(self, channel: Channel, envelope: Any) -> Any:
        """``envelope`` less the keys a rule's ``additionalProperties`` refuses (a copy), as
        a real consumer's model (pydantic ``extra="ignore"``) drops them on parsing; ``envelope``
        itself when it has none."""
        pointer = channel.message.payload_pointer
        owners = [
            r.id for r in self.contract.rules.values() if "additionalProperties" in r.tightens
        ]
        if not owners or self._fast_validator(f"{RULE}{owners[0]}", pointer)(envelope):
            return envelope
        pruned = copy.deepcopy(envelope)
        errors = list(self._full_validator(f"{RULE}{owners[0]}", pointer).iter_errors(pruned))
        for error in _unknown_field_errors(errors):
            schema, instance = error.schema, error.instance
            if not isinstance(schema, Mapping) or not isinstance(instance, dict):
                continue
            declared = schema.get("properties") or {}
            patterns = schema.get("patternProperties") or {}
            for key in [k for k in instance if k not in declared]:
                if not any(re.search(p, key) for p in patterns):
                    del instance[key]
        return pruned

    # -- any schema of the contract, by pointer (HTTP bodies and parameters) -----------------

    def is_valid_at(self, pointer: str, instance: Any) -> bool:
        """The fast strict answer for the schema at ``pointer`` (``#/x-openapi/paths/...``)."""
        return self._fast_validator(STRICT, pointer)(instance)

    def explain_at(self, pointer: str, instance: Any, *, where: str, what: str) -> list[Violation]:
        """Every finding against the schema at ``pointer``; ``where``/``what`` name the place
        (``POST /v1/content``, ``request body``) in each Violation."""
        return self._explained(pointer, instance, where, what)

    # -- compiled validators, once per schema variant ----------------------------------------

    def _document(self, variant: str) -> Mapping[str, Any]:
        """The schema root of one variant: strict, compatible, or ``rule:<id>`` (compatible
        plus that one rule)."""
        if variant not in self._documents:
            if variant.startswith(WITHOUT):
                drop = [variant.removeprefix(WITHOUT)]
            else:
                kept = variant.removeprefix(RULE) if variant.startswith(RULE) else None
                drop = [rid for rid in self._schema_rules if rid != kept]
            self._documents[variant] = relaxed(
                self.contract.schema_root, rules=self.contract.rules, drop=drop
            )
        return self._documents[variant]

    def _registry(self, variant: str) -> Registry[Any]:
        resource = Resource.from_contents(
            dict(self._document(variant)), default_specification=DRAFT7
        )
        registry: Registry[Any] = Registry().with_resource(_CONTRACT_URI, resource)
        return registry

    def _fast_validator(self, variant: str, pointer: str) -> Callable[[Any], bool]:
        key = (variant, pointer)
        if key not in self._fast:
            rooted = {**self._document(variant), "$ref": pointer}
            # every $ref inlined: 20% faster per message than resolving them; a recursive or
            # unresolvable $ref keeps the rooted document, which resolves it
            with contextlib.suppress(jsonschema_rs.ReferencingError, ValueError, RecursionError):
                rooted = jsonschema_rs.dereference(rooted)
            compiled = jsonschema_rs.Draft201909Validator(rooted, validate_formats=True)
            self._fast[key] = compiled.is_valid
        return self._fast[key]

    def _full_validator(self, variant: str, pointer: str) -> jsonschema.Draft7Validator:
        key = (variant, pointer)
        if key not in self._full:
            if variant not in self._registries:
                self._registries[variant] = self._registry(variant)
            self._full[key] = jsonschema.Draft7Validator(
                {"$ref": _CONTRACT_URI + pointer},
                registry=self._registries[variant],
                format_checker=_format_checker(),
            )
        return self._full[key]

    def _violations(self, channel: Channel, pointer: str, instance: Any) -> list[Violation]:
        return self._explained(pointer, instance, channel.address, channel.message.name)

    def _explained(self, pointer: str, instance: Any, where: str, what: str) -> list[Violation]:
        if self._full_validator(STRICT, pointer).is_valid(instance):
            return []  # clean: relaxing only loosens (lint keeps marks out of not/oneOf)
        breaking = self._errors(COMPATIBLE, pointer, instance, where, what)
        broken_at = {v.pointer for v in breaking}  # a breaking finding there says it all
        breaches = [
            replace(v, level=Level.RULE, rule=rid)
            for rid in self._schema_rules
            for v in self._errors(f"{RULE}{rid}", pointer, instance, where, what)
            if v.pointer not in broken_at
        ]
        if not breaking and not breaches:
            breaches = self._breaches_together(pointer, instance, where, what)
        return breaking + breaches

    def _breaches_together(
        self, pointer: str, instance: Any, where: str, what: str
    ) -> list[Violation]:
        """Rules that fail only together (an unknown key inside a typed-but-nullable object):
        each rule whose removal alone lets the strict schema pass is laid the findings of the
        strict schema."""
        implicated = [
            rid
            for rid in self._schema_rules
            if self._full_validator(f"{WITHOUT}{rid}", pointer).is_valid(instance)
        ] or list(self._schema_rules[:1])
        also = f" (together with rule {', '.join(implicated[1:])})" if implicated[1:] else ""
        return [
            replace(v, reason=v.reason + also, level=Level.RULE, rule=implicated[0])
            for v in self._errors(STRICT, pointer, instance, where, what)
        ]

    def _errors(
        self, variant: str, pointer: str, instance: Any, where: str, what: str
    ) -> list[Violation]:
        errors = sorted(
            self._full_validator(variant, pointer).iter_errors(instance),
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


STRICT = "strict"
COMPATIBLE = "compatible"
RULE = "rule:"
"""``rule:<id>``: the compatible schema plus that one rule."""
WITHOUT = "without:"
"""``without:<id>``: the strict schema less that one rule."""


def _unknown_field_errors(
    errors: list[jsonschema.ValidationError],
) -> list[jsonschema.ValidationError]:
    """The ``additionalProperties`` errors, also those inside anyOf/oneOf branches (an extra
    key in a nullable object), each object once."""
    found: dict[int, jsonschema.ValidationError] = {}
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            found.setdefault(id(error.instance), error)
        for sub in _unknown_field_errors(list(error.context or ())):
            found.setdefault(id(sub.instance), sub)
    return list(found.values())


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
