"""The syntax of clauses: atoms (cites, numbers, fact references), conditions and
item rules — the leaves of the tree in :mod:`disclosure_rules.language.syntax`, which
re-exports every name here (import them from there).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Literal as _L

import attrs

from ..errors import Span

__all__ = [
    "AllMet",
    "AllOf",
    "AnyOf",
    "Assumption",
    "Award",
    "Cite",
    "Compare",
    "Condition",
    "Deadline",
    "DeductLate",
    "DeductMissing",
    "DeductPer",
    "DeductWhen",
    "FactRef",
    "Literal",
    "Met",
    "Not",
    "Number",
    "ParamRef",
    "Rate",
    "RateOnTime",
    "Rule",
    "Truthy",
    "ZeroWhen",
]


@attrs.frozen
class Cite:
    text: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Assumption:
    """``assumed "why"``: the thing it marks is not stated by the source document.

    ``cite``, when given, is the passage the assumption rests on (verified like any cite).
    """

    reason: str
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class Literal:
    value: Decimal
    span: Span = attrs.field(eq=False)
    percent: bool = False


@attrs.frozen
class ParamRef:
    name: str
    span: Span = attrs.field(eq=False)


Number = Literal | ParamRef


@attrs.frozen
class FactRef:
    """``field`` (a field of the node's own facts) or ``node.field``."""

    node: str | None
    field: str
    span: Span = attrs.field(eq=False)

    def __str__(self) -> str:
        return f"{self.node}.{self.field}" if self.node else self.field


# ------------------------------------------------------------------ conditions


@attrs.frozen
class Compare:
    fact: FactRef
    op: _L[">", ">=", "<", "<=", "==", "!="]
    value: Number
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Truthy:
    fact: FactRef
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Deadline:
    """``END within N workdays|days|hours of START`` or ``END by DATE`` (on or before)."""

    end: str
    span: Span = attrs.field(eq=False)
    start: str | None = None
    amount: Number | None = None
    unit: _L["workdays", "days", "hours"] | None = None
    by: _dt.date | None = None


@attrs.frozen
class Met:
    """``DEADLINE`` as a condition: the item's own dated facts meet it."""

    deadline: Deadline
    span: Span = attrs.field(eq=False)


@attrs.frozen
class AllMet:
    """``all RECORDS: DEADLINE``: every record meets it."""

    records: str
    deadline: Deadline
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Not:
    """``not CONDITION``."""

    part: Condition
    span: Span = attrs.field(eq=False)


@attrs.frozen
class AllOf:
    parts: tuple[Condition, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class AnyOf:
    parts: tuple[Condition, ...]
    span: Span = attrs.field(eq=False)


Condition = Compare | Truthy | Met | AllMet | Not | AllOf | AnyOf


# ------------------------------------------------------------------ item rules


@attrs.frozen
class Award:
    """How an item's base score is found: ``awarded``, ``all_or_nothing`` or ``full``."""

    mode: _L["awarded", "all_or_nothing", "full"]
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None
    name: str | None = None  # declared with `as NAME`: the rule's id ends in it


@attrs.frozen
class Rate:
    """``rate FACT``: points × a 0..1 fact (e.g. the on-time reply rate)."""

    fact: FactRef
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None
    name: str | None = None  # declared with `as NAME`: the rule's id ends in it


@attrs.frozen
class DeductPer:
    """``deduct N per FACT [max M]``: N for each incident counted by FACT."""

    amount: Number
    fact: FactRef
    span: Span = attrs.field(eq=False)
    max: Number | None = None
    cite: Cite | None = None
    assumption: Assumption | None = None
    name: str | None = None  # declared with `as NAME`: the rule's id ends in it


@attrs.frozen
class DeductMissing:
    """``deduct N per missing FACT of K``: N for each of K required elements not present."""

    amount: Number
    fact: FactRef
    of: Number
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None
    name: str | None = None  # declared with `as NAME`: the rule's id ends in it


@attrs.frozen
class DeductWhen:
    """``deduct N when CONDITION``: a fixed deduction when the condition holds."""

    amount: Number
    condition: Condition
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None
    name: str | None = None  # declared with `as NAME`: the rule's id ends in it


@attrs.frozen
class ZeroWhen:
    """``zero when CONDITION``: the item loses all its points."""

    condition: Condition
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None
    name: str | None = None  # declared with `as NAME`: the rule's id ends in it


@attrs.frozen
class DeductLate:
    """``deduct N per late RECORDS: DEADLINE [max M]``: N for each late record."""

    amount: Number
    records: str
    deadline: Deadline
    span: Span = attrs.field(eq=False)
    max: Number | None = None
    cite: Cite | None = None
    assumption: Assumption | None = None
    name: str | None = None  # declared with `as NAME`: the rule's id ends in it


@attrs.frozen
class RateOnTime:
    """``rate on_time RECORDS: DEADLINE``: points × the share of records on time."""

    records: str
    deadline: Deadline
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None
    name: str | None = None  # declared with `as NAME`: the rule's id ends in it


Rule = Award | Rate | DeductPer | DeductMissing | DeductWhen | ZeroWhen | DeductLate | RateOnTime
