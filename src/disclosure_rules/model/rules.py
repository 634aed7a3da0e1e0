"""Compiled rules: one frozen class per rule kind, each scoring itself.

The compiler (:mod:`disclosure_rules.model.compile`) turns every syntax rule of
an item into one of these classes, numbers resolved; the engine
(:mod:`disclosure_rules.evaluation.engine`) calls them through a
:class:`Scope`, the one unit's facts for one item with the calendar and the
tracer. Each class owns, in one place, what its kind means: how it scores
(:meth:`start` for a base, :meth:`apply` for a step, :meth:`holds` for a
condition), the audit entry it writes, its ``describe`` JSON (:meth:`to_dict`)
and its text (``__str__``).

Adding a rule kind is adding one class here, its syntax class and grammar
rule, and one case in :meth:`disclosure_rules.model.compile_rules.RuleCompiler.rule`
(see docs/adding-a-rule-kind.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar, assert_never

import attrs

from ..decimals import ZERO, divide
from ..decimals import text as _num
from .conditions import (
    NO_DEFAULTS,
    AllMet,
    AllOf,
    AnyOf,
    Compare,
    Condition,
    DeadlineRule,
    FactDefault,
    LateCalendar,
    Met,
    MissingFact,
    Not,
    Scope,
    Tracer,
    Truthy,
    condition_deadlines,
    judge_condition,
)

__all__ = [
    "BASE_TYPES",
    "NO_DEFAULTS",
    "AllMet",
    "AllOf",
    "AllOrNothing",
    "AnyOf",
    "Awarded",
    "BaseRule",
    "Compare",
    "Condition",
    "DeadlineRule",
    "DeductLate",
    "DeductMissing",
    "DeductPer",
    "DeductWhen",
    "FactDefault",
    "Full",
    "LateCalendar",
    "Met",
    "MissingFact",
    "Not",
    "Rate",
    "RateOnTime",
    "Rule",
    "Scope",
    "StepRule",
    "Tracer",
    "Truthy",
    "ZeroWhen",
    "clause_deadlines",
    "condition_deadlines",
    "judge_condition",
]


# ---------------------------------------------------------------- rules


def _common(out: dict[str, Any], rule: Rule | _Plain) -> None:
    """What every rule's JSON ends with: its id, line, cite, assumed parameters and, for
    a rule the source does not state, why it is assumed."""
    if rule.id:
        out["id"] = rule.id
    out["line"] = rule.line
    if rule.cite:
        out["cite"] = rule.cite
    if rule.assumed:
        out["assumed"] = list(rule.assumed)
    if rule.assumption:
        out["assumption"] = rule.assumption


def _fact_name(node: str | None, field: str) -> str:
    return field if node is None else f"{node}.{field}"


@attrs.frozen
class _Plain:
    """What the bases without facts of their own share: a line, a cite, JSON and text."""

    type: ClassVar[str]
    line: int
    cite: str | None = None
    assumed: tuple[str, ...] = ()
    assumption: str | None = None  # why the source does not state this rule
    id: str = ""  # NODE.KIND.RULE[.NAME]: given by the compiler (disclosure_rules.language.ids)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        _common(out, self)
        return out

    def __str__(self) -> str:
        return self.type


@attrs.frozen
class Awarded(_Plain):
    """The assessor's awarded points (the default base)."""

    type: ClassVar[str] = "awarded"

    def start(self, scope: Scope) -> Decimal:
        values = scope.values
        score: Decimal = values["awarded"] if "awarded" in values else scope.absent(None, "awarded")
        scope.record("base", score, self.type, self.line, self.cite)
        return score


@attrs.frozen
class Full(_Plain):
    """Full points, before the item's deductions (the default when it has some)."""

    type: ClassVar[str] = "full"

    def start(self, scope: Scope) -> Decimal:
        scope.record("base", scope.points, self.type, self.line, self.cite)
        return scope.points


@attrs.frozen
class AllOrNothing(_Plain):
    """Full points when the ``met`` fact holds, else none."""

    type: ClassVar[str] = "all_or_nothing"

    def start(self, scope: Scope) -> Decimal:
        values = scope.values
        met = values["met"] if "met" in values else scope.absent(None, "met")
        value = scope.points if met else ZERO
        scope.record("base", value, self.type, self.line, self.cite, {"met": met})
        return value


@attrs.frozen
class Rate:
    """``rate FACT``: points × a 0..1 fact."""

    type: ClassVar[str] = "rate"
    line: int
    fact: str
    fact_node: str | None = None
    cite: str | None = None
    assumed: tuple[str, ...] = ()
    assumption: str | None = None
    id: str = ""

    def start(self, scope: Scope) -> Decimal:
        rate = scope.fact(self.fact_node, self.fact)
        value: Decimal = scope.points * rate
        inputs = {self.fact: rate, "points": scope.points}
        scope.record("base", value, self.type, self.line, self.cite, inputs)
        return value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "fact": _fact_name(self.fact_node, self.fact)}
        _common(out, self)
        return out

    def __str__(self) -> str:
        return f"rate {_fact_name(self.fact_node, self.fact)}"


@attrs.frozen
class RateOnTime:
    """``rate on_time RECORDS: DEADLINE``: points × the share of records on time."""

    type: ClassVar[str] = "rate_on_time"
    line: int
    records: str
    deadline: DeadlineRule
    cite: str | None = None
    assumed: tuple[str, ...] = ()
    assumption: str | None = None
    id: str = ""

    def start(self, scope: Scope) -> Decimal:
        records = scope.fact(None, self.records)
        judged = [self.deadline.judge(r, scope.calendar) for r in records]
        on_time = sum(1 for j in judged if not j["late"])
        points = scope.points
        value = divide(points * on_time, Decimal(len(judged))) if judged else points
        inputs = {
            "deadline": str(self.deadline),
            "on_time": on_time,
            "records": len(judged),
            "judged": judged,
        }
        note = None if judged else "no records: nothing was due"
        scope.record("base", value, self.type, self.line, self.cite, inputs, note)
        return value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "fact": self.records}
        out["deadline"] = self.deadline.to_dict()
        _common(out, self)
        return out

    def __str__(self) -> str:
        return f"rate on_time {self.records}: {self.deadline}"


BaseRule = Awarded | Full | AllOrNothing | Rate | RateOnTime
"""Rules that set an item's starting value (at most one per item)."""

BASE_TYPES = tuple(kind.type for kind in (Awarded, AllOrNothing, Full, Rate, RateOnTime))
"""The ``type`` names of the base rules, in ``describe`` JSON."""


def _deduction(
    scope: Scope,
    rule: DeductPer | DeductMissing | DeductLate | DeductWhen,
    delta: Decimal,
    inputs: dict[str, Any],
) -> None:
    scope.record(
        "deduct", delta, rule.type, rule.line, rule.cite, {"amount": rule.amount, **inputs}
    )


def _capped(
    amount: Decimal, incidents: Decimal | int, most: Decimal | None, inputs: dict[str, Any]
) -> Decimal:
    """The deduction for ``incidents``, at most ``most`` (noted in ``inputs`` when it binds)."""
    delta = -amount * incidents
    if most is not None and -delta > most:
        inputs["max"] = most
        delta = -most
    return delta


@attrs.frozen
class DeductPer:
    """``deduct N per FACT [max M]``: N for each incident counted by FACT."""

    type: ClassVar[str] = "deduct_per"
    line: int
    amount: Decimal
    fact: str
    fact_node: str | None = None
    max: Decimal | None = None
    cite: str | None = None
    assumed: tuple[str, ...] = ()
    assumption: str | None = None
    id: str = ""

    def apply(self, scope: Scope, score: Decimal) -> Decimal:
        count = scope.fact(self.fact_node, self.fact)
        if count == ZERO:
            return score
        inputs: dict[str, Any] = {self.fact: count}
        delta = _capped(self.amount, count, self.max, inputs)
        _deduction(scope, self, delta, inputs)
        return score + delta

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "amount": _num(self.amount)}
        out["fact"] = _fact_name(self.fact_node, self.fact)
        if self.max is not None:
            out["max"] = _num(self.max)
        _common(out, self)
        return out

    def __str__(self) -> str:
        most = f" max {_num(self.max)}" if self.max is not None else ""
        return f"deduct {_num(self.amount)} per {_fact_name(self.fact_node, self.fact)}{most}"


@attrs.frozen
class DeductMissing:
    """``deduct N per missing FACT of K``: N for each of K required elements not present."""

    type: ClassVar[str] = "deduct_missing"
    line: int
    amount: Decimal
    fact: str
    of: Decimal
    fact_node: str | None = None
    cite: str | None = None
    assumed: tuple[str, ...] = ()
    assumption: str | None = None
    id: str = ""

    def apply(self, scope: Scope, score: Decimal) -> Decimal:
        count: Decimal = scope.fact(self.fact_node, self.fact)
        missing = self.of - count
        if missing == ZERO:
            return score
        inputs: dict[str, Any] = {self.fact: count, "of": self.of, "missing": missing}
        delta = -self.amount * missing
        _deduction(scope, self, delta, inputs)
        return score + delta

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "amount": _num(self.amount)}
        out["fact"] = _fact_name(self.fact_node, self.fact)
        out["of"] = _num(self.of)
        _common(out, self)
        return out

    def __str__(self) -> str:
        fact = _fact_name(self.fact_node, self.fact)
        return f"deduct {_num(self.amount)} per missing {fact} of {_num(self.of)}"


def _condition_dict(out: dict[str, Any], condition: Condition) -> None:
    out["condition"] = condition.to_dict()
    out["facts"] = sorted({f"{n}.{f}" for n, f in condition.facts()})


@attrs.frozen
class DeductWhen:
    """``deduct N when CONDITION``: a fixed deduction when the condition holds."""

    type: ClassVar[str] = "deduct_when"
    line: int
    amount: Decimal
    condition: Condition
    cite: str | None = None
    assumed: tuple[str, ...] = ()
    assumption: str | None = None
    id: str = ""

    def apply(self, scope: Scope, score: Decimal) -> Decimal:
        held, inputs = judge_condition(self.condition, scope)
        if not held:
            return score
        _deduction(scope, self, -self.amount, inputs)
        return score - self.amount

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "amount": _num(self.amount)}
        _condition_dict(out, self.condition)
        _common(out, self)
        return out

    def __str__(self) -> str:
        return f"deduct {_num(self.amount)} when {self.condition}"


@attrs.frozen
class ZeroWhen:
    """``zero when CONDITION``: the item loses all its points."""

    type: ClassVar[str] = "zero_when"
    line: int
    condition: Condition
    cite: str | None = None
    assumed: tuple[str, ...] = ()
    assumption: str | None = None
    id: str = ""

    def apply(self, scope: Scope, score: Decimal) -> Decimal:
        held, shown = judge_condition(self.condition, scope)
        if not held or score <= ZERO:  # a score below zero has nothing more to lose
            return score
        scope.record("zero", -score, self.type, self.line, self.cite, shown)
        return ZERO

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        _condition_dict(out, self.condition)
        _common(out, self)
        return out

    def __str__(self) -> str:
        return f"zero when {self.condition}"


@attrs.frozen
class DeductLate:
    """``deduct N per late RECORDS: DEADLINE [max M]``: N for each late record."""

    type: ClassVar[str] = "deduct_late"
    line: int
    amount: Decimal
    records: str
    deadline: DeadlineRule
    max: Decimal | None = None
    cite: str | None = None
    assumed: tuple[str, ...] = ()
    assumption: str | None = None
    id: str = ""

    def apply(self, scope: Scope, score: Decimal) -> Decimal:
        records = scope.fact(None, self.records)
        judged = [self.deadline.judge(r, scope.calendar) for r in records]
        late = sum(1 for j in judged if j["late"])
        if late == 0:
            inputs = {"deadline": str(self.deadline), "judged": judged}
            note = (
                f"all {len(judged)} record(s) on time" if judged else "no records: nothing was due"
            )
            scope.record("deadline", ZERO, self.type, self.line, self.cite, inputs, note)
            return score
        shown: dict[str, Any] = {"deadline": str(self.deadline), "late": late, "judged": judged}
        delta = _capped(self.amount, late, self.max, shown)
        _deduction(scope, self, delta, shown)
        return score + delta

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "amount": _num(self.amount)}
        out["fact"] = self.records
        if self.max is not None:
            out["max"] = _num(self.max)
        out["deadline"] = self.deadline.to_dict()
        _common(out, self)
        return out

    def __str__(self) -> str:
        most = f" max {_num(self.max)}" if self.max is not None else ""
        return f"deduct {_num(self.amount)} per late {self.records}: {self.deadline}{most}"


StepRule = DeductPer | DeductMissing | DeductWhen | ZeroWhen | DeductLate
"""Rules applied in order after the base: deductions and zero-when."""

Rule = BaseRule | StepRule
"""Any compiled item rule."""


def clause_deadlines(rule: Rule) -> Iterator[tuple[str | None, DeadlineRule]]:
    """Every deadline a rule reads, as in :func:`condition_deadlines`."""
    match rule:
        case DeductLate() | RateOnTime():
            yield rule.records, rule.deadline
        case DeductWhen() | ZeroWhen():
            yield from condition_deadlines(rule.condition)
        case Awarded() | Full() | AllOrNothing() | Rate() | DeductPer() | DeductMissing():
            pass
        case _:
            assert_never(rule)
