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
            "nodes outside a component in a ruleset that has components",
            r.children[0].span,
            "put every section and item inside a component, or use no components",
        )
    if not r.components and not r.children:
        cx.report(
            "DR127",
            "the ruleset has no sections, items or components",
            r.span,
            'add at least one item: item ID "title" POINTS',
        )
    # with components, `total` is only the scale of the weighted total: no sum to match
    total = cx.positive(r.total, "the total") if r.total is not None else None
    if r.components:
        _check_components(cx)
        return
    sums = check_children(cx, r.children, depth=0)
    if r.total is not None and total is not None and sums is not None and sums != total:
        cx.report(
            "DR103",
            f"the top-level points add up to {_fmt(sums)}, but the ruleset's total "
            f"is {_fmt(total)}",
            r.total.span,
            "correct the points, or the total",
        )


def check_props(cx: Context, props: syntax.NodeProps, node_id: str | None) -> None:
    """A node's (or, with ``node_id`` None, the ruleset policy's) tags, N/A policy, bounds."""
    na = props.not_applicable
    if na is not None:
        if na.policy == "group_average" and not na.over:
            cx.report(
                "DR129",
                "group_average needs the tags that form the groups",
                na.span,
                "write: not_applicable group_average over township, department",
            )
        if na.over and na.policy != "group_average":
            cx.report("DR129", f"'over' only goes with group_average, not {na.policy}", na.span)
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
    cx.report("DR130", "resolve belongs on a section whose points do not add up", resolve.span)


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
                f"component {comp.id!r} has weight {_pct(weight)}; a weight is "
                "more than 0% and at most 100%",
                comp.weight.span,
            )
            unknown = True
        else:
            weights.append(weight)
        if isinstance(comp.weight, syntax.Literal) and not comp.weight.percent:
            cx.report(
                "DR119",
                f"component {comp.id!r}: write the weight as a percentage",
                comp.weight.span,
                f"e.g. weight {_fmt(comp.weight.value)}%",
            )
        _check_component(cx, comp)
    if not unknown and sum(weights, ZERO) != HUNDRED_PERCENT:
        parts = " + ".join(_pct(w) for w in weights)
        cx.report(
            "DR105",
            f"component weights add up to {_pct(sum(weights, ZERO))} ({parts}), not 100%",
            cx.r.components[0].span,
            "weights must add up to exactly 100%",
        )


def _check_component(cx: Context, comp: syntax.Component) -> None:
    _check_component_shape(cx, comp)
    _check_empty_records(cx, comp)
    check_props(cx, comp.props, comp.id)
    if comp.direct is not None:
        low, high = cx.value(comp.direct.low), cx.value(comp.direct.high)
        if low is not None and high is not None and low >= high:
            cx.report("DR120", f"score range {_fmt(low)}..{_fmt(high)} is empty", comp.direct.span)
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
        f"component {comp.id!r} \u201c{comp.title}\u201d declares "
        f"{_fmt(declared)} points but its parts add up to {_fmt(sums)}",
        comp.points.span,
        "correct the points as printed; a real mismatch in an official table "
        "is settled on a section with resolve cap|scale|sum and a cite",
    )


def _check_component_shape(cx: Context, comp: syntax.Component) -> None:
    """One way of scoring: a tree, or one score line, or one survey; no rules."""
    for span in comp.extra:
        cx.report(
            "DR131",
            f"component {comp.id!r} has more than one way of scoring",
            span,
            "a component holds a tree of sections and items, or one score line, or one survey",
        )
    if comp.rules:
        cx.report(
            "DR132",
            f"component {comp.id!r} has scoring rules; rules belong on items",
            comp.rules[0].span,
            "move the rules into an item of the component",
        )
    ways = sum([bool(comp.children), comp.direct is not None, comp.survey is not None])
    if ways > 1:
        cx.report(
            "DR131",
            f"component {comp.id!r} mixes a tree with a score or survey",
            comp.span,
            "split it into two components",
        )
    elif ways == 0:
        cx.report(
            "DR127",
            f"component {comp.id!r} has nothing to score",
            comp.span,
            "add sections and items, a score LOW..HIGH line, or a survey",
        )


def _check_survey(cx: Context, survey: syntax.Survey) -> None:
    if not survey.answers:
        cx.report(
            "DR127",
            "a survey needs answers with weights",
            survey.span,
            "e.g. answer 满意 1  answer 基本满意 0.6  answer 不满意 0",
        )
    seen: set[str] = set()
    for answer in survey.answers:
        if answer.name in seen:
            cx.report("DR101", f"duplicate answer {answer.name!r}", answer.span)
        seen.add(answer.name)
        weight = cx.value(answer.weight)
        if weight is not None and not ZERO <= weight <= 1:
            cx.report("DR121", f"answer weight {_fmt(weight)} is outside 0..1", answer.span)
    check_bands(cx, survey.outcomes, "outcome", percent_only=True)


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
    points = None if declared is None else cx.positive(declared, f"{kind} {node.id!r}'s points")
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
            f"bonus {node.id!r} must stand directly in a component or the ruleset",
            node.span,
            "bonus points are added on top of a component's total",
        )
    if node.children:
        cx.report(
            "DR134",
            f"{kind} {node.id!r} has sub-items; use a section for a parent",
            node.children[0].span,
            f'write: section {node.id} "{node.title}" ...',
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
            hint = f"item {node.id!r} reads: {', '.join(lists)}"
        elif isinstance(node, syntax.Item | syntax.Bonus):
            hint = "a list of records is read by rate RECORDS: … or deduct N per late RECORDS: …"
        else:
            hint = "write it on the item whose rules read the records"
        cx.report(
            "DR140",
            f"{kind} {node.id!r} reads no list of records named {empty.records!r}",
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
            f"section {node.id!r} has scoring rules; rules belong on items",
            node.rules[0].span,
            "make it an item (its sub-lines become rules) or move the rules into an item",
        )
    if not node.children:
        cx.report(
            "DR127", f"section {node.id!r} has no items", node.span, "use item for a leaf indicator"
        )
        return points  # no parts to add up: the sum check would say it again
    sums = check_children(cx, node.children, depth + 1)
    resolve = node.props.resolve
    if node.points is None:
        if resolve is not None:
            cx.report(
                "DR130",
                f"section {node.id!r} declares no points, so there is no mismatch to resolve",
                resolve.span,
            )
        return sums
    _check_sum(cx, node, points, sums)
    if resolve is not None and resolve.mode == "sum" and sums is not None:
        return sums  # the parts' total is the maximum the parent adds up
    return points


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
                f"section {node.id!r} resolves a mismatch, but its parts add up "
                f"to its {_fmt(points)} points",
                resolve.span,
                "remove the resolve line",
            )
        return
    where = f"section {node.id!r} \u201c{node.title}\u201d declares {_fmt(points)} points"
    numbers = f"{where} but its parts add up to {_fmt(sums)}"
    assert node.points is not None  # sections without points are never checked here
    if resolve is None:
        cx.report(
            "DR103",
            numbers,
            node.points.span,
            "correct the points; if the official table really prints this, settle it "
            "explicitly: resolve cap | scale | sum, with a cite saying why",
        )
        return
    if resolve.cite is None:
        cx.report(
            "DR111",
            f"resolve on section {node.id!r} needs a cite saying why",
            resolve.span,
            'add: cite "the printed figures and the reading chosen"',
        )
    effect = {
        "cap": f"its score is capped at {_fmt(points)}",
        "scale": f"its parts are scaled by {_fmt(points)}/{_fmt(sums)}",
        "sum": f"its maximum is taken as {_fmt(sums)}",
    }[resolve.mode]
    if resolve.mode == "cap" and sums < points:
        cx.warn(
            "DR203",
            f"{numbers}; with resolve cap no unit can reach {_fmt(points)}",
            resolve.span,
            "use resolve scale or resolve sum instead",
        )
    cx.warn("DR104", f"{numbers} (resolved: {effect})", node.points.span)


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
                    f"{type(node).__name__.lower()} {node.id!r} applies only to some "
                    "units, but no not_applicable policy says what the others score",
                    node.props.applies_to.span,
                    "add a policy: not_applicable average (or own_rate, rescale, ...)",
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
    hint = "add a policy: not_applicable average (or own_rate, rescale, ...)"
    what = f"{type(node).__name__.lower()} {node.id!r}"
    statement = node.props.na_statement
    if statement is not None:
        msg = f"{what} requires a statement for N/A, but no not_applicable policy is in force"
        cx.report("DR141", msg, statement.span, hint)
    for empty in node.props.empty:
        if empty.meaning == "not_applicable":
            msg = (
                f"{what}: no {empty.records} means not applicable, but no not_applicable "
                "policy says what it scores"
            )
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
                    f"every alternative of this evidence requirement needs a kind that is "
                    f"rejected ({names}): no evidence can meet it",
                    kinds.span,
                    "drop the rejected kind from the requirement, or add an alternative",
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
