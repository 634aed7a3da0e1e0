"""The last steps of a run: vetoes per unit, then ranks and grades over the cohort.

After the engine (:mod:`disclosure_rules.evaluation.engine`) has every unit's
total, vetoes (单项否决) cap the totals of the units they fire on; then ranks
and grades are decided on the presented (rounded) totals, so two units shown
with the same score share a rank and a grade; grade quotas need the whole
cohort's ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

import attrs

from ..decimals import ZERO, divide, round_half_up
from ..decimals import text as exact
from ..model.graph import EvaluationGraph, GradeBand, VetoRule
from ..model.rules import LateCalendar, MissingFact, judge_condition
from .audit import Entry

if TYPE_CHECKING:
    from .engine import Run

__all__ = ["Standing", "grades", "ranks", "standings", "vetoes"]


def vetoes(run: Run, totals: list[Decimal]) -> list[list[str]]:
    """The vetoes that fire on each unit; a veto with a score caps the unit's total."""
    fired: list[list[str]] = [[] for _ in range(run.n)]
    for veto in run.g.vetoes:
        for u in range(run.n):
            if _veto(run, veto, u, totals):
                fired[u].append(veto.id)
    return fired


def _veto(run: Run, veto: VetoRule, u: int, totals: list[Decimal]) -> bool:
    own = run.facts[u].get(veto.id)
    scope = run.scope(u)
    scope.index, scope.node, scope.values = 0, veto.id, own.values if own is not None else {}
    try:
        held, shown = judge_condition(veto.condition, scope)
    except LateCalendar as late:
        raise run.calendar_error(late, u, veto.id) from None
    except MissingFact as missing:
        what = f"{missing.node or veto.id}.{missing.field}"
        run.warn(
            "DR404", u, veto.id, f"no fact supplied for {what}; veto “{veto.title}” not applied"
        )
        return False
    if not held:
        return False
    # a veto fails a unit: its total is capped at the veto's score, never raised
    delta = ZERO
    if veto.score is not None and totals[u] > veto.score:
        delta = veto.score - totals[u]
        totals[u] = veto.score
    note = (
        f"单项否决 “{veto.title}”"
        + (f": grade {veto.grade}" if veto.grade else "")
        + (f", total capped at {exact(veto.score)}" if veto.score is not None else "")
    )
    run.tracer.add(0, u, Entry("veto", delta, "veto", veto.line, veto.cite, shown, note=note))
    return True


@attrs.frozen
class Standing:
    """A unit's place in its cohort: rank, grade and the total on other scales."""

    rank: int
    grade: str | None
    conversions: dict[str, Decimal]


def standings(
    graph: EvaluationGraph, totals: Sequence[Decimal], fired: Sequence[Sequence[str]]
) -> list[Standing]:
    """The cohort barrier after the totals: ranks and grades on the presented totals, and
    each conversion. The engine ends every run with it; ``verify`` recomputes a saved
    file's ranks and grades with it."""
    shown = [round_half_up(t, graph.rounding) for t in totals]
    rank = ranks(shown)
    grade = grades(graph.grades, graph.vetoes, shown, rank, fired)
    maximum = graph.root.points
    return [
        Standing(
            rank[u],
            grade[u],
            {c.id: divide(total * c.points, maximum) for c in graph.conversions},
        )
        for u, total in enumerate(totals)
    ]


def ranks(shown: Sequence[Decimal]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) on the presented totals."""
    order = sorted(range(len(shown)), key=lambda u: -shown[u])
    result = [0] * len(shown)
    for position, u in enumerate(order):
        prev = order[position - 1] if position else None
        tied = prev is not None and shown[prev] == shown[u]
        result[u] = result[prev] if tied and prev is not None else position + 1
    return result


def grades(
    bands: Sequence[GradeBand],
    vetoes: Sequence[VetoRule],
    shown: Sequence[Decimal],
    ranks: Sequence[int],
    fired: Sequence[Sequence[str]],
) -> list[str | None]:
    """Grades by threshold, then quotas: at most floor(n × quota) units per band.

    Units over a quota fall to the next band whose threshold they meet, in rank
    order; a tie that would straddle the quota falls as a whole, so equal
    scores never get different grades. A veto's grade overrides both.
    """
    n = len(shown)
    result: list[str | None] = [None] * n
    veto_grade = {v.id: v.grade for v in vetoes if v.grade}
    forced = [next((veto_grade[v] for v in fired[u] if v in veto_grade), None) for u in range(n)]
    order = sorted(range(n), key=lambda u: ranks[u])
    taken = [0] * len(bands)
    limits = [
        None if b.quota is None else int((b.quota * n).to_integral_value(rounding=ROUND_FLOOR))
        for b in bands
    ]
    position = 0
    while position < n:
        tie = [order[position]]
        while position + len(tie) < n and shown[order[position + len(tie)]] == shown[tie[0]]:
            tie.append(order[position + len(tie)])
        position += len(tie)
        for u in tie:
            result[u] = forced[u]
        free = [u for u in tie if forced[u] is None]
        if not free:
            continue
        for b, band in enumerate(bands):
            if band.threshold is not None and shown[free[0]] < band.threshold:
                continue
            limit = limits[b]
            if limit is not None and taken[b] + len(free) > limit:
                continue
            taken[b] += len(free)
            for u in free:
                result[u] = band.name
            break
    return result
