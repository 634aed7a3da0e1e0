"""The abstract syntax tree: what the parser produces and the checker reads.

Nodes compare equal regardless of where they stand in the text (spans are left out
of equality), so a ruleset and its formatted text parse to equal trees.

Plain frozen data with a :class:`~disclosure_rules.errors.Span` on every
node, so each diagnostic and audit entry can point at its ruleset line.
Numbers are either :class:`Literal` (an exact ``Decimal``; ``70%`` is stored
as ``0.70`` with ``percent=True``) or :class:`ParamRef` (resolved by the
compiler against the ruleset's parameters).
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
    "Answer",
    "AnyOf",
    "AppliesTo",
    "Assumption",
    "Award",
    "Bonus",
    "Bound",
    "CalendarDecl",
    "Cite",
    "Compare",
    "Component",
    "Condition",
    "Conversion",
    "Deadline",
    "DeductLate",
    "DeductMissing",
    "DeductPer",
    "DeductWhen",
    "DirectScore",
    "EmptyRecords",
    "EvidencePolicy",
    "FactDefault",
    "FactRef",
    "Grade",
    "Grades",
    "Header",
    "Item",
    "Literal",
    "Met",
    "NaPolicy",
    "Node",
    "NodeProps",
    "Not",
    "Number",
    "Outcome",
    "Param",
    "ParamRef",
    "Rate",
    "RateOnTime",
    "Resolve",
    "Rule",
    "Ruleset",
    "Section",
    "SourceFile",
    "StatementRequired",
    "Survey",
    "Truthy",
    "Veto",
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


@attrs.frozen
class Rate:
    """``rate FACT``: points × a 0..1 fact (e.g. the on-time reply rate)."""

    fact: FactRef
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None


@attrs.frozen
class DeductPer:
    """``deduct N per FACT [max M]``: N for each incident counted by FACT."""

    amount: Number
    fact: FactRef
    span: Span = attrs.field(eq=False)
    max: Number | None = None
    cite: Cite | None = None
    assumption: Assumption | None = None


@attrs.frozen
class DeductMissing:
    """``deduct N per missing FACT of K``: N for each of K required elements not present."""

    amount: Number
    fact: FactRef
    of: Number
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None


@attrs.frozen
class DeductWhen:
    """``deduct N when CONDITION``: a fixed deduction when the condition holds."""

    amount: Number
    condition: Condition
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None


@attrs.frozen
class ZeroWhen:
    """``zero when CONDITION``: the item loses all its points."""

    condition: Condition
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None


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


@attrs.frozen
class RateOnTime:
    """``rate on_time RECORDS: DEADLINE``: points × the share of records on time."""

    records: str
    deadline: Deadline
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None


Rule = Award | Rate | DeductPer | DeductMissing | DeductWhen | ZeroWhen | DeductLate | RateOnTime


# ------------------------------------------------------------------ policies


@attrs.frozen
class NaPolicy:
    policy: _L["average", "group_average", "own_rate", "rescale", "redistribute"]
    span: Span = attrs.field(eq=False)
    over: tuple[str, ...] = ()
    cite: Cite | None = None


@attrs.frozen
class EvidencePolicy:
    """One evidence statement: ``evidence required|optional``, ``reject evidence KIND, ...``,
    ``evidence requires KIND and KIND or KIND`` (``kinds``: the alternatives, each the kinds
    it needs together) or ``evidence submitted by DATE`` (``by``)."""

    required: bool | None
    span: Span = attrs.field(eq=False)
    rejected: tuple[str, ...] = ()
    cite: Cite | None = None
    kinds: tuple[tuple[str, ...], ...] = ()
    by: _dt.date | None = None


@attrs.frozen
class StatementRequired:
    """``not_applicable requires statement``: a unit's own N/A counts only with a statement."""

    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class EmptyRecords:
    """``no RECORDS means not_applicable|full|zero``: what an empty list of records means."""

    records: str
    meaning: _L["not_applicable", "full", "zero"]
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class Bound:
    """``floor N`` / ``floor none`` / ``cap N`` on a node or the ruleset total."""

    kind: _L["floor", "cap"]
    value: Number | None  # None: ``floor none``
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class Resolve:
    """``resolve cap|scale|sum``: how a printed points mismatch is settled."""

    mode: _L["cap", "scale", "sum"]
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class AppliesTo:
    tags: tuple[str, ...]
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class FactDefault:
    """``absent zero|na|error [over FACT, ...]``: what a fact the unit did not supply
    means for the rules of the node and those under it (``over``: only those facts)."""

    mode: _L["zero", "na", "error"]
    span: Span = attrs.field(eq=False)
    over: tuple[str, ...] = ()
    cite: Cite | None = None


@attrs.frozen
class NodeProps:
    """What a node's block says besides its children and rules."""

    owner: str | None = None
    remark: str | None = None
    applies_to: AppliesTo | None = None
    not_applicable: NaPolicy | None = None
    evidence: tuple[EvidencePolicy, ...] = ()
    bounds: tuple[Bound, ...] = ()
    resolve: Resolve | None = None
    absent: tuple[FactDefault, ...] = ()
    na_statement: StatementRequired | None = None
    empty: tuple[EmptyRecords, ...] = ()


# ------------------------------------------------------------------ the tree


@attrs.frozen
class Item:
    id: str
    title: str
    points: Number
    span: Span = attrs.field(eq=False)
    rules: tuple[Rule, ...] = ()
    props: NodeProps = NodeProps()
    cite: Cite | None = None
    children: tuple[Node, ...] = ()  # an item with children is reported by the checker
    assumption: Assumption | None = None


@attrs.frozen
class Section:
    id: str
    title: str
    points: Number | None  # None: worth what its parts add up to
    span: Span = attrs.field(eq=False)
    children: tuple[Node, ...] = ()
    rules: tuple[Rule, ...] = ()  # rules on a section are reported by the checker
    props: NodeProps = NodeProps()
    cite: Cite | None = None
    assumption: Assumption | None = None


@attrs.frozen
class Bonus:
    """A bonus item (特色工作): scored like an item within ``[0, cap]``, added on top."""

    id: str
    title: str
    cap: Number
    span: Span = attrs.field(eq=False)
    rules: tuple[Rule, ...] = ()
    props: NodeProps = NodeProps()
    cite: Cite | None = None
    children: tuple[Node, ...] = ()
    assumption: Assumption | None = None


Node = Item | Section | Bonus


@attrs.frozen
class DirectScore:
    """``score LOW..HIGH``: the component's score is supplied as one number."""

    low: Number
    high: Number
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None


@attrs.frozen
class Answer:
    name: str
    weight: Number
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class Outcome:
    name: str
    threshold: Number | None  # None: the ``else`` outcome
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class Survey:
    answers: tuple[Answer, ...]
    outcomes: tuple[Outcome, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Component:
    id: str
    title: str
    weight: Number
    span: Span = attrs.field(eq=False)
    points: Number | None = None
    children: tuple[Node, ...] = ()
    direct: DirectScore | None = None
    survey: Survey | None = None
    props: NodeProps = NodeProps()
    extra: tuple[Span, ...] = ()  # spans of a second score/survey block, for the checker
    cite: Cite | None = None
    rules: tuple[Rule, ...] = ()  # rules on a component are reported by the checker
    assumption: Assumption | None = None


@attrs.frozen
class Param:
    name: str
    default: Literal
    description: str
    span: Span = attrs.field(eq=False)
    assumed: bool = False
    cite: Cite | None = None


@attrs.frozen
class Grade:
    name: str
    threshold: Number | None  # None: the ``else`` grade
    span: Span = attrs.field(eq=False)
    quota: Number | None = None
    cite: Cite | None = None


@attrs.frozen
class Grades:
    bands: tuple[Grade, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Veto:
    id: str
    title: str
    condition: Condition
    span: Span = attrs.field(eq=False)
    grade: str | None = None
    score: Number | None = None
    cite: Cite | None = None


@attrs.frozen
class Conversion:
    id: str
    title: str
    points: Number
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None


@attrs.frozen
class CalendarDecl:
    """``calendar { year Y holidays … workdays … }``: a year's official schedule."""

    year: int
    holidays: tuple[_dt.date, ...]
    workdays: tuple[_dt.date, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Header:
    key: str
    value: object
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class SourceFile:
    """A file named by ``source "…" files "…"``: the text the ruleset's cites quote."""

    name: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Ruleset:
    id: str
    span: Span = attrs.field(eq=False)
    title: str | None = None
    issuer: str | None = None
    issued: _dt.date | None = None
    year: int | None = None  # the year assessed (a 2020 scheme is often issued in 2021)
    source: str | None = None
    source_files: tuple[SourceFile, ...] = ()  # resolved relative to the ruleset file
    rounding: int = 2
    total: Number | None = None
    total_cite: Cite | None = None
    params: tuple[Param, ...] = ()
    policy: NodeProps = NodeProps()
    tags: tuple[str, ...] = ()
    tags_span: Span | None = attrs.field(default=None, eq=False)
    # the groups ranked, graded and held to quotas apart: each a tuple of tags
    groups: tuple[tuple[str, ...], ...] = ()
    groups_span: Span | None = attrs.field(default=None, eq=False)
    groups_cite: Cite | None = None
    components: tuple[Component, ...] = ()
    children: tuple[Node, ...] = ()
    grades: Grades | None = None
    vetoes: tuple[Veto, ...] = ()
    conversions: tuple[Conversion, ...] = ()
    calendars: tuple[CalendarDecl, ...] = ()
    duplicates: tuple[Header, ...] = ()  # repeated headers/blocks, for the checker
    text: str = attrs.field(default="", eq=False, repr=False)  # the source, for hashing
    lines: dict[str, int] = attrs.field(factory=dict, eq=False, repr=False)  # header → line
