"""Contract evolution: what a change to the contract breaks, for whom (``pipeline-harness diff``).

A pure function over two loaded contracts::

    from harness.evolution import diff_contracts
    result = diff_contracts(load_contract("old/asyncapi.yaml"), load_contract())
    for finding in result.breaking:
        print(finding.label, finding.kind, finding.where, finding.services)
    result.summary          # '1 breaking (1 for producers), 0 rule, 2 compatible'

Modules, one concept each: ``changes`` (findings, directions, verdicts), ``nodes`` (a schema
node as one level sees it), ``keywords`` (type, enum, bounds...), ``annotations`` (notes and
x-rule marks), ``sameness`` (equality through $ref), ``walk`` (the schema walk: $ref, fields,
branches), ``levels`` (breaking versus rule), ``channels`` and ``declarations`` (the Kafka
half, services and rules), ``http`` (openapi.yaml), ``sources`` (a file or a git revision),
``render`` (text, JSON, Markdown).
"""

from __future__ import annotations

from harness.evolution.changes import ChangeVerdict, ContractDiff, Direction, Finding
from harness.evolution.diff import diff_contracts

__all__ = ["ChangeVerdict", "ContractDiff", "Direction", "Finding", "diff_contracts"]
