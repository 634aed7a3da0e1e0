"""Targeted strategies and what-if helpers for ruleset authors.

Beside :mod:`.strategies` (whole cohorts, every value in range) and :mod:`.checks`
(properties of scored cohorts): an author checking one indicator wants facts that vary
only that indicator, values that sit on the edges where its rules change their
answer, and the effect of changing one fact. :func:`facts_for` draws one unit's facts
in which every item outside ``node`` has its full points (as
:func:`~disclosure_rules.testing.cases.full_marks` gives them) and the items under
``node`` vary; ``near="threshold"`` puts every fact a comparison reads one step
below, on or above the number it is compared with (``zero when stale_columns > 3``:
2, 3 or 4), ``near="floor"`` puts every per-incident count around the count that
uses up the item's points (``deduct 2 per lost_lawsuits`` on 5 points: 2, 3 or 4).
:func:`score_change` scores a unit twice, with one fact changed, and reports both
scores.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Literal

import attrs
from hypothesis import strategies as st

from ..api import Ruleset
from ..model.conditions import Compare
from ..model.graph import EvaluationGraph, GraphNode
from ..model.rules import DeductPer
from .cases import full_marks
from .facts import _item_cell

__all__ = ["ScoreChange", "facts_for", "score_change"]

Near = Literal["threshold", "floor"]


def _graph(ruleset: Ruleset | EvaluationGraph) -> EvaluationGraph:
    return ruleset.graph if isinstance(ruleset, Ruleset) else ruleset


def _subtree(g: EvaluationGraph, node_id: str) -> list[GraphNode]:
    """``node_id`` and every node below it."""
    found, stack = [], [g.node(node_id)]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(g.nodes[i] for i in node.children)
    return found


def _comparisons(condition: Any) -> Iterator[Compare]:
    """Every ``FACT OP NUMBER`` inside a condition, however nested."""
    if isinstance(condition, Compare):
        yield condition
    for part in (getattr(condition, "part", None), *getattr(condition, "parts", ())):
        if part is not None:
            yield from _comparisons(part)


def _edges(node: GraphNode, near: Near) -> dict[str, list[int]]:
    """For each count of ``node`` a rule turns on, the values around where it turns."""
    edges: dict[str, set[int]] = {}
    for clause in node.clauses:
        if near == "threshold":
            for compare in _comparisons(getattr(clause, "condition", None)):
                if compare.node == node.id or compare.node in ("", None):
                    mid = math.floor(compare.value)
                    edges.setdefault(compare.field, set()).update((mid - 1, mid, mid + 1))
        elif isinstance(clause, DeductPer) and clause.amount > 0:
            used_up = math.ceil(node.points / clause.amount)
            edges.setdefault(clause.fact, set()).update((used_up - 1, used_up, used_up + 1))
    return {fact: sorted(v for v in values if v >= 0) for fact, values in edges.items()}


@st.composite
def _targeted_cell(draw: st.DrawFn, node: GraphNode, near: Near | None) -> dict[str, Any]:
    cell = draw(_item_cell(node))
    if near is not None:
        for fact, values in _edges(node, near).items():
            if values:
                cell[fact] = draw(st.sampled_from(values))
    return cell


def facts_for(
    ruleset: Ruleset | EvaluationGraph,
    node: str,
    tags: Iterable[str] = (),
    near: Near | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """One unit's facts: full points outside ``node``, drawn facts for the items under it.

    ``near`` (``"threshold"`` or ``"floor"``) draws the facts the rules of those items
    turn on from the values around where they turn; the other facts stay in range.
    An unknown ``node`` is a ``KeyError`` at once, naming the ruleset's nodes.
    """
    g = _graph(ruleset)
    if node not in g.by_id:
        msg = f"no node {node!r} in ruleset {g.id!r}; its nodes: {', '.join(g.by_id)}"
        raise KeyError(msg)
    if near not in (None, "threshold", "floor"):
        msg = f"near is 'threshold', 'floor' or None, not {near!r}"
        raise ValueError(msg)
    return _facts_for(g, node, frozenset(tags), near)


@st.composite
def _facts_for(
    draw: st.DrawFn, g: EvaluationGraph, node: str, tags: frozenset[str], near: Near | None
) -> dict[str, Any]:
    facts = full_marks(g, tags)
    for item in _subtree(g, node):
        if item.id in facts and item.scoring == "item":
            facts[item.id] = draw(_targeted_cell(item, near))
    return facts


@attrs.frozen
class ScoreChange:
    """A unit's total and one node's score before and after one fact changed."""

    node: str
    fact: str
    old: Any
    new: Any
    total_before: Decimal
    total_after: Decimal
    node_before: Decimal
    node_after: Decimal

    @property
    def delta(self) -> Decimal:
        """How much the unit's total moved (negative: it went down)."""
        return self.total_after - self.total_before

    @property
    def node_delta(self) -> Decimal:
        return self.node_after - self.node_before


def score_change(
    ruleset: Ruleset,
    facts: dict[str, Any],
    node: str,
    fact: str,
    value: Any,
    tags: Iterable[str] = (),
) -> ScoreChange:
    """Score one unit's ``facts`` as given and with ``facts[node][fact] = value``.

    The unit is scored alone (a cohort of one), so N/A averages are its own; the
    facts given are not modified.
    """
    changed = copy.deepcopy(facts)
    cell = changed.setdefault(node, {})
    old = cell.get(fact) if isinstance(cell, dict) else None
    if not isinstance(cell, dict):
        msg = f"the facts of {node!r} are {cell!r}, not an object of facts"
        raise ValueError(msg)
    cell[fact] = value
    unit = {"id": "单位", "tags": sorted(tags)}
    before = ruleset.evaluate({"units": [{**unit, "facts": facts}]}).unit("单位")
    after = ruleset.evaluate({"units": [{**unit, "facts": changed}]}).unit("单位")
    return ScoreChange(
        node=node,
        fact=fact,
        old=old,
        new=value,
        total_before=before.total,
        total_after=after.total,
        node_before=before.score(node),
        node_after=after.score(node),
    )
