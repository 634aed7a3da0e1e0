"""The last steps of a run: vetoes per unit, then ranks and grades over the cohort.

After the engine (:mod:`disclosure_rules.evaluation.engine`) has every unit's
total, vetoes (单项否决) cap the totals of the units they fire on; then ranks
and grades are decided on the presented (rounded) totals, so two units shown
with the same score share a rank and a grade; grade quotas need the whole
cohort's ranking. A ruleset with ``groups`` ranks, grades and counts quotas in
each group of units on its own. Where a quota or a veto moves a grade away from
the one its threshold gives, the unit's standing carries an audit entry saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ..decimals import ZERO, divide, round_half_up
from ..decimals import text as exact
from ..errors import Diagnostic, FactsError
from ..i18n import _, joined
from ..model.graph import EvaluationGraph, GradeBand, VetoRule
from ..model.rules import FactDefault, LateCalendar, MissingFact, judge_condition
from .audit import Entry

if TYPE_CHECKING:
    from .engine import Run

__all__ = ["Standing", "grades", "groups_of", "ranks", "standings", "vetoes"]


def vetoes(run: Run, totals: list[Decimal]) -> list[list[str]]:
    """The vetoes that fire on each unit; a veto with a score caps the unit's total."""
    fired: list[list[str]] = [[] for _unit in range(run.n)]
    for veto in run.g.vetoes:
        defaults = {(d.node, d.field): d for d in veto.defaults}
        for u in range(run.n):
            if _veto(run, veto, u, totals, defaults):
                fired[u].append(veto.id)
    return fired


def _veto(
    run: Run,
    veto: VetoRule,
    u: int,
    totals: list[Decimal],
    defaults: dict[tuple[str, str], FactDefault],
) -> bool:
    own = run.facts[u].get(veto.id)
    scope = run.scope(u)
    scope.index, scope.node, scope.values = 0, veto.id, own.values if own is not None else {}
    scope.defaults = defaults
    try:
        held, shown = judge_condition(veto.condition, scope)
    except LateCalendar as late:
        raise run.calendar_error(late, u, veto.id) from None
    except MissingFact as missing:
        default = defaults.get((missing.node or veto.id, missing.field))
        if default is not None and default.mode == "error":
            run.absent_error(u, veto.id, default)
            return False
        what = f"{missing.node or veto.id}.{missing.field}"
        run.warn(
            "DR404",
            u,
            veto.id,
            _("no fact supplied for {what}; veto “{title}” not applied").format(
                what=what, title=veto.title
            ),
        )
        return False
    if not held:
        return False
    # a veto fails a unit: its total is capped at the veto's score, never raised
    delta = ZERO
    if veto.score is not None and totals[u] > veto.score:
        delta = veto.score - totals[u]
        totals[u] = veto.score
    parts = [_("单项否决 “{title}”").format(title=veto.title)]
    if veto.grade:
        parts.append(_(": grade {grade}").format(grade=veto.grade))
    if veto.score is not None:
        parts.append(_(", total capped at {score}").format(score=exact(veto.score)))
    note = joined(parts, "")
    run.tracer.add(0, u, Entry("veto", delta, "veto", veto.line, veto.cite, shown, note=note))
    return True


@attrs.frozen
class Standing:
    """A unit's place in its group (the cohort, without ``groups``): rank, grade, the
    total on other scales, and the audit entry of a grade a quota or a veto moved."""

    rank: int
    grade: str | None
    conversions: dict[str, Decimal]
    group: str | None = None
    moved: Entry | None = None


def groups_of(
    graph: EvaluationGraph, tags: Sequence[Iterable[str]], ids: Sequence[str], file: str | None
) -> list[str | None]:
    """Each unit's group: the one group whose tags it carries (all ``None`` without
    ``groups``). A unit in no group, or in two, has no place to be ranked in: DR410.
    """
    if not graph.groups:
        return [None] * len(ids)
    found: list[str | None] = []
    names = graph.group_names
    for unit_tags, uid in zip(tags, ids, strict=True):
        have = set(unit_tags)
        mine = [n for n, group in zip(names, graph.groups, strict=True) if have & set(group)]
        if len(mine) != 1:
            what = "no group" if not mine else f"{len(mine)} groups ({', '.join(mine)})"
            msg = _(
                "the unit's tags put it in {what} of {names}; it is ranked "
                "and graded within exactly one group"
            ).format(what=what, names=", ".join(names))
            hint = _("give the unit the tags of exactly one group")
            raise FactsError(Diagnostic("DR410", msg, file=file, unit=uid, hint=hint))
        found.append(mine[0])
    return found


def standings(
    graph: EvaluationGraph,
    totals: Sequence[Decimal],
    fired: Sequence[Sequence[str]],
    groups: Sequence[str | None] | None = None,
) -> list[Standing]:
    """The cohort barrier after the totals: ranks and grades on the presented totals, and
    each conversion. The engine ends every run with it; ``verify`` recomputes a saved
    file's ranks and grades with it. With ``groups`` (each unit's group), ranks restart
    and quotas are counted in each group apart."""
    shown = [round_half_up(t, graph.rounding) for t in totals]
    group = list(groups) if groups is not None else [None] * len(totals)
    rank: list[int] = [0] * len(totals)
    grade: list[str | None] = [None] * len(totals)
    moved: list[Entry | None] = [None] * len(totals)
    for name in dict.fromkeys(group):
        members = [u for u in range(len(totals)) if group[u] == name]
        sub = [shown[u] for u in members]
        sub_rank = ranks(sub)
        why: list[Entry | None] = [None] * len(members)
        sub_grade = grades(
            graph.grades, graph.vetoes, sub, sub_rank, [fired[u] for u in members], why
        )
        for i, u in enumerate(members):
            rank[u], grade[u], moved[u] = sub_rank[i], sub_grade[i], why[i]
    maximum = graph.root.points
    return [
        Standing(
            rank[u],
            grade[u],
            {c.id: divide(total * c.points, maximum) for c in graph.conversions},
            group[u],
            moved[u],
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
    why: list[Entry | None] | None = None,
) -> list[str | None]:
    """Grades by threshold, then quotas: at most floor(n × quota) units per band.

    Units over a quota fall to the next band whose threshold they meet, in rank
    order; a tie that would straddle the quota falls as a whole, so equal
    scores never get different grades. A veto's grade overrides both. Where a
    quota or a veto moves a unit off the band its threshold gives, ``why`` (when
    given) receives the audit entry that says so.
    """
    n = len(shown)
    result: list[str | None] = [None] * n
    veto_by_id = {v.id: v for v in vetoes if v.grade}
    forced = [next((veto_by_id[v] for v in fired[u] if v in veto_by_id), None) for u in range(n)]
    order = sorted(range(n), key=lambda u: ranks[u])
    taken: list[list[int]] = [[] for _band in bands]  # the units each band holds, in rank order
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
            veto = forced[u]
            result[u] = veto.grade if veto is not None else None
        free = [u for u in tie if forced[u] is None]
        full: int | None = None  # the first band the threshold gives but its quota refuses
        for b, band in enumerate(bands if free else ()):
            if band.threshold is not None and shown[free[0]] < band.threshold:
                continue
            limit = limits[b]
            if limit is not None and len(taken[b]) + len(free) > limit:
                full = b if full is None else full
                continue
            taken[b].extend(free)
            for u in free:
                result[u] = band.name
            break
        if why is not None:
            held = [ranks[x] for x in taken[full]] if full is not None else []
            for u in tie:
                why[u] = _moved(bands, shown[u], result[u], forced[u], full, held, limits, n)
    return result


def _moved(
    bands: Sequence[GradeBand],
    shown: Decimal,
    grade: str | None,
    veto: VetoRule | None,
    full: int | None,
    held: Sequence[int],
    limits: Sequence[int | None],
    n: int,
) -> Entry | None:
    """The audit entry of a grade a veto or a quota moved off its threshold's band."""
    by_line = next((b for b in bands if b.threshold is None or shown >= b.threshold), None)
    if by_line is None or by_line.name == grade:
        return None
    line = f"{exact(shown)} ≥ {exact(by_line.threshold)}" if by_line.threshold is not None else ""
    would = (
        _("{line} would be {grade}").format(line=line, grade=by_line.name)
        if line
        else _("the thresholds give {grade}").format(grade=by_line.name)
    )
    if veto is not None:
        note = _("单项否决 “{title}”: {would}, graded {grade}").format(
            title=veto.title, would=would, grade=grade
        )
        vetoed = {"threshold_grade": by_line.name, "grade": grade}
        return Entry("grade", ZERO, veto.id, veto.line, veto.cite, vetoed, note)
    if full is None:
        return None
    band, limit = bands[full], limits[full]
    assert band.quota is not None and limit is not None
    note = _(
        "{band} quota {quota}% of {n} units = {limit} places, {taken}; {would}, graded {grade}"
    ).format(
        band=band.name,
        quota=exact(band.quota * 100),
        n=n,
        limit=limit,
        taken=_taken_by(held),
        would=would,
        grade=grade if grade is not None else _("no grade"),
    )
    inputs: dict[str, Any] = {
        "threshold_grade": by_line.name,
        "grade": grade,
        "quota": band.quota,
        "units": n,
        "places": limit,
        "taken": len(held),
    }
    return Entry("grade", ZERO, "quota", band.line, band.cite, inputs, note)


def _taken_by(held: Sequence[int]) -> str:
    """The ranks holding a full band's places: "taken by ranks 1–4"."""
    if not held:
        return _("none taken")
    first, last = min(held), max(held)
    if first == last:
        return _("taken by rank {first}").format(first=first)
    return _("taken by ranks {first}–{last}").format(first=first, last=last)
