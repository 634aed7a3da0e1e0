"""Compiled conditions and deadlines, and the scope rules are evaluated in.

Part of the model (:mod:`disclosure_rules.model.rules` re-exports all of it):
a condition (``zero when``, ``deduct when``, a veto) is a small tree of
frozen classes, one per kind, each judging itself against a :class:`Scope`
— one unit's facts for one node, the working-day calendar and the tracer
that records the audit.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Protocol, assert_never

import attrs

from ..decimals import ZERO
from ..decimals import text as _num
from ..errors import CalendarError
from ..i18n import _
from ..workdays import Calendar

__all__ = [
    "NO_DEFAULTS",
    "AllMet",
    "AllOf",
    "AnyOf",
    "Compare",
    "Condition",
    "DeadlineRule",
    "FactDefault",
    "LateCalendar",
    "Met",
    "MissingFact",
    "Not",
    "Scope",
    "Tracer",
    "Truthy",
    "condition_deadlines",
    "judge_condition",
]


class MissingFact(Exception):
    """A rule needed a fact the unit did not supply (``node`` is "" for the item's own)."""

    def __init__(self, node: str, field: str) -> None:
        super().__init__(node, field)
        self.node, self.field = node, field


@attrs.frozen
class FactDefault:
    """What fact ``node.field`` means, when the unit did not supply it, to a node that
    reads it: ``zero`` (``value`` stands in: 0 or false), ``na`` (the node is not
    applicable) or ``error``; from an ``absent`` declaration on ``declared_on``."""

    node: str
    field: str
    mode: str  # zero | na | error
    value: Decimal | bool | None
    declared_on: str
    line: int
    cite: str | None = None

    @property
    def rule(self) -> str:
        return f"absent {self.mode}"

    def name(self, reader: str) -> str:
        """The fact as ``reader``'s rules name it."""
        return self.field if self.node == reader else f"{self.node}.{self.field}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode}
        if self.value is not None:
            out["value"] = self.value if isinstance(self.value, bool) else _num(self.value)
        out.update(declared_on=self.declared_on, line=self.line)
        if self.cite:
            out["cite"] = self.cite
        return out


NO_DEFAULTS: Mapping[tuple[str, str], FactDefault] = {}
"""A scope's defaults while it scores a node that declares none (never written to)."""


class LateCalendar(Exception):
    """A working-day deadline fell outside every calendar; ``field`` is the end fact."""

    def __init__(self, field: str, cause: CalendarError) -> None:
        super().__init__(field, cause)
        self.field, self.cause = field, cause


class Tracer(Protocol):
    """Where rules write their audit entries (see :mod:`disclosure_rules.evaluation.tracer`)."""

    def record(
        self,
        index: int,
        unit: int,
        kind: str,
        delta: Decimal,
        rule: str | None = None,
        line: int | None = None,
        cite: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        note: str | None = None,
    ) -> None: ...


@attrs.define(slots=True)
class Scope:
    """What a rule reads while scoring one node for one unit, and where it writes.

    The engine keeps one scope per unit and moves it from node to node (``index``,
    ``node``, ``points``, ``values``) rather than building one per cell: a cohort has
    hundreds of thousands of cells. Rules read it and never keep it.
    """

    index: int  # the node's index in the graph
    node: str  # the node's id: the owner of unqualified fact names
    points: Decimal
    values: Mapping[str, Any]  # the node's own facts
    unit_facts: Mapping[str, Any]  # the unit's facts of every node (NodeFacts by id)
    unit: int
    calendar: Calendar
    tracer: Tracer
    # (node, field) → what it means when absent; set only while a node that has some
    # is scored, so the facts a unit supplied are read exactly as without defaults
    defaults: Mapping[tuple[str, str], FactDefault] = NO_DEFAULTS

    def fact(self, owner: str | None, field: str) -> Any:
        """A fact value: the node's own ``field`` when ``owner`` is None, else another node's."""
        if owner is None:
            values = self.values
        else:
            other = self.unit_facts.get(owner)
            values = other.values if other is not None else {}
        if field not in values:
            return self.absent(owner, field)
        return values[field]

    def absent(self, owner: str | None, field: str) -> Any:
        """A fact the unit did not supply: the value ``absent zero`` puts in its place
        (with an audit entry saying so); else :class:`MissingFact`."""
        default = self.defaults.get((owner or self.node, field))
        if default is None or default.mode != "zero":
            raise MissingFact(owner or "", field)
        name = default.name(self.node)
        note = _("{name} not supplied: taken as {shown} (absent zero)").format(
            name=name, shown=_shown(default.value)
        )
        inputs = {"fact": name, "value": default.value}
        self.record("default", ZERO, default.rule, default.line, default.cite, inputs, note)
        return default.value

    def record(
        self,
        kind: str,
        delta: Decimal,
        rule: str | None = None,
        line: int | None = None,
        cite: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        note: str | None = None,
    ) -> None:
        self.tracer.record(self.index, self.unit, kind, delta, rule, line, cite, inputs, note)


def _shown(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else _num(value)


# ---------------------------------------------------------------- deadlines


def _day(value: dt.date) -> dt.date:
    """The calendar day of a date or date-time."""
    return value.date() if isinstance(value, dt.datetime) else value


@attrs.frozen
class DeadlineRule:
    """``END within N UNIT of START`` or ``END by DATE``, compiled."""

    end: str
    start: str | None = None
    amount: Decimal | None = None
    unit: str | None = None  # workdays | days | hours
    by: dt.date | None = None

    def __str__(self) -> str:
        if self.by is not None:
            return f"{self.end} by {self.by.isoformat()}"
        return f"{self.end} within {_num(self.amount or ZERO)} {self.unit} of {self.start}"

    def to_dict(self) -> dict[str, Any]:
        if self.by is not None:
            return {"end": self.end, "by": self.by.isoformat()}
        return {
            "end": self.end,
            "within": _num(self.amount or ZERO),
            "unit": self.unit,
            "of": self.start,
        }

    def facts(self) -> Iterator[str]:
        yield self.end
        if self.start:
            yield self.start

    def due(self, values: Mapping[str, Any], calendar: Calendar) -> dt.date | dt.datetime:
        if self.by is not None:
            return self.by
        assert self.start is not None and self.amount is not None
        if values.get(self.start) is None:
            raise MissingFact("", self.start)
        start = values[self.start]
        if self.unit == "hours":
            return start + dt.timedelta(seconds=int(self.amount * 3600))  # type: ignore[no-any-return]
        if self.unit == "days":
            return _day(start) + dt.timedelta(days=int(self.amount))
        return calendar.add_workdays(_day(start), int(self.amount))

    def judge(self, values: Mapping[str, Any], calendar: Calendar) -> dict[str, Any]:
        """Was END on time? The dates, the deadline, and how late, for the audit."""
        if self.end not in values:
            raise MissingFact("", self.end)
        end = values[self.end]
        judged: dict[str, Any] = {
            k: v for k, v in values.items() if k in ("title", "id", "ref") and v is not None
        }
        try:
            due = self.due(values, calendar)
            if self.start is not None and self.by is None:
                judged[self.start] = values[self.start].isoformat()
            judged[self.end] = None if end is None else end.isoformat()
            judged["deadline"] = due.isoformat()
            if end is None:
                judged.update(late=True, by="not done")
            elif isinstance(due, dt.datetime):
                judged["late"] = end > due
                if end > due:
                    judged["by"] = f"{end - due} (h:mm:ss)"
            else:
                judged["late"] = _day(end) > due
                if judged["late"]:
                    judged["by"] = self._lateness(due, _day(end), calendar)
        except CalendarError as exc:
            raise LateCalendar(self.end, exc) from None
        return judged

    def _lateness(self, due: dt.date, end: dt.date, calendar: Calendar) -> str:
        if self.unit == "workdays":
            return f"{calendar.workdays_between(due, end)} workdays"
        return f"{(end - due).days} days"


# ---------------------------------------------------------------- conditions

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


def _shown_name(scope: Scope, node: str, field: str) -> str:
    return field if node == scope.node else f"{node}.{field}"


def _owner(scope: Scope, node: str) -> str | None:
    return None if node == scope.node else node


@attrs.frozen
class Compare:
    """``FACT OP NUMBER``."""

    compound: ClassVar[bool] = False
    node: str
    field: str
    op: str
    value: Decimal

    def holds(self, scope: Scope, shown: dict[str, Any]) -> bool:
        value = scope.fact(_owner(scope, self.node), self.field)
        shown[_shown_name(scope, self.node, self.field)] = value
        return _COMPARE[self.op](value, self.value)

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "fact": f"{self.node}.{self.field}", "value": _num(self.value)}

    def __str__(self) -> str:
        return f"{self.field} {self.op} {_num(self.value)}"

    def facts(self) -> Iterator[tuple[str, str]]:
        yield (self.node, self.field)


@attrs.frozen
class Truthy:
    """``FACT``: a yes/no fact (or a count that is not zero)."""

    compound: ClassVar[bool] = False
    node: str
    field: str

    def holds(self, scope: Scope, shown: dict[str, Any]) -> bool:
        value = scope.fact(_owner(scope, self.node), self.field)
        shown[_shown_name(scope, self.node, self.field)] = value
        return bool(value)

    def to_dict(self) -> dict[str, Any]:
        return {"op": "truthy", "fact": f"{self.node}.{self.field}"}

    def __str__(self) -> str:
        return self.field

    def facts(self) -> Iterator[tuple[str, str]]:
        yield (self.node, self.field)


@attrs.frozen
class Met:
    """``DEADLINE``: the node's own dated facts meet it."""

    compound: ClassVar[bool] = False
    node: str
    deadline: DeadlineRule

    def holds(self, scope: Scope, shown: dict[str, Any]) -> bool:
        judged = self.deadline.judge(scope.values, scope.calendar)
        shown[str(self.deadline)] = judged
        return not judged["late"]

    def to_dict(self) -> dict[str, Any]:
        return {"op": "met", "deadline": self.deadline.to_dict()}

    def __str__(self) -> str:
        return str(self.deadline)

    def facts(self) -> Iterator[tuple[str, str]]:
        for field in self.deadline.facts():
            yield (self.node, field)


@attrs.frozen
class AllMet:
    """``all RECORDS: DEADLINE``: every record meets it."""

    compound: ClassVar[bool] = False
    node: str
    records: str
    deadline: DeadlineRule

    def holds(self, scope: Scope, shown: dict[str, Any]) -> bool:
        records = scope.fact(None, self.records)
        judged = [self.deadline.judge(r, scope.calendar) for r in records]
        shown[f"{self.records}: {self.deadline}"] = judged
        return not any(j["late"] for j in judged)

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": "all_met",
            "deadline": self.deadline.to_dict(),
            "records": f"{self.node}.{self.records}",
        }

    def __str__(self) -> str:
        return f"all {self.records}: {self.deadline}"

    def facts(self) -> Iterator[tuple[str, str]]:
        yield (self.node, self.records)


@attrs.frozen
class Not:
    """``not CONDITION``."""

    compound: ClassVar[bool] = False
    part: Condition

    def holds(self, scope: Scope, shown: dict[str, Any]) -> bool:
        return not self.part.holds(scope, shown)

    def to_dict(self) -> dict[str, Any]:
        return {"op": "not", "parts": [self.part.to_dict()]}

    def __str__(self) -> str:
        return f"not ({self.part})" if self.part.compound else f"not {self.part}"

    def facts(self) -> Iterator[tuple[str, str]]:
        yield from self.part.facts()


@attrs.frozen
class _Junction:
    """What ``and`` and ``or`` share: their parts, JSON and text."""

    compound: ClassVar[bool] = True
    word: ClassVar[str]
    parts: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.word, "parts": [p.to_dict() for p in self.parts]}

    def __str__(self) -> str:
        return f" {self.word} ".join(f"({p})" if p.compound else str(p) for p in self.parts)

    def facts(self) -> Iterator[tuple[str, str]]:
        for p in self.parts:
            yield from p.facts()


@attrs.frozen
class AllOf(_Junction):
    """``C and C ...``: every part holds (evaluated left to right, stopping early)."""

    word: ClassVar[str] = "and"

    def holds(self, scope: Scope, shown: dict[str, Any]) -> bool:
        return all(p.holds(scope, shown) for p in self.parts)


@attrs.frozen
class AnyOf(_Junction):
    """``C or C ...``: some part holds (evaluated left to right, stopping early)."""

    word: ClassVar[str] = "or"

    def holds(self, scope: Scope, shown: dict[str, Any]) -> bool:
        return any(p.holds(scope, shown) for p in self.parts)


Condition = Compare | Truthy | Met | AllMet | Not | AllOf | AnyOf


def judge_condition(condition: Condition, scope: Scope) -> tuple[bool, dict[str, Any]]:
    """Whether ``condition`` holds, with the values it read, for the audit."""
    shown: dict[str, Any] = {}
    held = condition.holds(scope, shown)
    shown["condition"] = str(condition)
    shown["held"] = held
    return held, shown


def condition_deadlines(condition: Condition) -> Iterator[tuple[str | None, DeadlineRule]]:
    """Every deadline a condition reads, as (records field, or None for the node's own dates)."""
    match condition:
        case Met():
            yield None, condition.deadline
        case AllMet():
            yield condition.records, condition.deadline
        case Not():
            yield from condition_deadlines(condition.part)
        case AllOf() | AnyOf():
            for part in condition.parts:
                yield from condition_deadlines(part)
        case Compare() | Truthy():
            pass
        case _:
            assert_never(condition)
