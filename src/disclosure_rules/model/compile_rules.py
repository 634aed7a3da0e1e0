"""Compiling an item's rules: numbers, conditions and rules → their compiled classes.

Part of compiling (:mod:`disclosure_rules.model.compile`): :meth:`RuleCompiler.rule`
and :meth:`RuleCompiler.cond` are the one place per concern that maps syntax to the
classes of :mod:`disclosure_rules.model.rules`, numbers resolved against the
parameters, and each rule given its id (:mod:`disclosure_rules.language.ids`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import assert_never

import attrs

from ..language import syntax
from ..language.ids import derive_ids, signature, stem
from ..language.symbols import ParamValue
from .rules import (
    AllMet,
    AllOf,
    AllOrNothing,
    AnyOf,
    Awarded,
    BaseRule,
    Compare,
    Condition,
    DeadlineRule,
    DeductLate,
    DeductMissing,
    DeductPer,
    DeductWhen,
    Full,
    Met,
    Not,
    Rate,
    RateOnTime,
    Rule,
    Truthy,
    ZeroWhen,
)

__all__ = ["RuleCompiler"]


class RuleCompiler:
    """Numbers, conditions and an item's rules, against the checked parameters."""

    def __init__(self, params: Mapping[str, ParamValue]) -> None:
        self.params = params

    # -- numbers

    def num(self, number: syntax.Number) -> Decimal:
        if isinstance(number, syntax.Literal):
            return number.value
        return self.params[number.name].value

    def assumed_in(self, *numbers: syntax.Number | None) -> tuple[str, ...]:
        names = []
        for n in numbers:
            if isinstance(n, syntax.ParamRef) and self.params[n.name].assumed:
                names.append(n.name)
        return tuple(names)

    def cond(self, owner: str, c: syntax.Condition) -> tuple[Condition, tuple[str, ...]]:
        """The one place a syntax condition becomes its compiled class (and the assumed
        parameters it reads)."""
        match c:
            case syntax.AllOf() | syntax.AnyOf():
                parts = [self.cond(owner, p) for p in c.parts]
                names = tuple(a for _, found in parts for a in found)
                kind = AllOf if isinstance(c, syntax.AllOf) else AnyOf
                return kind(tuple(p for p, _ in parts)), names
            case syntax.Not():
                part, names = self.cond(owner, c.part)
                return Not(part), names
            case syntax.Met():
                return Met(owner, self.deadline(c.deadline)), self.assumed_in(c.deadline.amount)
            case syntax.AllMet():
                deadline = self.deadline(c.deadline)
                return AllMet(owner, c.records, deadline), self.assumed_in(c.deadline.amount)
            case syntax.Compare():
                node = c.fact.node or owner
                value = self.num(c.value)
                return Compare(node, c.fact.field, c.op, value), self.assumed_in(c.value)
            case syntax.Truthy():
                return Truthy(c.fact.node or owner, c.fact.field), ()
            case _:
                assert_never(c)

    def deadline(self, d: syntax.Deadline) -> DeadlineRule:
        amount = self.num(d.amount) if d.amount is not None else None
        return DeadlineRule(d.end, d.start, amount, d.unit, d.by)

    def clauses(self, node: syntax.Node) -> tuple[tuple[Rule, ...], BaseRule]:
        """The item's rules in order, each with its id, and its base (``full`` when it has
        only steps)."""
        ids = derive_ids(node.id, [signature(rule) for rule in node.rules])
        out = tuple(
            attrs.evolve(self.rule(node.id, rule), id=rule_id)
            for rule, rule_id in zip(node.rules, ids, strict=True)
        )
        base = next((r for r in out if isinstance(r, BaseRule)), None)
        if base is None:
            default = Full if out else Awarded
            base = default(node.span.line, id=stem(node.id, default.type))
        return out, base

    def rule(self, owner: str, rule: syntax.Rule) -> Rule:
        """The one place a syntax rule becomes its compiled class (with why it is assumed,
        when the source does not state it)."""
        compiled = self.rule_as_stated(owner, rule)
        if rule.assumption is None:
            return compiled
        return attrs.evolve(compiled, assumption=rule.assumption.reason)

    def rule_as_stated(self, owner: str, rule: syntax.Rule) -> Rule:
        line, cite = rule.span.line, rule.cite.text if rule.cite else None
        match rule:
            case syntax.Award(mode="awarded"):
                return Awarded(line, cite)
            case syntax.Award(mode="full"):
                return Full(line, cite)
            case syntax.Award():
                return AllOrNothing(line, cite)
            case syntax.Rate():
                return Rate(line, rule.fact.field, rule.fact.node, cite)
            case syntax.DeductPer():
                most = self.num(rule.max) if rule.max is not None else None
                assumed = self.assumed_in(rule.amount, rule.max)
                fact, node = rule.fact.field, rule.fact.node
                return DeductPer(line, self.num(rule.amount), fact, node, most, cite, assumed)
            case syntax.DeductMissing():
                amount, of = self.num(rule.amount), self.num(rule.of)
                assumed = self.assumed_in(rule.amount, rule.of)
                return DeductMissing(
                    line, amount, rule.fact.field, of, rule.fact.node, cite, assumed
                )
            case syntax.DeductWhen():
                cond, names = self.cond(owner, rule.condition)
                assumed = self.assumed_in(rule.amount) + names
                return DeductWhen(line, self.num(rule.amount), cond, cite, assumed)
            case syntax.ZeroWhen():
                cond, names = self.cond(owner, rule.condition)
                return ZeroWhen(line, cond, cite, names)
            case syntax.DeductLate():
                most = self.num(rule.max) if rule.max is not None else None
                assumed = self.assumed_in(rule.amount, rule.max, rule.deadline.amount)
                deadline = self.deadline(rule.deadline)
                amount = self.num(rule.amount)
                return DeductLate(line, amount, rule.records, deadline, most, cite, assumed)
            case syntax.RateOnTime():
                assumed = self.assumed_in(rule.deadline.amount)
                deadline = self.deadline(rule.deadline)
                return RateOnTime(line, rule.records, deadline, cite, assumed)
            case _:
                assert_never(rule)
