"""Validation throughput: the fast path against python-jsonschema, side by side in one run.

    python bench/validation_throughput.py [--seconds 2]

Both validate the same envelopes (every example of the contract, in turn) for the same channels.
"python-jsonschema" is jsonschema's cached Draft7Validator with the contract in a referencing
registry and formats on, as toolchain-findings.md measured it (~1.5k/s). The fast path is
ContractValidator.is_valid (jsonschema-rs). Also shown: the fast path including json.loads of
the wire bytes, which is what the wire check pays per message, and the two-level verdict on
messages that break only a named rule (a naive timestamp: one strict and one compatible check).
Goal: fast path >= 100x.

The wire check decodes before it validates: "decoded and validated" is that whole step, with
the standard json.loads (the path before issue 16) beside harness.envelope.decode_json_object
(msgspec, falling back to json for what msgspec refuses), on the same bytes, after checking
that both give the same verdict on every case. Goal (issue 16): >= 200k messages/s.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from harness.contract import load_contract
from harness.envelope import decode_json_object
from harness.validation import STRICT, ContractValidator


def _rate(step: Callable[[int], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for i in range(256):
            step(count + i)
        count += 256
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()
    contract = load_contract()
    validator = ContractValidator(contract)
    cases = [(c, e) for c in contract for e in c.message.examples]
    wire = [(c, json.dumps(e).encode()) for c, e in cases]
    n = len(cases)
    for channel, envelope in cases:  # compile both engines' validators before timing
        assert validator.is_valid(channel, envelope) and not validator.explain(channel, envelope)
    full = {c.id: validator._full_validator(STRICT, c.message.payload_pointer) for c, _ in cases}
    naive = [
        (c, {**e, "event_timestamp": str(e["event_timestamp"]).removesuffix("Z")}) for c, e in cases
    ]
    for channel, envelope in naive:
        assert validator.verdict(channel, envelope).value == "rules", channel.id

    def reference(i: int) -> object:
        channel, envelope = cases[i % n]
        return full[channel.id].is_valid(envelope)

    def fast(i: int) -> object:
        channel, envelope = cases[i % n]
        return validator.is_valid(channel, envelope)

    def fast_from_bytes(i: int) -> object:
        channel, raw = wire[i % n]
        return validator.is_valid(channel, json.loads(raw))

    def decode_only(i: int) -> object:
        return decode_json_object(wire[i % n][1])

    def wire_check(i: int) -> object:
        channel, raw = wire[i % n]
        return validator.is_valid(channel, decode_json_object(raw))

    for channel, raw in wire:  # the same verdicts on both decoders
        assert validator.verdict(channel, json.loads(raw)) is validator.verdict(
            channel, decode_json_object(raw)
        )

    def verdict_of_a_rule_breach(i: int) -> object:
        channel, envelope = naive[i % n]
        return validator.verdict(channel, envelope)

    size = sum(len(raw) for _, raw in wire) / n
    print(f"{n} envelopes from the contract's examples, {size:.0f} bytes on average")
    slow_rate = _rate(reference, args.seconds)
    fast_rate = _rate(fast, args.seconds)
    bytes_rate = _rate(fast_from_bytes, args.seconds)
    wire_rate = _rate(wire_check, args.seconds)
    decode_rate = _rate(decode_only, args.seconds)
    rule_rate = _rate(verdict_of_a_rule_breach, args.seconds)
    print(f"python-jsonschema (cached Draft7, formats) : {slow_rate:12,.0f} messages/s")
    print(f"fast path (jsonschema-rs)                  : {fast_rate:12,.0f} messages/s")
    print(f"fast path incl. json.loads of the bytes    : {bytes_rate:12,.0f} messages/s")
    print(f"fast path incl. the wire check's decoder   : {wire_rate:12,.0f} messages/s")
    print(f"verdict of a rule-only breach (2 checks)   : {rule_rate:12,.0f} messages/s")
    print(f"the wire check's decoder alone (msgspec)   : {decode_rate:12,.0f} messages/s")
    ratio = fast_rate / slow_rate
    verdict = "meets" if ratio >= 100 else "MISSES"
    print(
        f"ratio fast / python-jsonschema: {ratio:.0f}x ({verdict} the 100x goal); "
        f"with json.loads: {bytes_rate / slow_rate:.0f}x"
    )
    meets = "meets" if wire_rate >= 200_000 else "MISSES"
    print(
        f"decoded and validated: {wire_rate:,.0f}/s with the wire check's decoder, "
        f"{bytes_rate:,.0f}/s with json.loads ({wire_rate / bytes_rate:.1f}x; {meets} the "
        "200k/s goal)"
    )
    decode_us, validate_us = 1e6 / decode_rate, 1e6 / fast_rate
    print(
        f"where a message's time goes: decoding {decode_us:.1f} us + validating "
        f"{validate_us:.1f} us = {decode_us + validate_us:.1f} us, a bound of "
        f"{1e6 / (decode_us + validate_us):,.0f}/s on one core (200k/s is 5.0 us)"
    )


if __name__ == "__main__":
    main()
