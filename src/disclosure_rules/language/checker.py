"""Checking: AST → diagnostics (all of them, together).

The checker finds the mistakes a scheme author makes, and the ones official
tables contain: children whose points do not add up to their parent's,
weights that do not add up to 100%, grade thresholds out of order, unknown
names (with "did you mean …?"), a fact used with two incompatible meanings,
nonsensical numbers; and it warns about what is legal but suspicious.

It reports every independent problem and no follow-on ones: a node whose
points are unknown (a bad parameter) is left out of the sums above it rather
than reported again at each level.

Codes are stable and documented in ``docs/diagnostics.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from ..decimals import ZERO
from ..decimals import percent as _pct
from ..decimals import text as _fmt
from ..errors import Diagnostic, DisclosureRulesError, Severity, Span, did_you_mean
from ..workdays import Schedule
from . import syntax
from .symbols import CheckReport, FactType, ParamValue, node_points, resolve_params

__all__ = ["analyse", "check"]

HUNDRED_PERCENT = Decimal(1)

_COMPATIBLE = {
    frozenset({"number", "count"}): "count",
    frozenset({"number", "rate"}): "rate",
    frozenset({"date", "datetime"}): "datetime",
}


def analyse(ruleset: syntax.Ruleset, overrides: Mapping[str, Decimal] | None = None) -> CheckReport:
    """Check ``ruleset`` and return the diagnostics with what the compiler needs."""
    checker = _Checker(ruleset, resolve_params(ruleset, overrides))
    checker.run()
    return CheckReport(
        tuple(sorted(checker.diagnostics, key=_order)),
        checker.params,
        {key: kind for key, (kind, _span) in checker.fact_types.items()},
        {
            key: {f: k for f, (k, _s) in fields.items()}
            for key, fields in checker.record_types.items()
        },
    )


def check(
    ruleset: syntax.Ruleset, overrides: Mapping[str, Decimal] | None = None
) -> list[Diagnostic]:
    """Every diagnostic for ``ruleset``, errors and warnings, in source order."""
    return list(analyse(ruleset, overrides).diagnostics)


def _order(d: Diagnostic) -> tuple[int, int, str]:
    if d.span is None:
        return (0, 0, d.code)
    return (d.span.line, d.span.column, d.code)


class _Checker:
    def __init__(self, ruleset: syntax.Ruleset, params: dict[str, ParamValue]) -> None:
        self.r = ruleset
        self.params = params
        self.lines = ruleset.text.splitlines()
        self.diagnostics: list[Diagnostic] = []
        self.used_params: set[str] = set()
        self.node_ids: dict[str, Span] = {}
        self.fact_types: dict[tuple[str, str], tuple[FactType, Span]] = {}
        self.record_types: dict[tuple[str, str], dict[str, tuple[FactType, Span]]] = {}
        self.declared_tags = set(ruleset.tags)

    # ------------------------------------------------------------ reporting

    def report(
        self,
        code: str,
        msg: str,
        span: Span | None,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        line = None
        if span is not None and 0 < span.line <= len(self.lines):
            line = self.lines[span.line - 1]
        self.diagnostics.append(Diagnostic(code, msg, severity, span, hint, source_line=line))

    def warn(self, code: str, msg: str, span: Span | None, hint: str | None = None) -> None:
        self.report(code, msg, span, hint, Severity.WARNING)

    # ------------------------------------------------------------ numbers

    def value(self, number: syntax.Number | None) -> Decimal | None:
        """The number's value, or None when it names an unknown parameter (reported once)."""
        if number is None:
            return None
        if isinstance(number, syntax.Literal):
            return number.value
        self.used_params.add(number.name)
        if number.name in self.params:
            return self.params[number.name].value
        self.report(
            "DR102",
            f"unknown parameter {number.name!r}",
            number.span,
            did_you_mean(number.name, self.params)
            or 'declare it with: param NAME = VALUE "description"',
        )
        return None

    def positive(self, number: syntax.Number, what: str) -> Decimal | None:
        value = self.value(number)
        if value is not None and value <= 0:
            self.report("DR114", f"{what} must be more than 0, got {_fmt(value)}", number.span)
            return None
        return value

    # ------------------------------------------------------------ run

    def run(self) -> None:
        r = self.r
        self.check_header()
        self.check_params()
        self.check_tags(r.policy, None)
        if r.components and r.children:
            first = r.children[0]
            self.report(
                "DR126",
                "nodes outside a component in a ruleset that has components",
                first.span,
                "put every section and item inside a component, or use no components",
            )
        declared: list[tuple[str, Span]] = [(c.id, c.span) for c in r.components]
        declared += [(n.id, n.span) for n in _walk(r.children)]
        for comp in r.components:
            declared += [(n.id, n.span) for n in _walk(comp.children)]
        declared += [(v.id, v.span) for v in r.vetoes]
        for ident, span in sorted(declared, key=lambda d: (d[1].line, d[1].column)):
            self.declare(ident, span)
        total = self.value(r.total) if r.total is not None else None
        if r.components:
            self.check_components(total)
        else:
            sums = self.check_children(r.children, depth=0)
            if total is not None and sums is not None and sums != total:
                self.report(
                    "DR103",
                    f"the top-level points add up to {_fmt(sums)}, but the ruleset's total "
                    f"is {_fmt(total)}",
                    r.total.span if r.total is not None else r.span,
                    "correct the points, or the total",
                )
        if not r.components and not r.children:
            self.report(
                "DR127",
                "the ruleset has no sections, items or components",
                r.span,
                'add at least one item: item ID "title" POINTS',
            )
        self.check_na_coverage(r.components, r.children)
        self.check_grades()
        self.check_vetoes()
        self.check_conversions()
        self.check_calendars()
        for name, p in self.params.items():
            if name not in self.used_params:
                self.warn(
                    "DR205",
                    f"parameter {name!r} is never used",
                    p.span,
                    "remove it, or use it where its value belongs",
                )

    def declare(self, ident: str, span: Span) -> None:
        if ident in self.node_ids:
            first = self.node_ids[ident]
            self.report(
                "DR101",
                f"duplicate id {ident!r} (first used on line {first.line})",
                span,
                "every section, item, component and veto needs its own id",
            )
        else:
            self.node_ids[ident] = span

    # ------------------------------------------------------------ header

    def check_header(self) -> None:
        r = self.r
        if not r.title:
            self.report(
                "DR110",
                "the ruleset has no title",
                r.span,
                'add: title "the scheme\'s name as printed"',
            )
        for dup in r.duplicates:
            self.report(
                "DR128",
                f"{dup.key!r} is given more than once",
                dup.span,
                "keep one; a ruleset has one header of each kind",
            )
        if r.total is not None:
            self.positive(r.total, "the total")

    def check_params(self) -> None:
        seen: dict[str, Span] = {}
        for p in self.r.params:
            if p.name in seen:
                self.report(
                    "DR101",
                    f"duplicate parameter {p.name!r} (first on line {seen[p.name].line})",
                    p.span,
                )
            seen[p.name] = p.span
            if not p.description.strip():
                self.report(
                    "DR115",
                    f"parameter {p.name!r} has an empty description",
                    p.span,
                    "say what the value means and where it comes from",
                )

    def check_tags(self, props: syntax.NodeProps, node_id: str | None) -> None:
        na = props.not_applicable
        if na is not None:
            if na.policy == "group_average" and not na.over:
                self.report(
                    "DR129",
                    "group_average needs the tags that form the groups",
                    na.span,
                    "write: not_applicable group_average over township, department",
                )
            if na.over and na.policy != "group_average":
                self.report(
                    "DR129", f"'over' only goes with group_average, not {na.policy}", na.span
                )
            for tag in na.over:
                self.known_tag(tag, na.span)
        if props.applies_to is not None:
            for tag in props.applies_to.tags:
                self.known_tag(tag, props.applies_to.span)
        for bound in props.bounds:
            if bound.value is not None:
                self.value(bound.value)
        if props.resolve is not None and node_id is None:
            self.report(
                "DR130",
                "resolve belongs on a section whose points do not add up",
                props.resolve.span,
            )

    def known_tag(self, tag: str, span: Span) -> None:
        if self.declared_tags and tag not in self.declared_tags:
            self.report(
                "DR102",
                f"unknown tag {tag!r}",
                span,
                did_you_mean(tag, self.declared_tags) or "add it to the ruleset's tags declaration",
            )

    # ------------------------------------------------------------ components

    def check_components(self, total: Decimal | None) -> None:
        weights: list[Decimal] = []
        unknown = False
        for comp in self.r.components:
            weight = self.value(comp.weight)
            if weight is None:
                unknown = True
            elif weight <= 0 or weight > HUNDRED_PERCENT:
                self.report(
                    "DR117",
                    f"component {comp.id!r} has weight {_pct(weight)}; a weight is "
                    "more than 0% and at most 100%",
                    comp.weight.span,
                )
                unknown = True
            else:
                weights.append(weight)
            if isinstance(comp.weight, syntax.Literal) and not comp.weight.percent:
                self.report(
                    "DR119",
                    f"component {comp.id!r}: write the weight as a percentage",
                    comp.weight.span,
                    f"e.g. weight {_fmt(comp.weight.value)}%",
                )
            self.check_component_body(comp)
        if not unknown and sum(weights, ZERO) != HUNDRED_PERCENT:
            parts = " + ".join(_pct(w) for w in weights)
            span = self.r.components[0].span
            self.report(
                "DR105",
                f"component weights add up to {_pct(sum(weights, ZERO))} ({parts}), not 100%",
                span,
                "weights must add up to exactly 100%",
            )

    def check_component_body(self, comp: syntax.Component) -> None:
        kinds = [bool(comp.children), comp.direct is not None, comp.survey is not None]
        for span in comp.extra:
            self.report(
                "DR131",
                f"component {comp.id!r} has more than one way of scoring",
                span,
                "a component holds a tree of sections and items, or one score line, or one survey",
            )
        if comp.rules:
            self.report(
                "DR132",
                f"component {comp.id!r} has scoring rules; rules belong on items",
                comp.rules[0].span,
                "move the rules into an item of the component",
            )
        if sum(kinds) > 1:
            self.report(
                "DR131",
                f"component {comp.id!r} mixes a tree with a score or survey",
                comp.span,
                "split it into two components",
            )
        elif sum(kinds) == 0:
            self.report(
                "DR127",
                f"component {comp.id!r} has nothing to score",
                comp.span,
                "add sections and items, a score LOW..HIGH line, or a survey",
            )
        self.check_tags(comp.props, comp.id)
        if comp.direct is not None:
            low, high = self.value(comp.direct.low), self.value(comp.direct.high)
            if low is not None and high is not None and low >= high:
                self.report(
                    "DR120", f"score range {_fmt(low)}..{_fmt(high)} is empty", comp.direct.span
                )
        if comp.survey is not None:
            self.check_survey(comp.survey)
        if comp.children:
            sums = self.check_children(comp.children, depth=0)
            declared = self.value(comp.points) if comp.points is not None else None
            if declared is not None and sums is not None and sums != declared:
                self.report(
                    "DR103",
                    f"component {comp.id!r} \u201c{comp.title}\u201d declares "
                    f"{_fmt(declared)} points but its parts add up to {_fmt(sums)}",
                    comp.points.span if comp.points is not None else comp.span,
                    "correct the points as printed; a real mismatch in an official table is "
                    "settled on a section with resolve cap|scale|sum and a cite",
                )

    def check_survey(self, survey: syntax.Survey) -> None:
        if not survey.answers:
            self.report(
                "DR127",
                "a survey needs answers with weights",
                survey.span,
                "e.g. answer 满意 1  answer 基本满意 0.6  answer 不满意 0",
            )
        seen: set[str] = set()
        for answer in survey.answers:
            if answer.name in seen:
                self.report("DR101", f"duplicate answer {answer.name!r}", answer.span)
            seen.add(answer.name)
            weight = self.value(answer.weight)
            if weight is not None and not ZERO <= weight <= 1:
                self.report("DR121", f"answer weight {_fmt(weight)} is outside 0..1", answer.span)
        self.check_bands(survey.outcomes, "outcome", percent_only=True)

    # ------------------------------------------------------------ the tree

    def check_children(self, children: tuple[syntax.Node, ...], depth: int) -> Decimal | None:
        """Check a list of siblings; return the sum of their points (None if unknown)."""
        total: Decimal | None = ZERO
        for child in children:
            pts = self.check_node(child, depth)
            if isinstance(child, syntax.Bonus):
                continue
            if pts is None or total is None:
                total = None
            else:
                total += pts
        return total

    def check_node(self, node: syntax.Node, depth: int) -> Decimal | None:
        kind = type(node).__name__.lower()
        declared = node_points(node)
        points = (
            None if declared is None else self.positive(declared, f"{kind} {node.id!r}'s points")
        )
        self.check_tags(node.props, node.id)
        if isinstance(node, syntax.Bonus) and depth > 0:
            self.report(
                "DR133",
                f"bonus {node.id!r} must stand directly in a component or the ruleset",
                node.span,
                "bonus points are added on top of a component's total",
            )
        if isinstance(node, syntax.Item | syntax.Bonus) and node.children:
            self.report(
                "DR134",
                f"{kind} {node.id!r} has sub-items; use a section for a parent",
                node.children[0].span,
                f'write: section {node.id} "{node.title}" ...',
            )
        if isinstance(node, syntax.Section):
            if node.rules:
                self.report(
                    "DR132",
                    f"section {node.id!r} has scoring rules; rules belong on items",
                    node.rules[0].span,
                    "make it an item (its sub-lines become rules) or move the rules into an item",
                )
            if not node.children:
                self.report(
                    "DR127",
                    f"section {node.id!r} has no items",
                    node.span,
                    "use item for a leaf indicator",
                )
                return points  # no parts to add up: the sum check would say it again
            sums = self.check_children(node.children, depth + 1)
            if declared is None:
                if node.props.resolve is not None:
                    self.report(
                        "DR130",
                        f"section {node.id!r} declares no points, so there is no "
                        "mismatch to resolve",
                        node.props.resolve.span,
                    )
                return sums
            self.check_sum(node, points, sums)
            resolve = node.props.resolve
            if resolve is not None and resolve.mode == "sum" and sums is not None:
                points = sums  # the parts' total is the maximum the parent adds up
        else:
            if node.props.resolve is not None:
                self.report(
                    "DR130",
                    "resolve belongs on a section whose points do not add up",
                    node.props.resolve.span,
                )
            self.check_rules(node, points)
        if isinstance(node, syntax.Bonus):
            return None
        return points

    def check_sum(self, node: syntax.Section, points: Decimal | None, sums: Decimal | None) -> None:
        if points is None or sums is None:
            return
        resolve = node.props.resolve
        if sums == points:
            if resolve is not None:
                self.warn(
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
            self.report(
                "DR103",
                numbers,
                node.points.span,
                "correct the points; if the official table really prints this, settle it "
                "explicitly: resolve cap | scale | sum, with a cite saying why",
            )
            return
        if resolve.cite is None:
            self.report(
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
            self.warn(
                "DR203",
                f"{numbers}; with resolve cap no unit can reach {_fmt(points)}",
                resolve.span,
                "use resolve scale or resolve sum instead",
            )
        self.warn("DR104", f"{numbers} (resolved: {effect})", node.points.span)

    def check_rules(self, node: syntax.Item | syntax.Bonus, points: Decimal | None) -> None:
        bases = [
            r for r in node.rules if isinstance(r, syntax.Award | syntax.Rate | syntax.RateOnTime)
        ]
        for extra in bases[1:]:
            self.report(
                "DR135",
                f"item {node.id!r} has more than one base rule "
                "(awarded, all_or_nothing, full, rate)",
                extra.span,
                "keep one",
            )
        for rule in node.rules:
            if isinstance(rule, syntax.Award):
                if rule.mode == "awarded":
                    self.fact(node.id, "awarded", "number", rule.span)
                elif rule.mode == "all_or_nothing":
                    self.fact(node.id, "met", "bool", rule.span)
            elif isinstance(rule, syntax.Rate):
                self.fact_ref(node.id, rule.fact, "rate")
            elif isinstance(rule, syntax.RateOnTime):
                self.records(node.id, rule.records, rule.deadline, rule.span)
            elif isinstance(
                rule,
                syntax.DeductPer | syntax.DeductMissing | syntax.DeductWhen | syntax.DeductLate,
            ):
                amount = self.positive(rule.amount, "a deduction")
                if isinstance(rule, syntax.DeductPer | syntax.DeductLate):
                    if isinstance(rule, syntax.DeductPer):
                        self.fact_ref(node.id, rule.fact, "count")
                    else:
                        self.records(node.id, rule.records, rule.deadline, rule.span)
                    if rule.max is not None:
                        self.positive(rule.max, "a deduction's max")
                elif isinstance(rule, syntax.DeductMissing):
                    self.fact_ref(node.id, rule.fact, "count")
                    self.positive(rule.of, "the number of required elements")
                else:
                    self.condition(node.id, rule.condition)
                if amount is not None and points is not None and amount > points:
                    self.warn(
                        "DR201",
                        f"one deduction of {_fmt(amount)} is larger than item "
                        f"{node.id!r}'s {_fmt(points)} points",
                        rule.amount.span,
                        "check the amount; the item's floor absorbs the excess",
                    )
            elif isinstance(rule, syntax.ZeroWhen):
                self.condition(node.id, rule.condition)
        if not bases and not node.rules:
            self.fact(node.id, "awarded", "number", node.span)
        for bound in node.props.bounds:
            value = self.value(bound.value) if bound.value is not None else None
            if bound.kind == "cap" and value is not None and value <= 0:
                self.warn(
                    "DR203",
                    f"item {node.id!r} is capped at {_fmt(value)}: no unit can ever score on it",
                    bound.span,
                )
        applies = node.props.applies_to
        declared = self.declared_tags
        if applies is not None and declared and not set(applies.tags) & declared:
            self.warn(
                "DR203",
                f"item {node.id!r} applies to no declared tag: no unit can ever score on it",
                applies.span,
            )

    # ------------------------------------------------------------ facts

    def condition(self, node_id: str, cond: syntax.Condition) -> None:
        if isinstance(cond, syntax.AllOf | syntax.AnyOf):
            for part in cond.parts:
                self.condition(node_id, part)
        elif isinstance(cond, syntax.Compare):
            value = self.value(cond.value)
            counted = value is not None and value >= 0 and value == value.to_integral_value()
            self.fact_ref(node_id, cond.fact, "count" if counted else "number")
            if value is not None and (
                (cond.op == ">=" and value <= 0) or (cond.op == ">" and value < 0)
            ):
                self.warn(
                    "DR203",
                    f"condition '{cond.fact} {cond.op} {_fmt(value)}' always holds for a count",
                    cond.span,
                )
        elif isinstance(cond, syntax.Not):
            self.condition(node_id, cond.part)
        elif isinstance(cond, syntax.Met):
            kind = self.deadline(cond.deadline)
            for field in filter(None, (cond.deadline.end, cond.deadline.start)):
                self.fact(node_id, field, kind, cond.deadline.span)
        elif isinstance(cond, syntax.AllMet):
            self.records(node_id, cond.records, cond.deadline, cond.span)
        else:
            self.fact_ref(node_id, cond.fact, "bool")

    def deadline(self, deadline: syntax.Deadline) -> FactType:
        """Check a deadline's numbers; the type its dated facts need."""
        if deadline.amount is not None:
            value = self.value(deadline.amount)  # 0 is "the same day": 同步发布
            if value is not None and value < 0:
                self.report(
                    "DR122",
                    f"a deadline cannot be negative, got {_fmt(value)}",
                    deadline.amount.span,
                )
                value = None
            if (
                value is not None
                and deadline.unit != "hours"
                and value != value.to_integral_value()
            ):
                self.report(
                    "DR123",
                    f"a deadline in {deadline.unit} is a whole number, got {_fmt(value)}",
                    deadline.amount.span,
                )
        return "datetime" if deadline.unit == "hours" else "date"

    def records(self, node_id: str, records: str, deadline: syntax.Deadline, span: Span) -> None:
        self.fact(node_id, records, "records", span)
        kind = self.deadline(deadline)
        fields = self.record_types.setdefault((node_id, records), {})
        for field in filter(None, (deadline.end, deadline.start)):
            prior = fields.get(field)
            if prior is None or prior[0] == kind:
                fields[field] = (kind, deadline.span)
            else:
                fields[field] = (_COMPATIBLE[frozenset({prior[0], kind})], prior[1])

    def fact_ref(self, node_id: str, ref: syntax.FactRef, kind: FactType) -> None:
        owner = ref.node or node_id
        if ref.node is not None and ref.node not in self.node_ids:
            self.report(
                "DR102",
                f"unknown node {ref.node!r} in fact {ref}",
                ref.span,
                did_you_mean(ref.node, self.node_ids),
            )
            return
        self.fact(owner, ref.field, kind, ref.span)

    def fact(self, node_id: str, field: str, kind: FactType, span: Span) -> None:
        key = (node_id, field)
        if key not in self.fact_types:
            self.fact_types[key] = (kind, span)
            return
        prior, prior_span = self.fact_types[key]
        if prior == kind:
            return
        merged = _COMPATIBLE.get(frozenset({prior, kind}))
        if merged is not None:
            self.fact_types[key] = (merged, prior_span)
            return
        self.report(
            "DR107",
            f"fact {node_id}.{field} is used as a {kind} here but as a {prior} on line "
            f"{prior_span.line}",
            span,
            "use two differently named facts",
        )

    # ------------------------------------------------------------ N/A

    def check_na_coverage(
        self, comps: tuple[syntax.Component, ...], nodes: tuple[syntax.Node, ...]
    ) -> None:
        def walk(children: tuple[syntax.Node, ...], inherited: bool) -> None:
            for node in children:
                has = inherited or node.props.not_applicable is not None
                if node.props.applies_to is not None and not has:
                    self.report(
                        "DR112",
                        f"{type(node).__name__.lower()} {node.id!r} applies only to some "
                        "units, but no not_applicable policy says what the others score",
                        node.props.applies_to.span,
                        "add a policy: not_applicable average (or own_rate, rescale, ...)",
                    )
                walk(node.children, has)

        root = self.r.policy.not_applicable is not None
        walk(nodes, root)
        for comp in comps:
            walk(comp.children, root or comp.props.not_applicable is not None)

    # ------------------------------------------------------------ grades etc.

    def check_grades(self) -> None:
        if self.r.grades is None:
            return
        self.check_bands(self.r.grades.bands, "grade", percent_only=False)
        for band in self.r.grades.bands:
            if band.quota is not None:
                quota = self.value(band.quota)
                if quota is not None and not ZERO < quota <= HUNDRED_PERCENT:
                    self.report(
                        "DR118",
                        f"grade {band.name!r} quota {_pct(quota)} is outside 0%..100%",
                        band.quota.span,
                    )

    def check_bands(
        self,
        bands: tuple[syntax.Grade, ...] | tuple[syntax.Outcome, ...],
        what: str,
        percent_only: bool,
    ) -> None:
        seen: set[str] = set()
        previous: Decimal | None = None
        previous_band = None
        has_else = False
        for band in bands:
            if band.name in seen:
                self.report("DR106", f"{what} {band.name!r} appears twice", band.span)
            seen.add(band.name)
            if band.threshold is None:
                has_else = True
                continue
            if has_else:
                self.report(
                    "DR106",
                    f"{what} {band.name!r} comes after the else {what}",
                    band.span,
                    f"the else {what} comes last",
                )
            value = self.value(band.threshold)
            if (
                percent_only
                and isinstance(band.threshold, syntax.Literal)
                and not band.threshold.percent
            ):
                self.report(
                    "DR119",
                    f"{what} thresholds are percentages of the satisfaction rate",
                    band.threshold.span,
                    f"write {_fmt(band.threshold.value)}%",
                )
            if value is None:
                continue
            if previous is not None and value >= previous and previous_band is not None:
                self.report(
                    "DR106",
                    f"{what} thresholds out of order: {band.name!r} >= {_fmt(value)} "
                    f"after {previous_band!r} >= {_fmt(previous)}",
                    band.threshold.span,
                    f"list {what}s from the highest threshold down",
                )
            previous, previous_band = value, band.name
        if bands and not has_else:
            last = bands[-1]
            self.warn(
                "DR202",
                f"no else {what}: scores below the lowest threshold get no {what}",
                last.span,
                "add: else NAME (e.g. else 不合格)",
            )

    def check_vetoes(self) -> None:
        grades = {b.name for b in self.r.grades.bands} if self.r.grades else set()
        for veto in self.r.vetoes:
            self.condition(veto.id, veto.condition)
            if veto.grade is not None and veto.grade not in grades:
                self.report(
                    "DR102",
                    f"veto {veto.id!r} names unknown grade {veto.grade!r}",
                    veto.span,
                    did_you_mean(veto.grade, grades) or "declare it in grades",
                )
            if veto.score is not None:
                value = self.value(veto.score)
                if value is not None and value < 0:
                    self.report("DR124", "a veto score cannot be negative", veto.score.span)

    def check_calendars(self) -> None:
        seen: dict[int, Span] = {}
        for decl in self.r.calendars:
            if decl.year in seen:
                self.report(
                    "DR101",
                    f"calendar for {decl.year} is given twice (first on line "
                    f"{seen[decl.year].line})",
                    decl.span,
                )
                continue
            seen[decl.year] = decl.span
            try:
                Schedule(
                    decl.year, frozenset(decl.holidays), frozenset(decl.workdays), decl.span.file
                )
            except DisclosureRulesError as exc:
                for d in exc.diagnostics:
                    self.report(d.code, d.message, decl.span, d.hint)

    def check_conversions(self) -> None:
        for conv in self.r.conversions:
            self.positive(conv.points, f"conversion {conv.id!r}'s points")


def _walk(nodes: tuple[syntax.Node, ...]) -> Iterator[syntax.Node]:
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))
