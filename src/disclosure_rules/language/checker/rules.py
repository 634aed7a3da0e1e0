"""Checking an item's rules and conditions, and the type of every fact they read.

Part of checking (syntax tree → diagnostics). Each rule kind and each condition
kind is handled in one ``match``; adding a kind to the syntax tree is a type error
here until it is handled. Every fact a rule reads is recorded with its type
(count, rate, yes/no, date …); a fact read with two incompatible types is DR107.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from ...decimals import text as _fmt
from ...errors import Span, did_you_mean
from ...i18n import _
from .. import syntax
from ..ids import derive_ids, signature
from ..symbols import FactType
from .context import Context

__all__ = ["MAX_DEADLINE_DAYS", "check_rules", "condition"]

MAX_DEADLINE_DAYS = 3660
"""The longest deadline (``within N days`` or ``workdays``; 24 times as many ``hours``):
ten years, far beyond any real one, and well inside what date arithmetic can reach."""

_COMPATIBLE = {
    frozenset({"number", "count"}): "count",
    frozenset({"number", "rate"}): "rate",
    frozenset({"date", "datetime"}): "datetime",
}


def check_rules(cx: Context, node: syntax.Item | syntax.Bonus, points: Decimal | None) -> None:
    """An item's (or bonus's) rules: one base rule, sound numbers, typed facts."""
    bases = [r for r in node.rules if isinstance(r, syntax.Award | syntax.Rate | syntax.RateOnTime)]
    for extra in bases[1:]:
        cx.report(
            "DR135",
            _(
                "item {id!r} has more than one base rule (awarded, all_or_nothing, full, rate)"
            ).format(id=node.id),
            extra.span,
            _("keep one"),
        )
    for rule in node.rules:
        _check_rule(cx, node.id, rule, points)
    _check_ids(cx, node)
    if not node.rules:  # an item with no rules is awarded by the assessor
        _fact(cx, node.id, "awarded", "number", node.span)
    _check_reach(cx, node)


def _check_ids(cx: Context, node: syntax.Item | syntax.Bonus) -> None:
    """Every rule of the node has an id of its own that a reordering keeps: two rules
    declared with one name are DR170; two of one name without declared names, DR171."""
    signatures = [signature(rule) for rule in node.rules]
    first: dict[str, syntax.Rule] = {}
    for rule, rule_id, (name, declared) in zip(
        node.rules, derive_ids(node.id, signatures), signatures, strict=True
    ):
        if rule_id in first:
            cx.report(
                "DR170",
                _("rule id {rule_id!r} is declared twice (first on line {line})").format(
                    rule_id=rule_id, line=first[rule_id].span.line
                ),
                rule.span,
                _("give each {name} rule of {node!r} a name of its own: as NAME").format(
                    name=name, node=node.id
                ),
            )
            continue
        first[rule_id] = rule
        if declared is None and rule_id[-1].isdigit():
            cx.warn(
                "DR171",
                _(
                    "{node!r} has more than one {name} rule: the id {rule_id!r} is this "
                    "one's place in the source, which a reordering changes"
                ).format(node=node.id, name=name, rule_id=rule_id),
                rule.span,
                _("name each of them after the rule, before its cite: … as late_reply cite …"),
            )


def _check_rule(cx: Context, node_id: str, rule: syntax.Rule, points: Decimal | None) -> None:
    match rule:
        case syntax.Award(mode="awarded"):
            _fact(cx, node_id, "awarded", "number", rule.span)
        case syntax.Award(mode="all_or_nothing"):
            _fact(cx, node_id, "met", "bool", rule.span)
        case syntax.Award():  # full: reads no fact
            pass
        case syntax.Rate():
            _fact_ref(cx, node_id, rule.fact, "rate")
        case syntax.RateOnTime():
            _records(cx, node_id, rule.records, rule.deadline, rule.span)
        case syntax.DeductPer():
            _deduction(cx, node_id, rule.amount, points, rule.max)
            _fact_ref(cx, node_id, rule.fact, "count")
        case syntax.DeductLate():
            _deduction(cx, node_id, rule.amount, points, rule.max)
            _records(cx, node_id, rule.records, rule.deadline, rule.span)
        case syntax.DeductMissing():
            _deduction(cx, node_id, rule.amount, points, None)
            _fact_ref(cx, node_id, rule.fact, "count")
            cx.positive(rule.of, _("the number of required elements"))
        case syntax.DeductWhen():
            _deduction(cx, node_id, rule.amount, points, None)
            condition(cx, node_id, rule.condition)
        case syntax.ZeroWhen():
            condition(cx, node_id, rule.condition)
        case _:
            assert_never(rule)


def _deduction(
    cx: Context,
    node_id: str,
    amount: syntax.Number,
    points: Decimal | None,
    cap: syntax.Number | None,
) -> None:
    value = cx.positive(amount, _("a deduction"))
    if cap is not None:
        cx.positive(cap, _("a deduction's max"))
    if value is not None and points is not None and value > points:
        cx.warn(
            "DR201",
            _("one deduction of {value} is larger than item {node_id!r}'s {points} points").format(
                value=_fmt(value), node_id=node_id, points=_fmt(points)
            ),
            amount.span,
            _("check the amount; the item's floor absorbs the excess"),
        )


def _check_reach(cx: Context, node: syntax.Item | syntax.Bonus) -> None:
    """DR203: an item no unit can ever score on."""
    for bound in node.props.bounds:
        value = cx.value(bound.value) if bound.value is not None else None
        if bound.kind == "cap" and value is not None and value <= 0:
            cx.warn(
                "DR203",
                _("item {id!r} is capped at {value}: no unit can ever score on it").format(
                    id=node.id, value=_fmt(value)
                ),
                bound.span,
            )
    applies = node.props.applies_to
    declared = cx.declared_tags
    if applies is not None and declared and not set(applies.tags) & declared:
        cx.warn(
            "DR203",
            _("item {id!r} applies to no declared tag: no unit can ever score on it").format(
                id=node.id
            ),
            applies.span,
        )


# ------------------------------------------------------------ conditions


def condition(cx: Context, node_id: str, cond: syntax.Condition) -> None:
    """A condition's numbers and the facts it reads (under ``node_id`` unless qualified)."""
    match cond:
        case syntax.AllOf() | syntax.AnyOf():
            for part in cond.parts:
                condition(cx, node_id, part)
        case syntax.Not():
            condition(cx, node_id, cond.part)
        case syntax.Compare():
            _compare(cx, node_id, cond)
        case syntax.Truthy():
            _fact_ref(cx, node_id, cond.fact, "bool")
        case syntax.Met():
            kind = _deadline(cx, cond.deadline)
            for field in filter(None, (cond.deadline.end, cond.deadline.start)):
                _fact(cx, node_id, field, kind, cond.deadline.span)
        case syntax.AllMet():
            _records(cx, node_id, cond.records, cond.deadline, cond.span)
        case _:
            assert_never(cond)


def _compare(cx: Context, node_id: str, cond: syntax.Compare) -> None:
    value = cx.value(cond.value)
    counted = value is not None and value >= 0 and value == value.to_integral_value()
    _fact_ref(cx, node_id, cond.fact, "count" if counted else "number")
    if value is not None and ((cond.op == ">=" and value <= 0) or (cond.op == ">" and value < 0)):
        cx.warn(
            "DR203",
            _("condition '{fact} {op} {value}' always holds for a count").format(
                fact=cond.fact, op=cond.op, value=_fmt(value)
            ),
            cond.span,
        )


def _deadline_limit(unit: str | None) -> int:
    return MAX_DEADLINE_DAYS * 24 if unit == "hours" else MAX_DEADLINE_DAYS


def _deadline(cx: Context, deadline: syntax.Deadline) -> FactType:
    """Check a deadline's numbers; the type its dated facts need."""
    if deadline.amount is not None:
        value = cx.value(deadline.amount)  # 0 is "the same day": 同步发布
        if value is not None and value < 0:
            cx.report(
                "DR122",
                _("a deadline cannot be negative, got {value}").format(value=_fmt(value)),
                deadline.amount.span,
            )
        elif value is not None and deadline.unit != "hours" and value != value.to_integral_value():
            cx.report(
                "DR123",
                _("a deadline in {unit} is a whole number, got {value}").format(
                    unit=deadline.unit, value=_fmt(value)
                ),
                deadline.amount.span,
            )
        elif value is not None and value > _deadline_limit(deadline.unit):
            limit = _deadline_limit(deadline.unit)
            cx.report(
                "DR136",
                _(
                    "a deadline of {value} {unit} is over the limit of {limit:,} {unit} (ten years)"
                ).format(value=_fmt(value), unit=deadline.unit, limit=limit),
                deadline.amount.span,
                _("real deadlines are days or weeks; check for a typing slip"),
            )
    return "datetime" if deadline.unit == "hours" else "date"


# ------------------------------------------------------------ facts


def _records(
    cx: Context, node_id: str, records: str, deadline: syntax.Deadline, span: Span
) -> None:
    _fact(cx, node_id, records, "records", span)
    kind = _deadline(cx, deadline)
    fields = cx.record_types.setdefault((node_id, records), {})
    for field in filter(None, (deadline.end, deadline.start)):
        prior = fields.get(field)
        if prior is None or prior[0] == kind:
            fields[field] = (kind, deadline.span)
        else:
            fields[field] = (_COMPATIBLE[frozenset({prior[0], kind})], prior[1])


def _fact_ref(cx: Context, node_id: str, ref: syntax.FactRef, kind: FactType) -> None:
    owner = ref.node or node_id
    if ref.node is not None and ref.node not in cx.node_ids:
        cx.report(
            "DR102",
            _("unknown node {node!r} in fact {ref}").format(node=ref.node, ref=ref),
            ref.span,
            did_you_mean(ref.node, cx.node_ids),
        )
        return
    _fact(cx, owner, ref.field, kind, ref.span, reader=node_id)


def _fact(
    cx: Context, node_id: str, field: str, kind: FactType, span: Span, reader: str | None = None
) -> None:
    """Record that ``reader`` (by default the fact's own node) reads ``node_id.field``."""
    key = (node_id, field)
    cx.reads.setdefault(reader or node_id, set()).add(key)
    if key not in cx.fact_types:
        cx.fact_types[key] = (kind, span)
        return
    prior, prior_span = cx.fact_types[key]
    if prior == kind:
        return
    merged = _COMPATIBLE.get(frozenset({prior, kind}))
    if merged is not None:
        cx.fact_types[key] = (merged, prior_span)
        return
    cx.report(
        "DR107",
        _("fact {node_id}.{field} is used as a {kind} here but as a {prior} on line {line}").format(
            node_id=node_id, field=field, kind=kind, prior=prior, line=prior_span.line
        ),
        span,
        _("use two differently named facts"),
    )
