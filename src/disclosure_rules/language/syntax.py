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
from typing import Literal as _L

import attrs

from ..errors import Span
from .clauses import (  # the leaves: re-exported, so every syntax class is syntax.X
    AllMet,
    AllOf,
    AnyOf,
    Assumption,
    Award,
    Cite,
    Compare,
    Condition,
    Deadline,
    DeductLate,
    DeductMissing,
    DeductPer,
    DeductWhen,
    FactRef,
    Literal,
    Met,
    Not,
    Number,
    ParamRef,
    Rate,
    RateOnTime,
    Rule,
    Truthy,
    ZeroWhen,
)

__all__ = [
    "AllMet",
    "AllOf",
    "Alternative",
    "Answer",
    "AnyOf",
    "AppliesTo",
    "Assumption",
    "Award",
    "Bonus",
    "Bound",
    "CalendarDecl",
    "Change",
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
    "Extends",
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
    "ParamRange",
    "ParamRef",
    "Rate",
    "RateOnTime",
    "Reading",
    "Resolve",
    "Rule",
    "Ruleset",
    "Section",
    "SourceFile",
    "StatementRequired",
    "Survey",
    "Truthy",
    "Veto",
    "When",
    "ZeroWhen",
]


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
    """``floor N`` / ``floor none`` / ``cap N``; ``floor N below`` for every node below."""

    kind: _L["floor", "cap"]
    value: Number | None  # None: ``floor none``
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    below: bool = False


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
    when: tuple[When, ...] = ()  # clauses that hold under one alternative of a reading


@attrs.frozen
class When:
    """``when reading NAME = ALTERNATIVE { … }``: clauses in force under that alternative."""

    reading: str
    alternative: str
    span: Span = attrs.field(eq=False)
    props: NodeProps = NodeProps()
    rules: tuple[Rule, ...] = ()
    params: tuple[Param, ...] = ()  # a ruleset-level block: parameter values of the alternative


@attrs.frozen
class Alternative:
    """``alternative NAME "what it means" cite "…"``: one way to read a clause."""

    name: str
    meaning: str
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None


@attrs.frozen
class Reading:
    """``reading NAME "the ambiguous clause" { alternative …  default NAME "why" }``."""

    name: str
    title: str
    alternatives: tuple[Alternative, ...]
    span: Span = attrs.field(eq=False)
    default: str | None = None
    default_span: Span | None = attrs.field(default=None, eq=False)
    reason: str | None = None  # why the default is the default
    cite: Cite | None = None


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
    range: ParamRange | None = None


@attrs.frozen
class ParamRange:
    """``range LOW..HIGH`` on an assumed parameter: the values it may plausibly take."""

    low: Number
    high: Number
    span: Span = attrs.field(eq=False)


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


# ------------------------------------------------------------------ overlays


@attrs.frozen
class Change:
    """One change an overlay states (see :mod:`~disclosure_rules.language.overlay`).

    ``kind`` is ``set`` (a parameter's value), ``drop`` (a node), ``change`` (what a
    node's block says: ``stated`` names each thing it restates, in order), ``add``
    (rules or nodes under ``target``; no target: components or top-level nodes)."""

    kind: _L["set", "drop", "change", "add"]
    target: str | None
    span: Span = attrs.field(eq=False)
    cite: Cite | None = None
    assumption: Assumption | None = None
    stated: tuple[str, ...] = attrs.field(default=(), eq=False)  # as written, in order
    stated_spans: tuple[Span, ...] = attrs.field(default=(), eq=False)
    value: Number | None = None  # set: the value; change: the new points
    weight: Number | None = None
    title: str | None = None
    props: NodeProps = NodeProps()
    rules: tuple[Rule, ...] = ()  # change: the node's rules, replaced; add: rules added
    children: tuple[Node | Component, ...] = ()  # add: the nodes added


@attrs.frozen
class Extends:
    """``ruleset ID extends BASE { … }``: the base (an id, or a path relative to the
    overlay's file) and the changes, in order."""

    base: str
    is_path: bool
    span: Span = attrs.field(eq=False)
    changes: tuple[Change, ...] = ()


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
    readings: tuple[Reading, ...] = ()
    param_blocks: tuple[When, ...] = ()  # `when reading … { param … }`
    policy: NodeProps = NodeProps()
    tags: tuple[str, ...] = ()
    tag_titles: tuple[tuple[str, str], ...] = ()  # (tag, the title a report shows)
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
    extends: Extends | None = None  # an overlay: its base and its changes
