"""Checking the tree: nodes in their places, points that add up, weights, N/A cover.

Part of checking (syntax tree → diagnostics). It walks components, sections, items
and bonuses, checks each node's place and policies, and adds up points from the
leaves: a section whose parts do not add up to its declared points is DR103,
unless it settles the mismatch with ``resolve``. A node whose points are unknown
(a bad parameter) is left out of the sums above it rather than reported again at
each level.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from ...decimals import ZERO
from ...decimals import percent as _pct
from ...decimals import text as _fmt
from ...i18n import _
from .. import syntax
from ..symbols import node_points
from .context import HUNDRED_PERCENT, Context
from .results import check_bands
from .rules import check_rules

__all__ = ["check_evidence_kinds", "check_na_coverage", "check_props", "check_tree"]


def check_tree(cx: Context) -> None:
    """The ruleset's components or top-level nodes, and its ``total``."""
    r = cx.r
    if r.components and r.children:
        cx.report(
            "DR126",
            _("nodes outside a component in a ruleset that has components"),
            r.children[0].span,
            _("put every section and item inside a component, or use no components"),
        )
    if not r.components and not r.children:
        cx.report(
            "DR127",
            _("the ruleset has no sections, items or components"),
            r.span,
            _('add at least one item: item ID "title" POINTS'),
        )
    # with components, `total` is only the scale of the weighted total: no sum to match
    total = cx.positive(r.total, _("the total")) if r.total is not None else None
    if r.components:
        _check_components(cx)
        return
    sums = check_children(cx, r.children, depth=0)
    if r.total is not None and total is not None and sums is not None and sums != total:
        cx.report(
            "DR103",
            _("the top-level points add up to {sums}, but the ruleset's total is {total}").format(
                sums=_fmt(sums), total=_fmt(total)
            ),
            r.total.span,
            _("correct the points, or the total"),
        )


def check_props(cx: Context, props: syntax.NodeProps, node_id: str | None) -> None:
    """A node's (or, with ``node_id`` None, the ruleset policy's) tags, N/A policy, bounds."""
    na = props.not_applicable
    if na is not None:
        if na.policy == "group_average" and not na.over:
            cx.report(
                "DR129",
                _("group_average needs the tags that form the groups"),
                na.span,
                _("write: not_applicable group_average over township, department"),
            )
        if na.over and na.policy != "group_average":
            cx.report(
                "DR129",
                _("'over' only goes with group_average, not {policy}").format(policy=na.policy),
                na.span,
            )
        for tag in na.over:
            cx.known_tag(tag, na.span)
    if props.applies_to is not None:
        for tag in props.applies_to.tags:
            cx.known_tag(tag, props.applies_to.span)
    for bound in props.bounds:
        if bound.value is not None:
            cx.value(bound.value)
    if props.resolve is not None and node_id is None:
        _misplaced_resolve(cx, props.resolve)


def _misplaced_resolve(cx: Context, resolve: syntax.Resolve) -> None:
    cx.report("DR130", _("resolve belongs on a section whose points do not add up"), resolve.span)


# ------------------------------------------------------------ components


def _check_components(cx: Context) -> None:
    weights: list[Decimal] = []
    unknown = False
    for comp in cx.r.components:
        weight = cx.value(comp.weight)
        if weight is None:
            unknown = True
        elif weight <= 0 or weight > HUNDRED_PERCENT:
            cx.report(
                "DR117",
                _(
                    "component {id!r} has weight {pct}; a weight is more than 0% and at most 100%"
                ).format(id=comp.id, pct=_pct(weight)),
                comp.weight.span,
            )
            unknown = True
        else:
            weights.append(weight)
        if isinstance(comp.weight, syntax.Literal) and not comp.weight.percent:
            cx.report(
                "DR119",
                _("component {id!r}: write the weight as a percentage").format(id=comp.id),
                comp.weight.span,
                _("e.g. weight {weight}%").format(weight=_fmt(comp.weight.value)),
            )
        _check_component(cx, comp)
    if not unknown and sum(weights, ZERO) != HUNDRED_PERCENT:
        parts = " + ".join(_pct(w) for w in weights)
        cx.report(
            "DR105",
            _("component weights add up to {pct} ({parts}), not 100%").format(
                pct=_pct(sum(weights, ZERO)), parts=parts
            ),
            cx.r.components[0].span,
            _("weights must add up to exactly 100%"),
        )


def _check_component(cx: Context, comp: syntax.Component) -> None:
    _check_component_shape(cx, comp)
    _check_empty_records(cx, comp)
    check_props(cx, comp.props, comp.id)
    if comp.direct is not None:
        low, high = cx.value(comp.direct.low), cx.value(comp.direct.high)
        if low is not None and high is not None and low >= high:
            cx.report(
                "DR120",
                _("score range {low}..{high} is empty").format(low=_fmt(low), high=_fmt(high)),
                comp.direct.span,
            )
    if comp.survey is not None:
        _check_survey(cx, comp.survey)
    if not comp.children:
        return
    sums = check_children(cx, comp.children, depth=0)
    declared = cx.value(comp.points) if comp.points is not None else None
    if comp.points is None or declared is None or sums is None or sums == declared:
        return
    cx.report(
        "DR103",
        _(
            "component {id!r} “{title}” declares {declared} points but its parts add up to {sums}"
        ).format(id=comp.id, title=comp.title, declared=_fmt(declared), sums=_fmt(sums)),
        comp.points.span,
        _(
            "correct the points as printed; a real mismatch in an "
            "official table is settled on a section with resolve "
            "cap|scale|sum and a cite"
        ),
    )


def _check_component_shape(cx: Context, comp: syntax.Component) -> None:
    """One way of scoring: a tree, or one score line, or one survey; no rules."""
    for span in comp.extra:
        cx.report(
            "DR131",
            _("component {id!r} has more than one way of scoring").format(id=comp.id),
            span,
            _("a component holds a tree of sections and items, or one score line, or one survey"),
        )
    if comp.rules:
        cx.report(
            "DR132",
            _("component {id!r} has scoring rules; rules belong on items").format(id=comp.id),
            comp.rules[0].span,
            _("move the rules into an item of the component"),
        )
    ways = sum([bool(comp.children), comp.direct is not None, comp.survey is not None])
    if ways > 1:
        cx.report(
            "DR131",
            _("component {id!r} mixes a tree with a score or survey").format(id=comp.id),
            comp.span,
            _("split it into two components"),
        )
    elif ways == 0:
        cx.report(
            "DR127",
            _("component {id!r} has nothing to score").format(id=comp.id),
            comp.span,
            _("add sections and items, a score LOW..HIGH line, or a survey"),
        )


def _check_survey(cx: Context, survey: syntax.Survey) -> None:
    if not survey.answers:
        cx.report(
            "DR127",
            _("a survey needs answers with weights"),
            survey.span,
            _("e.g. answer 满意 1  answer 基本满意 0.6  answer 不满意 0"),
        )
    seen: set[str] = set()
    for answer in survey.answers:
        if answer.name in seen:
            cx.report("DR101", _("duplicate answer {name!r}").format(name=answer.name), answer.span)
        seen.add(answer.name)
        weight = cx.value(answer.weight)
        if weight is not None and not ZERO <= weight <= 1:
            cx.report(
                "DR121",
                _("answer weight {weight} is outside 0..1").format(weight=_fmt(weight)),
                answer.span,
            )
    check_bands(cx, survey.outcomes, _("outcome"), percent_only=True)


# ------------------------------------------------------------ nodes


def check_children(cx: Context, children: tuple[syntax.Node, ...], depth: int) -> Decimal | None:
    """Check a list of siblings; return the sum of their points (None if unknown)."""
    total: Decimal | None = ZERO
    for child in children:
        points = _check_node(cx, child, depth)
        if isinstance(child, syntax.Bonus):
            continue  # a bonus is added on top, never part of its parent's points
        total = None if points is None or total is None else total + points
    return total


def _check_node(cx: Context, node: syntax.Node, depth: int) -> Decimal | None:
    """Check one node and those under it; return its points (None if unknown)."""
    kind = type(node).__name__.lower()
    declared = node_points(node)
    points = (
        None
        if declared is None
        else cx.positive(declared, _("{kind} {id!r}'s points").format(kind=kind, id=node.id))
    )
    check_props(cx, node.props, node.id)
    match node:
        case syntax.Section():
            return _check_section(cx, node, points, depth)
        case syntax.Item() | syntax.Bonus():
            _check_leaf(cx, node, points, depth)
            return points
        case _:
            assert_never(node)


def _check_leaf(
    cx: Context, node: syntax.Item | syntax.Bonus, points: Decimal | None, depth: int
) -> None:
    kind = type(node).__name__.lower()
    if isinstance(node, syntax.Bonus) and depth > 0:
        cx.report(
            "DR133",
            _("bonus {id!r} must stand directly in a component or the ruleset").format(id=node.id),
            node.span,
            _("bonus points are added on top of a component's total"),
        )
    if node.children:
        cx.report(
            "DR134",
            _("{kind} {id!r} has sub-items; use a section for a parent").format(
                kind=kind, id=node.id
            ),
            node.children[0].span,
            _('write: section {id} "{title}" ...').format(id=node.id, title=node.title),
        )
    if node.props.resolve is not None:
        _misplaced_resolve(cx, node.props.resolve)
    check_rules(cx, node, points)
    _check_empty_records(cx, node)


def _check_empty_records(cx: Context, node: syntax.Node | syntax.Component) -> None:
    """DR140: ``no RECORDS means …`` on a list of records the item's rules do not read."""
    lists = sorted(records for owner, records in cx.record_types if owner == node.id)
    for empty in node.props.empty:
        if empty.records in lists:
            continue
        kind = type(node).__name__.lower()
        if lists:
            hint = _("item {id!r} reads: {lists}").format(id=node.id, lists=", ".join(lists))
        elif isinstance(node, syntax.Item | syntax.Bonus):
            hint = _("a list of records is read by rate RECORDS: … or deduct N per late RECORDS: …")
        else:
            hint = _("write it on the item whose rules read the records")
        cx.report(
            "DR140",
            _("{kind} {id!r} reads no list of records named {records!r}").format(
                kind=kind, id=node.id, records=empty.records
            ),
            empty.span,
            hint,
        )


def _check_section(
    cx: Context, node: syntax.Section, points: Decimal | None, depth: int
) -> Decimal | None:
    _check_empty_records(cx, node)
    if node.rules:
        cx.report(
            "DR132",
            _("section {id!r} has scoring rules; rules belong on items").format(id=node.id),
            node.rules[0].span,
            _("make it an item (its sub-lines become rules) or move the rules into an item"),
        )
    if not node.children:
        cx.report(
            "DR127",
            _("section {id!r} has no items").format(id=node.id),
            node.span,
            _("use item for a leaf indicator"),
        )
        return points  # no parts to add up: the sum check would say it again
    sums = check_children(cx, node.children, depth + 1)
    resolve = node.props.resolve
    if node.points is None:
        if resolve is not None:
            cx.report(
                "DR130",
                _("section {id!r} declares no points, so there is no mismatch to resolve").format(
                    id=node.id
                ),
                resolve.span,
            )
        return sums
    _check_sum(cx, node, points, sums)
    if resolve is not None and resolve.mode == "sum" and sums is not None:
        return sums  # the parts' total is the maximum the parent adds up
    return points


# What each way of resolving a mismatch does, for DR104.
_RESOLVED = {
    "cap": _("its score is capped at {points}"),
    "scale": _("its parts are scaled by {points}/{sums}"),
    "sum": _("its maximum is taken as {sums}"),
}


def _check_sum(
    cx: Context, node: syntax.Section, points: Decimal | None, sums: Decimal | None
) -> None:
    """DR103 for a section whose parts do not add up; DR104/DR111/DR203/DR204 for resolve."""
    if points is None or sums is None:
        return
    resolve = node.props.resolve
    if sums == points:
        if resolve is not None:
            cx.warn(
                "DR204",
                _(
                    "section {id!r} resolves a mismatch, but its parts add up to "
                    "its {points} points"
                ).format(id=node.id, points=_fmt(points)),
                resolve.span,
                _("remove the resolve line"),
            )
        return
    numbers = _(
        "section {id!r} \u201c{title}\u201d declares {points} points but its parts add up to {sums}"
    ).format(id=node.id, title=node.title, points=_fmt(points), sums=_fmt(sums))
    assert node.points is not None  # sections without points are never checked here
    if resolve is None:
        cx.report(
            "DR103",
            numbers,
            node.points.span,
            _(
                "correct the points; if the official table really prints "
                "this, settle it explicitly: resolve cap | scale | sum, with "
                "a cite saying why"
            ),
        )
        return
    if resolve.cite is None:
        cx.report(
            "DR111",
            _("resolve on section {id!r} needs a cite saying why").format(id=node.id),
            resolve.span,
            _('add: cite "the printed figures and the reading chosen"'),
        )
    effect = _RESOLVED[resolve.mode].format(points=_fmt(points), sums=_fmt(sums))
    if resolve.mode == "cap" and sums < points:
        cx.warn(
            "DR203",
            _("{numbers}; with resolve cap no unit can reach {points}").format(
                numbers=numbers, points=_fmt(points)
            ),
            resolve.span,
            _("use resolve scale or resolve sum instead"),
        )
    cx.warn(
        "DR104",
        _("{numbers} (resolved: {effect})").format(numbers=numbers, effect=effect),
        node.points.span,
    )


# ------------------------------------------------------------ N/A


def check_na_coverage(cx: Context) -> None:
    """DR112: a node that applies to some units only, with no N/A policy for the others;
    DR141: a statement or an empty list that makes a cell N/A, with no N/A policy."""

    def walk(children: tuple[syntax.Node, ...], inherited: bool) -> None:
        for node in children:
            has = inherited or node.props.not_applicable is not None
            if node.props.applies_to is not None and not has:
                cx.report(
                    "DR112",
                    _(
                        "{kind} {id!r} applies only to some units, but no "
                        "not_applicable policy says what the others score"
                    ).format(kind=type(node).__name__.lower(), id=node.id),
                    node.props.applies_to.span,
                    _("add a policy: not_applicable average (or own_rate, rescale, ...)"),
                )
            if not has:
                _na_without_policy(cx, node)
            walk(node.children, has)

    root = cx.r.policy.not_applicable is not None
    walk(cx.r.children, root)
    for comp in cx.r.components:
        has = root or comp.props.not_applicable is not None
        if not has:
            _na_without_policy(cx, comp)
        walk(comp.children, has)


def _na_without_policy(cx: Context, node: syntax.Node | syntax.Component) -> None:
    """DR141: what makes a cell N/A where no not_applicable policy says what it scores."""
    hint = _("add a policy: not_applicable average (or own_rate, rescale, ...)")
    what = f"{type(node).__name__.lower()} {node.id!r}"
    statement = node.props.na_statement
    if statement is not None:
        msg = _(
            "{what} requires a statement for N/A, but no not_applicable policy is in force"
        ).format(what=what)
        cx.report("DR141", msg, statement.span, hint)
    for empty in node.props.empty:
        if empty.meaning == "not_applicable":
            msg = _(
                "{what}: no {records} means not applicable, but no "
                "not_applicable policy says what it scores"
            ).format(what=what, records=empty.records)
            cx.report("DR141", msg, empty.span, hint)


# ------------------------------------------------------------ evidence


def check_evidence_kinds(cx: Context) -> None:
    """DR208: ``evidence requires`` whose every alternative needs a kind that is rejected."""
    reported: set[int] = set()

    def visit(
        props: syntax.NodeProps, rejected: frozenset[str], kinds: syntax.EvidencePolicy | None
    ) -> tuple[frozenset[str], syntax.EvidencePolicy | None]:
        for ev in props.evidence:
            rejected |= frozenset(ev.rejected)
            kinds = ev if ev.kinds else kinds
        if kinds is not None and id(kinds) not in reported:
            blocked = [sorted(set(group) & rejected) for group in kinds.kinds]
            if all(blocked):
                reported.add(id(kinds))
                names = ", ".join(sorted({k for group in blocked for k in group}))
                cx.warn(
                    "DR208",
                    _(
                        "every alternative of this evidence requirement needs a kind "
                        "that is rejected ({names}): no evidence can meet it"
                    ).format(names=names),
                    kinds.span,
                    _("drop the rejected kind from the requirement, or add an alternative"),
                )
        return rejected, kinds

    def walk(
        nodes: tuple[syntax.Node, ...],
        rejected: frozenset[str],
        kinds: syntax.EvidencePolicy | None,
    ) -> None:
        for node in nodes:
            walk(node.children, *visit(node.props, rejected, kinds))

    rejected, kinds = visit(cx.r.policy, frozenset(), None)
    walk(cx.r.children, rejected, kinds)
    for comp in cx.r.components:
        walk(comp.children, *visit(comp.props, rejected, kinds))
