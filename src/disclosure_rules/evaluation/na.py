"""Not applicable (N/A): one class per policy, giving an N/A cell its score.

The engine (:mod:`disclosure_rules.evaluation.engine`) marks a cell N/A (the
unit declared it, or an ``applies to`` gate left the unit out) and hands it to
the policy in force on the node. A policy settles the cell at one of three
moments of the plan, whichever its meaning needs:

- at a cohort barrier, once every unit's score of the node is known
  (:class:`Average`, :class:`GroupAverage`);
- when the parent is aggregated, from the unit's own siblings
  (:class:`OwnRate`);
- as an adjustment of the parent's sum, spreading the N/A points over what
  was assessed (:class:`Redistribute` over the parent, :class:`Rescale` over
  the component).

When there is nothing to average over, :func:`component_rate` is the fallback
(the unit's own score rate on the items it was assessed on). Every N/A value is
kept within the node's floor and cap (:meth:`Run.settle_na`). Adding a policy
is one class here, registered in :data:`POLICIES`, and one test file.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from ..decimals import ZERO, divide
from ..decimals import text as exact
from ..i18n import _
from ..model.graph import GraphNode, NaRule
from .audit import Entry

if TYPE_CHECKING:
    from .engine import Run

__all__ = [
    "OWN_RATE",
    "POLICIES",
    "REDISTRIBUTE",
    "RESCALE",
    "Average",
    "GroupAverage",
    "OwnRate",
    "Policy",
    "Redistribute",
    "Rescale",
    "component_rate",
    "policy_of",
]

NOT_ASSESSED = ("na", "skipped")
"""Statuses of a cell the unit was not assessed on."""


Groups = dict[str | None, tuple[Decimal, int]]
"""The sum and count of assessed scores per group of units."""


def _rule(node: GraphNode) -> NaRule:
    assert node.na is not None, f"{node.id} is N/A without a policy"
    return node.na


class Policy:
    """An N/A policy; each subclass settles its cells at its own moment of the plan."""

    name: ClassVar[str]
    averaged: ClassVar[bool] = False  # settled at a cohort barrier over the node's column

    def mark(self, run: Run, node: GraphNode, u: int, reason: str) -> None:
        """The cell is N/A: remember it until its moment comes."""
        run.na_units.setdefault(node.index, []).append(u)

    def settle_cohort(self, run: Run, node: GraphNode) -> None:
        """At the node's cohort barrier (only for averaged policies)."""

    def settle_child(self, run: Run, node: GraphNode, u: int, siblings: list[GraphNode]) -> None:
        """When the parent is aggregated (only for :class:`OwnRate`)."""


class Average(Policy):
    """``average``: the mean score of the units assessed on the node, over the cohort."""

    name = "average"
    averaged = True

    def groups(self, run: Run, node: GraphNode) -> Groups:
        """The sum and count of assessed scores per group (one group here: the cohort)."""
        return {}

    def label(
        self, run: Run, node: GraphNode, u: int, groups: Groups, cohort: tuple[Decimal, int]
    ) -> tuple[Decimal, int, str, str]:
        """(sum, count, label, note) of the average unit ``u`` gets."""
        return *cohort, "the cohort", ""

    def settle_cohort(self, run: Run, node: GraphNode) -> None:
        na_units = run.na_units.get(node.index)
        if not na_units:
            return
        rule = _rule(node)
        # N/A and skipped cells still score 0 here, so the column's sum is the assessed sum
        total = sum(run.scores[node.index], ZERO)
        count = run.n - len(na_units) - run.status[node.index].count("skipped")
        groups = self.groups(run, node)
        for u in na_units:
            if not count:
                reason = _("no unit in the cohort is assessed on it, so there is no average")
                component_rate(run, node, u, "DR401", reason)
                continue
            in_sum, over, label, note = self.label(run, node, u, groups, (total, count))
            value = divide(in_sum, Decimal(over))
            text = _("not applicable: the average of {over} assessed units ({label}){note}").format(
                over=over, label=label, note=note
            )
            inputs = {"over": over, "sum": in_sum, "of": label}
            entry = Entry("na", value, rule.policy, rule.line, rule.cite, inputs, note=text)
            run.settle_na(node, u, entry)


class GroupAverage(Average):
    """``group_average over TAGS``: the mean within the unit's group (its first tag in
    ``over``); the cohort's mean when nobody in the group was assessed."""

    name = "group_average"

    def groups(self, run: Run, node: GraphNode) -> Groups:
        over = _rule(node).over
        status, scores = run.status[node.index], run.scores[node.index]
        members: dict[str | None, list[int]] = {}
        for u, st in enumerate(status):
            if st not in NOT_ASSESSED:
                members.setdefault(run.group(u, over), []).append(u)
        return {g: (sum((scores[m] for m in ms), ZERO), len(ms)) for g, ms in members.items()}

    def label(
        self, run: Run, node: GraphNode, u: int, groups: Groups, cohort: tuple[Decimal, int]
    ) -> tuple[Decimal, int, str, str]:
        group = run.group(u, _rule(node).over)
        if group not in groups:
            note = _("; no assessed unit in group {group}, so the cohort average is used").format(
                group=group
            )
            return *cohort, _("the cohort"), note
        total, count = groups[group]
        return total, count, f"group {group}" if group else "units with none of the group tags", ""


class OwnRate(Policy):
    """``own_rate``: the node's points × the unit's own score rate on its assessed siblings."""

    name = "own_rate"

    def mark(self, run: Run, node: GraphNode, u: int, reason: str) -> None:
        super().mark(run, node, u, reason)
        run.pending_own_rate.setdefault(node.index, set()).add(u)

    def settle_child(self, run: Run, node: GraphNode, u: int, siblings: list[GraphNode]) -> None:
        run.pending_own_rate[node.index].discard(u)
        assessed = [
            s
            for s in siblings
            if s.index != node.index and run.status[s.index][u] not in NOT_ASSESSED
        ]
        got = sum((run.scores[s.index][u] for s in assessed), ZERO)
        of = sum((s.points for s in assessed), ZERO)
        if of == ZERO:
            reason = _("no sibling was assessed, so there is no own rate on siblings")
            component_rate(run, node, u, "DR402", reason)
            return
        rule = _rule(node)
        inputs = {"siblings_score": got, "siblings_max": of, "points": node.points}
        note = _(
            "not applicable: {points} × the unit's own rate {got}/{of} on {assessed} sibling(s)"
        ).format(points=exact(node.points), got=exact(got), of=exact(of), assessed=len(assessed))
        value = divide(node.points * got, of)
        run.settle_na(node, u, Entry("na", value, "own_rate", rule.line, rule.cite, inputs, note))


class _Spread(Policy):
    """What redistribute and rescale share: the N/A cell scores 0 and its points are
    spread over what was assessed, by scaling the sum up (×all/applicable)."""

    where: ClassVar[str]
    wording: ClassVar[str]

    def mark(self, run: Run, node: GraphNode, u: int, reason: str) -> None:
        super().mark(run, node, u, reason)
        rule = _rule(node)
        note = _("{reason}; its points are spread over {where}").format(
            reason=reason, where=self.where
        )
        run.tracer.add(
            node.index, u, Entry("na", ZERO, rule.policy, rule.line, rule.cite, note=note)
        )

    def spread(
        self,
        run: Run,
        parent: GraphNode,
        u: int,
        candidates: Sequence[GraphNode],
        children_max: Decimal,
        raw: Decimal,
    ) -> Decimal:
        """The change to the parent's sum ``raw`` for unit ``u`` (0 when nothing is N/A)."""
        na_children = [c for c in candidates if run.status[c.index][u] == "na"]
        if not na_children:
            return ZERO
        applicable = children_max - sum((c.points for c in na_children), ZERO)
        if applicable <= ZERO:
            return ZERO
        delta = divide(raw * children_max, applicable) - raw
        rule = _rule(na_children[0])
        inputs = {
            "not_applicable": [c.id for c in na_children],
            "factor": divide(children_max, applicable),
        }
        note = _("{wording}: ×{children_max}/{applicable}").format(
            wording=self.wording, children_max=exact(children_max), applicable=exact(applicable)
        )
        entry = Entry(self.name, delta, self.name, rule.line, rule.cite, inputs, note=note)
        run.tracer.add(parent.index, u, entry)
        return delta


class Redistribute(_Spread):
    """``redistribute``: the N/A item's points spread over its siblings."""

    name = "redistribute"
    where = _("its parent")
    wording = _("points of N/A parts spread over the others")


class Rescale(_Spread):
    """``rescale``: the component's score on applicable items scaled to its full total."""

    name = "rescale"
    where = _("the component")
    wording = _("score on applicable items scaled to the full total")


OWN_RATE, REDISTRIBUTE, RESCALE = OwnRate(), Redistribute(), Rescale()
"""The policies the parent's aggregation calls by name."""

POLICIES: dict[str, Policy] = {
    p.name: p for p in (Average(), GroupAverage(), OWN_RATE, REDISTRIBUTE, RESCALE)
}
"""Every policy by the name a ruleset gives it."""


def policy_of(node: GraphNode) -> Policy:
    return POLICIES[_rule(node).policy]


def component_rate(run: Run, node: GraphNode, u: int, code: str, reason: str) -> None:
    """Fallback for an N/A cell with nothing to average: the unit's own score rate on
    every item it was assessed on in the same component (for a component itself, in
    the whole ruleset), with a warning."""
    scope = run.leaves_of.get(run.component_of[node.index], [])
    if node.kind == "component":
        scope = [i for leaves in run.leaves_of.values() for i in leaves]
    assessed = [i for i in scope if i != node.index and run.status[i][u] not in NOT_ASSESSED]
    got = sum((run.scores[i][u] for i in assessed), ZERO)
    of = sum((run.g.nodes[i].points for i in assessed), ZERO)
    value = divide(node.points * got, of) if of else ZERO
    where = _("the ruleset") if node.kind == "component" else _("the component")
    run.warn(
        code,
        u,
        node.id,
        _(
            "{reason}; the unit's own score rate on the {assessed} "
            "item(s) it was assessed on in {where} is used"
        ).format(reason=reason, assessed=len(assessed), where=where),
    )
    rule = _rule(node)
    inputs = {
        "component_score": got,
        "component_max": of,
        "items": len(assessed),
        "points": node.points,
    }
    note = _(
        "not applicable, {reason}: {points} × the unit's own rate "
        "{got}/{of} on {assessed} item(s) of {where}"
    ).format(
        reason=reason,
        points=exact(node.points),
        got=exact(got),
        of=exact(of),
        assessed=len(assessed),
        where=where,
    )
    run.settle_na(node, u, Entry("na", value, rule.policy, rule.line, rule.cite, inputs, note=note))
