"""Checking: syntax tree → diagnostics (all of them, together).

The checker finds the mistakes a scheme author makes, and the ones official
tables contain: children whose points do not add up to their parent's, weights
that do not add up to 100%, grade thresholds out of order, unknown names (with
"did you mean …?"), a fact used with two incompatible meanings, nonsensical
numbers; and it warns about what is legal but suspicious. It reports every
independent problem and no follow-on ones.

Its modules: :mod:`.context` (what every check shares), :mod:`.tree` (nodes,
sums, components, N/A cover), :mod:`.rules` (item rules, conditions, fact types),
:mod:`.results` (grades, vetoes, conversions, calendars) and :mod:`.defaults` (what
an absent fact means, for each node that reads it); this module runs them, checks
the header and the parameters, and hands the compiler a
:class:`~disclosure_rules.language.symbols.CheckReport`.

Codes are stable and documented in ``docs/diagnostics.md``; each means one problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ...decimals import text as exact
from ...errors import Diagnostic, Span
from ...i18n import _
from .. import citations, syntax
from ..readings import choose, specialise
from ..symbols import CheckReport, resolve_params
from .context import Context, walk
from .defaults import check_defaults
from .readings import check_readings
from .results import check_results
from .tree import check_evidence_kinds, check_na_coverage, check_props, check_tree

__all__ = ["analyse", "check", "check_every_reading"]


def analyse(
    ruleset: syntax.Ruleset,
    overrides: Mapping[str, Decimal] | None = None,
    readings: Mapping[str, str] | None = None,
    *,
    cites: bool = True,
) -> CheckReport:
    """Check ``ruleset`` under the ``readings`` selected (the defaults for the others)
    and return the diagnostics with what the compiler needs. The checks of the tree see
    it specialised to those readings; the readings themselves and every cite are checked
    as written (``cites=False`` leaves the cites to another run)."""
    chosen = choose(ruleset, readings)
    tree = specialise(ruleset, chosen)
    cx = Context(tree, resolve_params(tree, overrides))
    _check_header(cx)
    _check_groups(cx)
    _check_params(cx)
    check_props(cx, ruleset.policy, None)
    _declare_ids(cx)
    check_tree(cx)
    check_na_coverage(cx)
    check_evidence_kinds(cx)
    check_results(cx)
    check_readings(cx, ruleset)
    defaults = check_defaults(cx)
    _check_unused_params(cx)
    if cites:
        cx.diagnostics += citations.verify(ruleset)  # every cite is in the named sources
    return CheckReport(
        tuple(sorted(cx.diagnostics, key=_order)),
        cx.params,
        {key: kind for key, (kind, _span) in cx.fact_types.items()},
        {key: {f: k for f, (k, _s) in fields.items()} for key, fields in cx.record_types.items()},
        readings=chosen,
        defaults=defaults,
    )


def check_every_reading(
    ruleset: syntax.Ruleset, overrides: Mapping[str, Decimal] | None = None
) -> list[Diagnostic]:
    """Every diagnostic for ``ruleset`` under its default readings and under each other
    alternative of each reading in turn (the rest at their defaults), each once, in
    source order: a clause that holds only under one alternative is checked too."""
    found = dict.fromkeys(analyse(ruleset, overrides).diagnostics)
    for reading in ruleset.readings:
        for alternative in reading.alternatives:
            if alternative.name == reading.default:
                continue
            choice = {reading.name: alternative.name}
            report = analyse(ruleset, overrides, choice, cites=False)
            found.update(dict.fromkeys(report.diagnostics))
    return sorted(found, key=_order)


def check(
    ruleset: syntax.Ruleset, overrides: Mapping[str, Decimal] | None = None
) -> list[Diagnostic]:
    """Every diagnostic for ``ruleset``, errors and warnings, in source order."""
    return list(analyse(ruleset, overrides).diagnostics)


def _order(d: Diagnostic) -> tuple[int, int, str]:
    if d.span is None:
        return (0, 0, d.code)
    return (d.span.line, d.span.column, d.code)


def _check_header(cx: Context) -> None:
    r = cx.r
    if not r.title:
        cx.report(
            "DR110",
            _("the ruleset has no title"),
            r.span,
            _('add: title "the scheme\'s name as printed"'),
        )
    for dup in r.duplicates:
        cx.report(
            "DR128",
            _("{key!r} is given more than once").format(key=dup.key),
            dup.span,
            _("keep one; a ruleset has one header of each kind"),
        )


def _check_groups(cx: Context) -> None:
    """``groups``: each a declared tag, named once. Which group a unit falls in is known
    only from the facts (a unit in no group or in two is DR410 at scoring time)."""
    r = cx.r
    if not r.groups or r.groups_span is None:
        return
    if not r.tags:
        cx.report(
            "DR138",
            _("groups are named by tags, but the ruleset declares no tags"),
            r.groups_span,
            "add a tags declaration naming " + ", ".join(t for g in r.groups for t in g),
        )
    seen: set[str] = set()
    for tag in (t for group in r.groups for t in group):
        cx.known_tag(tag, r.groups_span)
        if tag in seen:
            cx.report(
                "DR139",
                _("tag {tag!r} is named in groups twice").format(tag=tag),
                r.groups_span,
                _("a tag belongs to one group: name it once"),
            )
        seen.add(tag)


def _check_params(cx: Context) -> None:
    seen: dict[str, Span] = {}
    for p in cx.r.params:
        if p.name in seen:
            cx.report(
                "DR101",
                _("duplicate parameter {name!r} (first on line {line})").format(
                    name=p.name, line=seen[p.name].line
                ),
                p.span,
            )
        seen[p.name] = p.span
        if not p.description.strip():
            cx.report(
                "DR115",
                _("parameter {name!r} has an empty description").format(name=p.name),
                p.span,
                _("say what the value means and where it comes from"),
            )
        if p.range is not None:
            _check_range(cx, p, p.range)


def _written(n: syntax.Literal) -> str:
    """A number as the ruleset writes it: ``30%``, ``0.6``."""
    return f"{exact(n.value * 100)}%" if n.percent else exact(n.value)


def _check_range(cx: Context, p: syntax.Param, bounds: syntax.ParamRange) -> None:
    """A declared range: literal bounds, in the value's unit, in order, around the value,
    on a parameter the source does not give (DR175–DR179)."""
    if not p.assumed:
        cx.report(
            "DR179",
            _("parameter {name!r} declares a range but is not marked assumed").format(name=p.name),
            bounds.span,
            _(
                "a value the source document gives does not vary; mark the "
                "parameter assumed if the source does not give it"
            ),
        )
    low, high = bounds.low, bounds.high
    if not isinstance(low, syntax.Literal) or not isinstance(high, syntax.Literal):
        cx.report(
            "DR175",
            _("the range of parameter {name!r} must be written in numbers").format(name=p.name),
            bounds.span,
            _("e.g. range 20%..40%"),
        )
        return
    unit = "a percentage" if p.default.percent else "a plain number"
    if low.percent != p.default.percent or high.percent != p.default.percent:
        cx.report(
            "DR176",
            _("the range of parameter {name!r} is not in its value's unit ({unit})").format(
                name=p.name, unit=unit
            ),
            bounds.span,
            _("write both bounds as {unit}, as the value is written").format(unit=unit),
        )
        return
    shown = f"{_written(low)}..{_written(high)}"
    if low.value > high.value:
        cx.report(
            "DR177",
            _("the range {shown} of parameter {name!r} has its lower bound above its upper").format(
                shown=shown, name=p.name
            ),
            bounds.span,
            _("write it {written}..{written2}").format(
                written=_written(high), written2=_written(low)
            ),
        )
    elif not low.value <= p.default.value <= high.value:
        cx.report(
            "DR178",
            _(
                "the range {shown} of parameter {name!r} does not contain its value {written}"
            ).format(shown=shown, name=p.name, written=_written(p.default)),
            bounds.span,
            _("a range states the values the parameter may plausibly take, its own among them"),
        )


def _declare_ids(cx: Context) -> None:
    """Every node, component and veto id, in source order: DR101 for a repeated one."""
    r = cx.r
    declared: list[tuple[str, Span]] = [(c.id, c.span) for c in r.components]
    declared += [(n.id, n.span) for n in walk(r.children)]
    for comp in r.components:
        declared += [(n.id, n.span) for n in walk(comp.children)]
    declared += [(v.id, v.span) for v in r.vetoes]
    for ident, span in sorted(declared, key=lambda d: (d[1].line, d[1].column)):
        cx.declare(ident, span)


def _check_unused_params(cx: Context) -> None:
    for name, p in cx.params.items():
        if name not in cx.used_params:
            cx.warn(
                "DR205",
                _("parameter {name!r} is never used").format(name=name),
                p.span,
                _("remove it, or use it where its value belongs"),
            )
