"""Compiling: a checked syntax tree → an :class:`~disclosure_rules.model.graph.EvaluationGraph`.

The checker (:mod:`disclosure_rules.language.checker`) has resolved the
parameters and the facts' types; this step resolves every number, compiles
each rule and condition into its class of :mod:`disclosure_rules.model.rules`
(:mod:`.compile_rules`, the one place that maps syntax to compiled rules),
inherits policies down the tree and lays out the plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from ..decimals import ZERO
from ..errors import CheckError
from ..language import syntax
from ..language.readings import decided_lines, specialise
from ..language.symbols import CheckReport, DefaultInForce, FactType, node_points
from ..workdays import Schedule
from .canonical import ruleset_hash as canonical_hash
from .compile_rules import RuleCompiler
from .graph import (
    AbsentRule,
    Bound,
    ConversionRule,
    EvaluationGraph,
    GradeBand,
    GraphNode,
    NaRule,
    Stage,
    VetoRule,
)
from .requirements import NO_NEEDS, EmptyRule, EvidenceNeeds, StatementRule
from .rules import BaseRule, FactDefault

__all__ = ["compile_ruleset"]

_EvidenceState = tuple[
    tuple[bool, int | None, str | None],
    tuple[frozenset[str], str | None, int | None],
    EvidenceNeeds,
]
"""The evidence policy in force: (required, line, cite), (rejected kinds, cite, line), needs."""


def compile_ruleset(
    ruleset: syntax.Ruleset, report: CheckReport, ruleset_hash: str | None = None
) -> EvaluationGraph:
    """Compile a checked syntax tree, specialised to the readings the checker's ``report``
    has in force; raise :class:`CheckError` with every error if the report has any (the
    checker runs first, in :mod:`disclosure_rules.api`). The graph's hash is that of the
    ruleset's canonical form (:func:`~disclosure_rules.model.canonical.ruleset_hash`),
    every reading's clauses included, unless ``ruleset_hash`` gives another."""
    if report.errors:
        raise CheckError(report.diagnostics)
    digest = ruleset_hash if ruleset_hash is not None else canonical_hash(ruleset)
    return _Compiler(ruleset, report, digest).build()


class _Compiler(RuleCompiler):
    def __init__(self, ruleset: syntax.Ruleset, report: CheckReport, ruleset_hash: str) -> None:
        super().__init__(report.params)
        self.r = specialise(ruleset, report.readings)
        self.decided = decided_lines(ruleset, report.readings)
        self.report = report
        self.hash = ruleset_hash
        self.nodes: list[GraphNode | None] = []
        self.fields: dict[str, dict[str, FactType]] = {}
        for (node_id, field), kind in report.fact_types.items():
            self.fields.setdefault(node_id, {})[field] = kind
        self.record_fields: dict[str, list[tuple[str, tuple[tuple[str, FactType], ...]]]] = {}
        for (owner, records), kinds in sorted(report.record_types.items()):
            self.record_fields.setdefault(owner, []).append((records, tuple(sorted(kinds.items()))))

    # -- build

    def build(self) -> EvaluationGraph:
        r = self.r
        root_props = r.policy
        self.nodes.append(None)  # the root, filled in last
        children: list[int] = []
        na = self.na_rule(root_props, r.id, None)
        statement = self.statement_rule(root_props, r.id, None)
        evidence = self.evidence(
            root_props, (False, None, None), (frozenset(), None, None), NO_NEEDS
        )
        below = self.floor_below(root_props, Bound(ZERO))
        if r.components:
            for comp in r.components:
                children.append(self.component(comp, na, evidence, statement, below))
        else:
            for node in r.children:
                children.append(self.tree_node(node, 0, na, evidence, statement, below, 0))
        regular = [self.get(i) for i in children if self.get(i).kind != "bonus"]
        declared = self.num(r.total) if r.total is not None else None
        if r.components:
            points = declared if declared is not None else Decimal(100)
        else:
            points = declared if declared is not None else sum((n.points for n in regular), ZERO)
        floor = self.bound(root_props, "floor", Bound(ZERO))
        cap = self.bound(root_props, "cap", Bound(None))
        self.nodes[0] = GraphNode(
            index=0,
            id=r.id,
            kind="ruleset",
            title=r.title or r.id,
            parent=None,
            children=tuple(children),
            points=points,
            line=r.span.line,
            scoring="tree",
            floor=floor,
            cap=cap if cap.value is not None else Bound(points),
            na=na,
            cite=r.total_cite.text if r.total_cite else None,
            absent=self.absent(root_props),
        )
        nodes = tuple(n for n in self.nodes if n is not None)
        order = tuple(self.post_order(nodes))
        by_id = {n.id: n.index for n in nodes}
        schema = {n.id: dict(n.fields) for n in nodes if n.fields}
        for veto in r.vetoes:
            schema.setdefault(veto.id, {}).update(self.fields.get(veto.id, {}))
        return EvaluationGraph(
            id=r.id,
            title=r.title or r.id,
            issuer=r.issuer,
            issued=r.issued.isoformat() if r.issued else None,
            year=r.year if r.year is not None else (r.issued.year if r.issued else None),
            source=r.source,
            file=r.span.file,
            rounding=r.rounding,
            nodes=nodes,
            order=order,
            plan=self.plan(nodes, order),
            grades=self.grades(),
            vetoes=tuple(self.veto(v) for v in r.vetoes),
            conversions=tuple(
                ConversionRule(
                    c.id,
                    c.title,
                    self.num(c.points),
                    c.span.line,
                    c.cite.text if c.cite else None,
                    _reason(c.assumption),
                )
                for c in r.conversions
            ),
            params=tuple(self.params.values()),
            tags=r.tags,
            tag_titles=r.tag_titles,
            diagnostics=self.report.diagnostics,
            ruleset_hash=self.hash,
            schedules=tuple(
                Schedule(c.year, frozenset(c.holidays), frozenset(c.workdays), c.span.file)
                for c in r.calendars
            ),
            groups=r.groups,
            groups_cite=r.groups_cite.text if r.groups_cite else None,
            by_id=by_id,
            fact_schema=schema,
            readings=self.report.readings,
            decided=self.decided,
        )

    def get(self, idx: int) -> GraphNode:
        node = self.nodes[idx]
        assert node is not None
        return node

    def reserve(self) -> int:
        self.nodes.append(None)
        return len(self.nodes) - 1

    @staticmethod
    def post_order(nodes: tuple[GraphNode, ...]) -> Iterator[int]:
        stack: list[tuple[int, bool]] = [(0, False)]
        while stack:
            idx, done = stack.pop()
            if done:
                yield idx
                continue
            stack.append((idx, True))
            for child in reversed(nodes[idx].children):
                stack.append((child, False))

    # -- policies

    def na_rule(
        self, props: syntax.NodeProps, node_id: str, inherited: NaRule | None
    ) -> NaRule | None:
        na = props.not_applicable
        if na is None:
            return inherited
        return NaRule(na.policy, node_id, na.span.line, na.cite.text if na.cite else None, na.over)

    @staticmethod
    def statement_rule(
        props: syntax.NodeProps, node_id: str, inherited: StatementRule | None
    ) -> StatementRule | None:
        declared = props.na_statement
        if declared is None:
            return inherited
        cite = declared.cite.text if declared.cite else None
        return StatementRule(node_id, declared.span.line, cite)

    def evidence(
        self,
        props: syntax.NodeProps,
        required: tuple[bool, int | None, str | None],
        rejected: tuple[frozenset[str], str | None, int | None],
        needs: EvidenceNeeds,
    ) -> _EvidenceState:
        for ev in props.evidence:
            cite = ev.cite.text if ev.cite else None
            line = ev.span.line
            if ev.required is not None:
                required = (ev.required, line, cite)
            if ev.rejected:
                kinds = rejected[0] | frozenset(ev.rejected)
                rejected = (kinds, cite or rejected[1], line if cite else rejected[2])
            if ev.kinds:
                groups = tuple(frozenset(group) for group in ev.kinds)
                needs = attrs.evolve(needs, kinds=groups, kinds_line=line, kinds_cite=cite)
            if ev.by is not None:
                needs = attrs.evolve(needs, by=ev.by, by_line=line, by_cite=cite)
        return required, rejected, needs

    @staticmethod
    def absent(props: syntax.NodeProps) -> tuple[AbsentRule, ...]:
        return tuple(
            AbsentRule(d.mode, d.span.line, d.over, d.cite.text if d.cite else None)
            for d in props.absent
        )

    def defaults(self, reader: str) -> tuple[FactDefault, ...]:
        """What each absent fact ``reader`` reads means (the checker found the
        declarations in force); none for a node no declaration covers."""
        found = self.report.defaults.get(reader)
        if not found:
            return ()
        return tuple(_fact_default(key, found[key]) for key in sorted(found))

    def bound(self, props: syntax.NodeProps, kind: str, default: Bound) -> Bound:
        """The node's own floor or cap, else ``default`` (inherited, or the plain one)."""
        for b in props.bounds:
            if b.kind == kind and not b.below:
                value = None if b.value is None else self.num(b.value)
                return Bound(value, b.span.line, b.cite.text if b.cite else None, declared=True)
        return default

    def floor_below(self, props: syntax.NodeProps, inherited: Bound) -> Bound:
        """The default floor of the nodes below: ``floor N below`` here, else inherited."""
        for b in props.bounds:
            if b.kind == "floor" and b.below:
                value = None if b.value is None else self.num(b.value)
                return Bound(value, b.span.line, b.cite.text if b.cite else None)
        return inherited

    # -- nodes

    def component(
        self,
        comp: syntax.Component,
        na: NaRule | None,
        evidence: _EvidenceState,
        statement: StatementRule | None,
        floor: Bound,
    ) -> int:
        idx = self.reserve()
        na = self.na_rule(comp.props, comp.id, na)
        statement = self.statement_rule(comp.props, comp.id, statement)
        evidence = self.evidence(comp.props, *evidence)
        below = self.floor_below(comp.props, floor)
        kids: list[int] = []
        direct_range = None
        answers: tuple[tuple[str, Decimal], ...] = ()
        outcomes: tuple[tuple[str, Decimal | None], ...] = ()
        assumed = list(self.assumed_in(comp.weight, comp.points))
        if comp.direct is not None:
            scoring = "direct"
            direct_range = (self.num(comp.direct.low), self.num(comp.direct.high))
            points = direct_range[1]
            assumed += self.assumed_in(comp.direct.low, comp.direct.high)
        elif comp.survey is not None:
            scoring = "survey"
            answers = tuple((a.name, self.num(a.weight)) for a in comp.survey.answers)
            outcomes = tuple(
                (o.name, None if o.threshold is None else self.num(o.threshold))
                for o in comp.survey.outcomes
            )
            assumed += self.assumed_in(*(a.weight for a in comp.survey.answers))
            assumed += self.assumed_in(*(o.threshold for o in comp.survey.outcomes))
            points = self.num(comp.points) if comp.points is not None else Decimal(100)
        else:
            scoring = "tree"
            for child in comp.children:
                kids.append(self.tree_node(child, 0, na, evidence, statement, below, idx))
            regular = sum((self.get(k).points for k in kids if self.get(k).kind != "bonus"), ZERO)
            points = self.num(comp.points) if comp.points is not None else regular
        fields: dict[str, FactType] = {}
        if scoring == "survey":
            fields = {name: "count" for name, _ in answers}
        self.nodes[idx] = GraphNode(
            index=idx,
            id=comp.id,
            kind="component",
            title=comp.title,
            parent=0,
            children=tuple(kids),
            points=points,
            line=comp.span.line,
            scoring=scoring,
            floor=self.bound(comp.props, "floor", floor),
            cap=self.bound(comp.props, "cap", Bound(points)),
            weight=self.num(comp.weight),
            na=na,
            na_statement=statement,
            direct_range=direct_range,
            answers=answers,
            outcomes=outcomes,
            fields=tuple(fields.items()),
            assumed=tuple(dict.fromkeys(assumed)),
            cite=comp.cite.text if comp.cite else None,
            direct_cite=comp.direct.cite.text if comp.direct and comp.direct.cite else None,
            assumption=_reason(comp.assumption),
            direct_assumption=_reason(comp.direct.assumption) if comp.direct else None,
            absent=self.absent(comp.props),
            defaults=self.defaults(comp.id),
        )
        return idx

    def tree_node(
        self,
        node: syntax.Node,
        depth: int,
        na: NaRule | None,
        evidence: _EvidenceState,
        statement: StatementRule | None,
        floor: Bound,
        parent: int,
    ) -> int:
        """The node's index; the node and those below it built, under node ``parent``
        (reserved before its children, so each is built knowing it)."""
        idx = self.reserve()
        na = self.na_rule(node.props, node.id, na)
        statement = self.statement_rule(node.props, node.id, statement)
        evidence = self.evidence(node.props, *evidence)
        below = self.floor_below(node.props, floor)
        (required, ev_line, ev_cite), (rejected, rej_cite, rej_line), needs = evidence
        declared_number = node_points(node)
        assumed = list(self.assumed_in(declared_number))
        kids: list[int] = []
        children_points = None
        declared = None
        for child in node.children:
            kids.append(self.tree_node(child, depth + 1, na, evidence, statement, below, idx))
        resolve = node.props.resolve
        children_sum = sum((self.get(k).points for k in kids if self.get(k).kind != "bonus"), ZERO)
        points = children_sum if declared_number is None else self.num(declared_number)
        if isinstance(node, syntax.Section):
            children_points = children_sum
            if resolve is not None and resolve.mode == "sum" and children_points != points:
                declared, points = points, children_points
            elif children_points != points:
                declared = points
        clauses, base = self.clauses(node)
        for c in clauses:
            assumed.extend(c.assumed)
        kind = (
            "bonus"
            if isinstance(node, syntax.Bonus)
            else ("section" if isinstance(node, syntax.Section) else "item")
        )
        applies = node.props.applies_to
        self.nodes[idx] = GraphNode(
            index=idx,
            id=node.id,
            kind=kind,
            title=node.title,
            parent=parent,
            children=tuple(kids),
            points=points,
            line=node.span.line,
            scoring="tree" if isinstance(node, syntax.Section) else "item",
            floor=self.bound(node.props, "floor", floor),
            cap=self.bound(node.props, "cap", Bound(points)),
            declared_points=declared,
            clauses=clauses,
            base=base,
            steps=tuple(r for r in clauses if not isinstance(r, BaseRule)),
            applies_to=frozenset(applies.tags) if applies is not None else None,
            na=na,
            evidence_required=required,
            evidence_line=ev_line,
            evidence_cite=ev_cite,
            rejected=rejected,
            rejected_cite=rej_cite,
            rejected_line=rej_line,
            evidence_needs=needs,
            na_statement=statement,
            empty=tuple(
                EmptyRule(e.records, e.meaning, e.span.line, e.cite.text if e.cite else None)
                for e in node.props.empty
            ),
            resolve=resolve.mode if resolve is not None else None,
            resolve_cite=resolve.cite.text if resolve is not None and resolve.cite else None,
            children_points=children_points if declared is not None else None,
            owner=node.props.owner,
            remark=node.props.remark,
            cite=node.cite.text if node.cite else None,
            fields=tuple(sorted(self.fields.get(node.id, {}).items())),
            record_fields=tuple(self.record_fields.get(node.id, ())),
            assumed=tuple(dict.fromkeys(assumed)),
            assumption=_reason(node.assumption),
            absent=self.absent(node.props),
            defaults=self.defaults(node.id),
        )
        return idx

    def grades(self) -> tuple[GradeBand, ...]:
        if self.r.grades is None:
            return ()
        return tuple(
            GradeBand(
                g.name,
                None if g.threshold is None else self.num(g.threshold),
                None if g.quota is None else self.num(g.quota),
                g.span.line,
                g.cite.text if g.cite else None,
            )
            for g in self.r.grades.bands
        )

    def veto(self, v: syntax.Veto) -> VetoRule:
        cond, _ = self.cond(v.id, v.condition)
        return VetoRule(
            v.id,
            v.title,
            cond,
            v.span.line,
            v.grade,
            None if v.score is None else self.num(v.score),
            v.cite.text if v.cite else None,
            self.defaults(v.id),
        )

    # -- plan

    @staticmethod
    def plan(nodes: tuple[GraphNode, ...], order: tuple[int, ...]) -> tuple[Stage, ...]:
        """Per-unit passes and cohort barriers, in the order the engine runs them."""
        leaves = tuple(i for i in order if nodes[i].is_leaf)
        stages = [Stage("per_unit", "score every leaf from its facts", leaves)]
        averaged = tuple(i for i in leaves if _averaged(nodes[i]))
        if averaged:
            stages.append(Stage("cohort", "N/A averages over the cohort (leaves)", averaged))
        pending: list[int] = []
        for i in order:
            node = nodes[i]
            if node.is_leaf:
                continue
            pending.append(i)
            if node.applies_to is not None and _averaged(node):
                stages.append(Stage("per_unit", "aggregate children", tuple(pending)))
                stages.append(Stage("cohort", f"N/A averages over the cohort ({node.id})", (i,)))
                pending = []
        if pending:
            stages.append(Stage("per_unit", "aggregate children", tuple(pending)))
        stages.append(Stage("per_unit", "vetoes and conversions", ()))
        stages.append(Stage("cohort", "ranks and grades (thresholds, quotas)", ()))
        return tuple(stages)


def _fact_default(key: tuple[str, str], in_force: DefaultInForce) -> FactDefault:
    d = in_force.declaration
    value: Decimal | bool | None = None
    if d.mode == "zero":
        value = False if in_force.kind == "bool" else ZERO
    cite = d.cite.text if d.cite else None
    return FactDefault(key[0], key[1], d.mode, value, in_force.declared_on, d.span.line, cite)


def _reason(assumption: syntax.Assumption | None) -> str | None:
    return assumption.reason if assumption is not None else None


def _averaged(node: GraphNode) -> bool:
    return node.na is not None and node.na.policy in ("average", "group_average")
