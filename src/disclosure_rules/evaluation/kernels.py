"""The scoring kernels of a run: a leaf from one unit's facts, a node from its children.

Called by the engine (:mod:`disclosure_rules.evaluation.engine`) as it walks
the plan. A leaf's kernel settles an empty list of records the ruleset gives a meaning,
checks the item's evidence (:mod:`.evidence`), then lets its rules
score it (:mod:`disclosure_rules.model.rules`: the base, then each step in
order) and clamps the result; aggregation sums the children (weighted for
components), applies the parent's N/A adjustments (:mod:`.na`), a resolved
points mismatch, the floor and cap, and adds bonuses last.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..decimals import ZERO, divide
from ..decimals import text as exact
from ..facts import NodeFacts
from ..facts.model import Shape
from ..i18n import _
from ..model.graph import GraphNode
from ..model.requirements import EmptyRule
from ..model.rules import NO_DEFAULTS, Awarded, FactDefault, MissingFact, Scope
from .evidence import Failure, judge
from .na import OWN_RATE, POLICIES, REDISTRIBUTE, RESCALE
from .results import contribution
from .tracer import NullTracer

if TYPE_CHECKING:
    from .engine import Run

__all__ = ["Kernel", "aggregate", "kernel_for"]

Kernel = Callable[[Scope, NodeFacts], Decimal]
"""A leaf's score for the unit of the scope, from that unit's facts of the leaf."""

_SILENT = NullTracer()
_MAX_SHAPES = 4096  # evidence shapes an item remembers as accepted whole


def kernel_for(run: Run, node: GraphNode) -> Kernel:
    """The kernel that scores leaf ``node`` (by how it is scored: item, direct, survey)."""
    return _KERNELS[node.scoring](run, node)


def _defaults(node: GraphNode) -> dict[tuple[str, str], FactDefault]:
    return {(d.node, d.field): d for d in node.defaults}


def _with_defaults(kernel: Kernel, defaults: dict[tuple[str, str], FactDefault]) -> Kernel:
    """``kernel`` with the node's fact defaults in the scope while it runs: specialised,
    so a node without any runs its kernel as it is."""
    if not defaults:
        return kernel

    def defaulted(scope: Scope, facts: NodeFacts) -> Decimal:
        scope.defaults = defaults
        try:
            return kernel(scope, facts)
        finally:
            scope.defaults = NO_DEFAULTS

    return defaulted


def item_kernel(run: Run, node: GraphNode) -> Kernel:
    """Score one item from one unit's facts: empty records, evidence, base, steps, clamp."""
    idx, node_id, points = node.index, node.id, node.points
    defaults = _defaults(node)
    status = run.status[idx]
    required, rejected = node.evidence_required, node.rejected
    screened = required or bool(rejected) or node.evidence_needs.by is not None
    plain = not node.evidence_needs  # no kinds or deadline to judge: the fast path
    # a verdict depends on the evidence's shape alone (its kinds and days): the shapes
    # whose every piece is accepted and meets the requirement are not judged again
    accepted_whole: set[Shape] = set()
    no_evidence = Failure(
        "evidence_required", node.evidence_line, node.evidence_cite, "no evidence supplied", {}
    )
    empties = node.empty
    base, steps = node.base, node.steps
    can_go_negative = node.floor.value is None or node.floor.value < ZERO
    # Awarded points alone stay within [0, points] (the facts loader checks them), so
    # when the bounds are the defaults no clamp can bite and none is looked for.
    unbounded = (
        isinstance(base, Awarded)
        and not steps
        and (node.cap.value is None or node.cap.value >= points)
        and (node.floor.value is None or node.floor.value <= ZERO)
    )

    def claim(scope: Scope, facts: NodeFacts) -> Decimal:
        """The item's score from its facts, as if credited (raises MissingFact)."""
        score = base.start(scope)
        for step in steps:
            score = step.apply(scope, score)
        if facts.note:
            scope.record("note", ZERO, note=facts.note)
        if unbounded:
            return score
        return run.bounded(node, scope.unit, score, scope.tracer)

    def not_credited(scope: Scope, facts: NodeFacts, failure: Failure) -> Decimal:
        """Evidence not accepted: no credit. Deductions that would take the item below
        zero (under ``floor none``) still apply, so withholding evidence never pays."""
        status[scope.unit] = "not_credited"
        value = ZERO
        if can_go_negative:
            tracer, scope.tracer = scope.tracer, _SILENT
            try:
                value = min(ZERO, claim(scope, facts))
            except MissingFact:
                value = ZERO
            finally:
                scope.tracer = tracer
        shown: dict[str, Any] = dict(failure.inputs)
        if value < ZERO:
            shown["deductions_below_zero"] = value
        note = _("not credited: {reason}").format(reason=failure.reason)
        scope.record(
            "evidence", value, failure.rule, failure.line, failure.cite, shown or None, note
        )
        return value

    def kernel(scope: Scope, facts: NodeFacts) -> Decimal:
        scope.index, scope.node, scope.points, scope.values = idx, node_id, points, facts.values
        for rule in empties:
            if facts.values.get(rule.records) == ():
                if rule.meaning != "full":
                    return empty_records(run, node, scope, facts, rule)
                note = _(
                    "no {records}: full points, as the ruleset says an empty list means"
                ).format(records=rule.records)
                scope.record("empty", ZERO, "no_records", rule.line, rule.cite, None, note)
        if screened:
            if plain and rejected.isdisjoint(facts.kinds):
                if required and not facts.evidence:
                    return not_credited(scope, facts, no_evidence)
            elif (shape := facts.evidence_shape) not in accepted_whole:
                verdict = judge(node, facts)
                if verdict.failure is not None:
                    return not_credited(scope, facts, verdict.failure)
                if verdict.set_aside:
                    # all accepted is derived from the facts when the ledger is read
                    inputs = {"accepted": verdict.accepted, **verdict.set_aside}
                    scope.record("evidence", ZERO, None, None, verdict.cite, inputs)
                elif len(accepted_whole) < _MAX_SHAPES:
                    accepted_whole.add(shape)
        try:
            return claim(scope, facts)
        except MissingFact as missing:
            field = missing.field
            default = defaults.get((missing.node or node_id, field))
            run.unsupplied(node, scope.unit, field, default)
            return ZERO

    return _with_defaults(kernel, defaults)


def empty_records(
    run: Run, node: GraphNode, scope: Scope, facts: NodeFacts, rule: EmptyRule
) -> Decimal:
    """An empty list of records that means zero, or not applicable (``no R means …``)."""
    if rule.meaning == "zero":
        note = _("no {records}: no points, as the ruleset says an empty list means").format(
            records=rule.records
        )
        scope.record("base", ZERO, "no_records", rule.line, rule.cite, {rule.records: 0}, note)
        return ZERO
    note = _("no {records}: not applicable, as the ruleset says an empty list means").format(
        records=rule.records
    )
    scope.record("empty", ZERO, "no_records", rule.line, rule.cite, None, note)
    run.declared_na(node, scope.unit, facts, _("no {records}").format(records=rule.records))
    return ZERO


def direct_kernel(run: Run, node: GraphNode) -> Kernel:
    """A directly scored component: the score given, within the declared range."""
    idx, line, cite = node.index, node.line, node.direct_cite

    def kernel(scope: Scope, facts: NodeFacts) -> Decimal:
        value = facts.values["score"]
        assert isinstance(value, Decimal)
        scope.tracer.record(
            idx, scope.unit, "base", value, "direct_score", line, cite, {"score": value}
        )
        return value

    return kernel


def survey_kernel(run: Run, node: GraphNode) -> Kernel:
    """A survey component: points × the weighted share of answers."""
    defaults = _defaults(node)

    def kernel(scope: Scope, facts: NodeFacts) -> Decimal:
        u = scope.unit
        scope.index, scope.node, scope.values = node.index, node.id, facts.values
        try:
            counts = {name: scope.fact(None, name) for name, _weight in node.answers}
        except MissingFact as missing:
            run.unsupplied(node, u, missing.field, defaults.get((node.id, missing.field)))
            return ZERO
        responses = sum((c for c in counts.values() if isinstance(c, Decimal)), ZERO)
        if responses == ZERO:
            run.missing(node, u, "responses")
            return ZERO
        weighted = sum((counts[name] * w for name, w in node.answers), ZERO)
        rate = divide(weighted, responses)
        score = divide(node.points * weighted, responses)
        outcome = next((name for name, t in node.outcomes if t is None or rate >= t), None)
        inputs = {**counts, "responses": responses, "rate": rate, "outcome": outcome}
        note = _("satisfaction {rate}% of {responses} responses").format(
            rate=exact(rate * 100), responses=exact(responses)
        )
        if outcome:
            note = _("{note}: {outcome}").format(note=note, outcome=outcome)
        scope.tracer.record(node.index, u, "base", score, "survey", node.line, None, inputs, note)
        return score

    return _with_defaults(kernel, defaults)


_KERNELS: dict[str, Callable[[Run, GraphNode], Kernel]] = {
    "item": item_kernel,
    "direct": direct_kernel,
    "survey": survey_kernel,
}

# ---------------------------------------------------------------- aggregation


def aggregate(run: Run, node: GraphNode) -> None:
    """Score ``node`` for every unit from its children's scores."""
    regular = [run.g.nodes[c] for c in node.children if run.g.nodes[c].kind != "bonus"]
    factors = [run.factors[c.index] for c in regular]
    weighted = any(divisor is not None for _score, divisor in factors)
    plan = _Adjustments(run, node, regular, weighted)
    if not plan.any():
        plain_sums(run, node, [run.scores[c.index] for c in regular], factors if weighted else None)
        return
    for u in range(run.n):
        if plan.gated and run.gated_out(node, u):
            continue
        run.scores[node.index][u] = plan.score(u, factors)


class _Adjustments:
    """What makes a node's score more than the clamped sum of its children."""

    def __init__(self, run: Run, node: GraphNode, regular: list[GraphNode], weighted: bool):
        self.run, self.node, self.regular, self.weighted = run, node, regular, weighted
        children = [run.g.nodes[c] for c in node.children]
        self.bonuses = [c.index for c in children if c.kind == "bonus"]
        self.gated = bool(run.gated[node.index]) or node.applies_to is not None
        self.own_rate = [c for c in regular if c.index in run.pending_own_rate]
        self.scale = node.resolve == "scale" and bool(node.children_points)
        self.redistribute = [c for c in regular if _policy(c) is REDISTRIBUTE]
        self.rescaled = [
            run.g.nodes[i]
            for i in run.rescaled_in.get(node.index, [])
            if node.kind in ("component", "ruleset") and not weighted
        ]
        self.children_max = sum((c.points for c in regular), ZERO)

    def any(self) -> bool:
        return bool(
            self.gated
            or self.own_rate
            or self.scale
            or self.redistribute
            or self.rescaled
            or self.bonuses
        )

    def score(self, u: int, factors: list[tuple[Decimal, Decimal | None]]) -> Decimal:
        run, node = self.run, self.node
        for child in self.own_rate:
            if u in run.pending_own_rate[child.index]:
                OWN_RATE.settle_child(run, child, u, self.regular)
        columns = [run.scores[c.index][u] for c in self.regular]
        if self.weighted:
            raw = sum(
                (contribution(v, f, d) for v, (f, d) in zip(columns, factors, strict=True)), ZERO
            )
        else:
            raw = sum(columns, ZERO)
        score = raw
        if self.scale:
            score += self.resolve_scale(u, raw)
        if self.redistribute:
            score += REDISTRIBUTE.spread(run, node, u, self.redistribute, self.children_max, raw)
        if self.rescaled:
            score += RESCALE.spread(run, node, u, self.rescaled, self.children_max, raw)
        score = run.bounded(node, u, score, run.tracer)
        for b in self.bonuses:
            if run.status[b][u] != "skipped":
                score += run.scores[b][u]
        return score

    def resolve_scale(self, u: int, raw: Decimal) -> Decimal:
        """``resolve scale``: the children's sum scaled to the node's declared points."""
        node = self.node
        assert node.children_points is not None
        delta = divide(raw * node.points, node.children_points) - raw
        inputs = {"declared": node.points, "children": node.children_points}
        note = _("parts scaled by {points}/{children_points}").format(
            points=exact(node.points), children_points=exact(node.children_points)
        )
        self.run.tracer.record(
            node.index, u, "resolve", delta, "scale", node.line, node.resolve_cite, inputs, note
        )
        return delta


def _policy(node: GraphNode) -> object:
    return None if node.na is None else POLICIES[node.na.policy]


def plain_sums(
    run: Run,
    node: GraphNode,
    columns: list[list[Decimal]],
    factors: list[tuple[Decimal, Decimal | None]] | None,
) -> None:
    """The common case, column-wise: sum the children, then clamp."""
    if factors is None:
        raws = [sum(row, ZERO) for row in zip(*columns, strict=True)]
    else:
        raws = [
            sum((contribution(v, f, d) for v, (f, d) in zip(row, factors, strict=True)), ZERO)
            for row in zip(*columns, strict=True)
        ]
    cap, floor = node.cap.value, node.floor.value
    record = run.tracer.record
    for u, raw in enumerate(raws):
        if cap is not None and raw > cap:
            record(node.index, u, *clamp("cap", cap, raw, node.cap.line, node.cap.cite))
            raws[u] = cap
        elif floor is not None and raw < floor:
            record(node.index, u, *clamp("floor", floor, raw, node.floor.line, node.floor.cite))
            raws[u] = floor
    run.scores[node.index] = raws


def clamp(
    kind: str, bound: Decimal, score: Decimal, line: int | None, cite: str | None
) -> tuple[str, Decimal, str, int | None, str | None, dict[str, Any], str]:
    """The entry (as :meth:`Tracer.record` takes it) of a floor or cap that absorbed
    part of a score."""
    note = _("the {kind} at {bound} absorbed {exact}").format(
        kind=kind, bound=exact(bound), exact=exact(score - bound)
    )
    return "clamp", bound - score, kind, line, cite, {"bound": bound}, note
