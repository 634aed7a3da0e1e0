"""Checking what a ruleset says about results: grades, vetoes, conversions, calendars.

Part of checking (syntax tree → diagnostics). Grade bands and survey outcomes are
checked alike: names once each, thresholds from the highest down, the ``else``
band last (and its absence warned about).
"""

from __future__ import annotations

from decimal import Decimal

from ...decimals import ZERO
from ...decimals import percent as _pct
from ...decimals import text as _fmt
from ...errors import DisclosureRulesError, Span, did_you_mean
from ...i18n import _
from ...workdays import Schedule
from .. import syntax
from .context import HUNDRED_PERCENT, Context
from .rules import condition

__all__ = ["check_bands", "check_results"]


def check_results(cx: Context) -> None:
    """The ruleset's grades, vetoes, conversions and calendars."""
    _check_grades(cx)
    _check_vetoes(cx)
    for conv in cx.r.conversions:
        cx.positive(conv.points, _("conversion {id!r}'s points").format(id=conv.id))
    _check_calendars(cx)


def _check_grades(cx: Context) -> None:
    if cx.r.grades is None:
        return
    check_bands(cx, cx.r.grades.bands, _("grade"), percent_only=False)
    for band in cx.r.grades.bands:
        if band.quota is not None:
            quota = cx.value(band.quota)
            if quota is not None and not ZERO < quota <= HUNDRED_PERCENT:
                cx.report(
                    "DR118",
                    _("grade {name!r} quota {pct} is outside 0%..100%").format(
                        name=band.name, pct=_pct(quota)
                    ),
                    band.quota.span,
                )


def check_bands(
    cx: Context,
    bands: tuple[syntax.Grade, ...] | tuple[syntax.Outcome, ...],
    what: str,
    percent_only: bool,
) -> None:
    """Grade bands or survey outcomes: each once, from the highest threshold down."""
    seen: set[str] = set()
    previous: tuple[str, Decimal] | None = None
    has_else = False
    for band in bands:
        if band.name in seen:
            cx.report(
                "DR106",
                _("{what} {name!r} appears twice").format(what=what, name=band.name),
                band.span,
            )
        seen.add(band.name)
        if band.threshold is None:
            has_else = True
            continue
        if has_else:
            cx.report(
                "DR106",
                _("{what} {name!r} comes after the else {what}").format(what=what, name=band.name),
                band.span,
                _("the else {what} comes last").format(what=what),
            )
        if percent_only:
            _percentage(
                cx,
                band.threshold,
                _("{what} thresholds are percentages of the satisfaction rate").format(what=what),
            )
        value = cx.value(band.threshold)
        if value is None:
            continue
        if previous is not None and value >= previous[1]:
            _out_of_order(cx, what, band, value, previous)
        previous = (band.name, value)
    if bands and not has_else:
        cx.warn(
            "DR202",
            _("no else {what}: scores below the lowest threshold get no {what}").format(what=what),
            bands[-1].span,
            _("add: else NAME (e.g. else 不合格)"),
        )


def _out_of_order(
    cx: Context,
    what: str,
    band: syntax.Grade | syntax.Outcome,
    threshold: Decimal,
    previous: tuple[str, Decimal],
) -> None:
    """DR106: a band whose threshold is not below the one before it."""
    assert band.threshold is not None
    msg = _(
        "{what} thresholds out of order: {name!r} >= {threshold} "
        "after {previous!r} >= {previous_threshold}"
    ).format(
        what=what,
        name=band.name,
        threshold=_fmt(threshold),
        previous=previous[0],
        previous_threshold=_fmt(previous[1]),
    )
    hint = _("list {what}s from the highest threshold down").format(what=what)
    cx.report("DR106", msg, band.threshold.span, hint)


def _percentage(cx: Context, number: syntax.Number, msg: str) -> None:
    """DR119: a plain number written where a percentage is due."""
    if isinstance(number, syntax.Literal) and not number.percent:
        cx.report("DR119", msg, number.span, _("write {value}%").format(value=_fmt(number.value)))


def _check_vetoes(cx: Context) -> None:
    grades = {b.name for b in cx.r.grades.bands} if cx.r.grades else set()
    for veto in cx.r.vetoes:
        condition(cx, veto.id, veto.condition)
        if veto.grade is not None and veto.grade not in grades:
            cx.report(
                "DR102",
                _("veto {id!r} names unknown grade {grade!r}").format(id=veto.id, grade=veto.grade),
                veto.span,
                did_you_mean(veto.grade, grades) or _("declare it in grades"),
            )
        if veto.score is not None:
            value = cx.value(veto.score)
            if value is not None and value < 0:
                cx.report("DR124", _("a veto score cannot be negative"), veto.score.span)


def _check_calendars(cx: Context) -> None:
    seen: dict[int, Span] = {}
    for decl in cx.r.calendars:
        if decl.year in seen:
            cx.report(
                "DR101",
                _("calendar for {year} is given twice (first on line {line})").format(
                    year=decl.year, line=seen[decl.year].line
                ),
                decl.span,
            )
            continue
        seen[decl.year] = decl.span
        try:
            Schedule(decl.year, frozenset(decl.holidays), frozenset(decl.workdays), decl.span.file)
        except DisclosureRulesError as exc:
            for d in exc.diagnostics:
                cx.report(d.code, d.message, decl.span, d.hint)
