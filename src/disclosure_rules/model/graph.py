"""Compiling: a checked AST → an :class:`EvaluationGraph`.

The graph is what the engine runs and what ``describe`` exports: every node
with its numbers resolved (parameters substituted, percentages as fractions),
its compiled clauses, its effective policies (inherited from the ruleset and
its ancestors), the facts it reads and their types, and an evaluation
**plan**: per-unit passes separated by cohort barriers (N/A averages need
every unit's score for a node; ranks and grade quotas need every total).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..decimals import ZERO
from ..decimals import text as _num
from ..errors import CheckError, Diagnostic
from ..language import syntax
from ..language.checker import analyse
from ..language.symbols import CheckReport, FactType, ParamValue, node_points
from ..workdays import Schedule

__all__ = [
    "Bound",
    "Clause",
    "Cond",
    "EvaluationGraph",
    "GraphNode",
    "NaRule",
    "Stage",
    "compile_ruleset",
]

BASE_TYPES = ("awarded", "all_or_nothing", "full", "rate", "rate_on_time")
"""Clause types that set an item's starting value (at most one per item)."""


@attrs.frozen
class DeadlineRule:
    """``END within N UNIT of START`` or ``END by DATE``, compiled."""

    end: str
    start: str | None = None
    amount: Decimal | None = None
    unit: str | None = None  # workdays | days | hours
    by: dt.date | None = None

    def __str__(self) -> str:
        if self.by is not None:
            return f"{self.end} by {self.by.isoformat()}"
        return f"{self.end} within {_num(self.amount or ZERO)} {self.unit} of {self.start}"

    def to_dict(self) -> dict[str, Any]:
        if self.by is not None:
            return {"end": self.end, "by": self.by.isoformat()}
        return {
            "end": self.end,
            "within": _num(self.amount or ZERO),
            "unit": self.unit,
            "of": self.start,
        }


@attrs.frozen
class Cond:
    """A compiled condition: ``op`` is a comparison, ``truthy``, ``met`` (a deadline),
    ``all_met`` (``field`` names the records), ``not``, ``and`` or ``or``."""

    op: str
    node: str = ""
    field: str = ""
    value: Decimal | None = None
    parts: tuple[Cond, ...] = ()
    deadline: DeadlineRule | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.op in ("and", "or", "not"):
            return {"op": self.op, "parts": [p.to_dict() for p in self.parts]}
        if self.deadline is not None:
            out: dict[str, Any] = {"op": self.op, "deadline": self.deadline.to_dict()}
            if self.op == "all_met":
                out["records"] = f"{self.node}.{self.field}"
            return out
        out = {"op": self.op, "fact": f"{self.node}.{self.field}"}
        if self.value is not None:
            out["value"] = _num(self.value)
        return out

    def __str__(self) -> str:
        if self.op in ("and", "or"):
            return f" {self.op} ".join(
                f"({p})" if p.op in ("and", "or") else str(p) for p in self.parts
            )
        if self.op == "not":
            part = self.parts[0]
            return f"not ({part})" if part.op in ("and", "or") else f"not {part}"
        if self.op == "met":
            return str(self.deadline)
        if self.op == "all_met":
            return f"all {self.field}: {self.deadline}"
        if self.op == "truthy":
            return self.field
        return f"{self.field} {self.op} {_num(self.value or ZERO)}"

    def facts(self) -> Iterator[tuple[str, str]]:
        if self.op in ("and", "or", "not"):
            for p in self.parts:
                yield from p.facts()
        elif self.op == "met" and self.deadline is not None:
            yield (self.node, self.deadline.end)
            if self.deadline.start:
                yield (self.node, self.deadline.start)
        else:
            yield (self.node, self.field)


@attrs.frozen
class Clause:
    """One compiled scoring clause of an item (``type`` names it in JSON)."""

    type: str
    line: int
    cite: str | None = None
    amount: Decimal | None = None
    fact: str | None = None
    fact_node: str | None = None
    max: Decimal | None = None
    of: Decimal | None = None
    condition: Cond | None = None
    assumed: tuple[str, ...] = ()
    deadline: DeadlineRule | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.amount is not None:
            out["amount"] = _num(self.amount)
        if self.fact is not None:
            out["fact"] = self.fact if self.fact_node is None else f"{self.fact_node}.{self.fact}"
        if self.max is not None:
            out["max"] = _num(self.max)
        if self.of is not None:
            out["of"] = _num(self.of)
        if self.deadline is not None:
            out["deadline"] = self.deadline.to_dict()
        if self.condition is not None:
            out["condition"] = self.condition.to_dict()
            out["facts"] = sorted({f"{n}.{f}" for n, f in self.condition.facts()})
        out["line"] = self.line
        if self.cite:
            out["cite"] = self.cite
        if self.assumed:
            out["assumed"] = list(self.assumed)
        return out


@attrs.frozen
class Bound:
    """A floor or cap in force on a node; ``declared`` is False for the defaults."""

    value: Decimal | None
    line: int | None = None
    cite: str | None = None
    declared: bool = False


@attrs.frozen
class NaRule:
    """The N/A policy in force on a node, and where it was declared."""

    policy: str
    declared_on: str
    line: int
    cite: str | None = None
    over: tuple[str, ...] = ()


@attrs.frozen
class GraphNode:
    """One node of the evaluation graph."""

    index: int
    id: str
    kind: str  # ruleset | component | section | item | bonus
    title: str
    parent: int | None
    children: tuple[int, ...]
    points: Decimal
    line: int
    scoring: str  # tree | item | direct | survey
    floor: Bound
    cap: Bound
    declared_points: Decimal | None = None
    weight: Decimal | None = None
    clauses: tuple[Clause, ...] = ()
    base: str = "awarded"  # awarded | all_or_nothing | full | rate
    applies_to: frozenset[str] | None = None
    na: NaRule | None = None
    evidence_required: bool = False
    evidence_line: int | None = None
    evidence_cite: str | None = None
    rejected: frozenset[str] = frozenset()
    rejected_cite: str | None = None
    resolve: str | None = None
    resolve_cite: str | None = None
    children_points: Decimal | None = None
    owner: str | None = None
    remark: str | None = None
    cite: str | None = None
    fields: tuple[tuple[str, FactType], ...] = ()
    record_fields: tuple[tuple[str, tuple[tuple[str, FactType], ...]], ...] = ()
    direct_range: tuple[Decimal, Decimal] | None = None
    direct_cite: str | None = None
    answers: tuple[tuple[str, Decimal], ...] = ()
    outcomes: tuple[tuple[str, Decimal | None], ...] = ()
    assumed: tuple[str, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return self.scoring != "tree"

    def deadlines(self) -> Iterator[tuple[str | None, DeadlineRule]]:
        """Every deadline the node's clauses read, as (records field or None, deadline):
        None when the deadline is on the item's own dated facts."""

        def walk(cond: Cond) -> Iterator[tuple[str | None, DeadlineRule]]:
            if cond.deadline is not None:
                yield (cond.field if cond.op == "all_met" else None), cond.deadline
            for part in cond.parts:
                yield from walk(part)

        for clause in self.clauses:
            if clause.deadline is not None:
                yield clause.fact, clause.deadline
            if clause.condition is not None:
                yield from walk(clause.condition)

    def to_dict(self, graph: EvaluationGraph) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "parent": graph.nodes[self.parent].id if self.parent is not None else None,
            "kind": self.kind,
            "title": self.title,
            "points": _num(self.points),
            "line": self.line,
        }
        if self.declared_points is not None:
            out["declared_points"] = _num(self.declared_points)
        if self.children_points is not None:
            out["children_points"] = _num(self.children_points)
        if self.resolve is not None:
            out["resolve"] = {"mode": self.resolve, "cite": self.resolve_cite}
        if self.weight is not None:
            out["weight"] = _num(self.weight)
        out["scoring"] = self.scoring
        rules: list[dict[str, Any]] = []
        if self.scoring == "item":
            if not any(c.type in BASE_TYPES for c in self.clauses):
                rules.append({"type": self.base, "line": self.line})
            rules.extend(c.to_dict() for c in self.clauses)
        elif self.scoring == "direct" and self.direct_range:
            rules.append(
                {
                    "type": "direct_score",
                    "low": _num(self.direct_range[0]),
                    "high": _num(self.direct_range[1]),
                }
            )
        elif self.scoring == "survey":
            rules.append(
                {
                    "type": "survey",
                    "answers": {name: _num(w) for name, w in self.answers},
                    "outcomes": [
                        {"name": n, "threshold": None if t is None else _num(t)}
                        for n, t in self.outcomes
                    ],
                }
            )
        out["rules"] = rules
        out["floor"] = None if self.floor.value is None else _num(self.floor.value)
        out["cap"] = None if self.cap.value is None else _num(self.cap.value)
        if self.applies_to is not None:
            out["applies_to"] = sorted(self.applies_to)
        if self.na is not None:
            out["not_applicable"] = {
                "policy": self.na.policy,
                "declared_on": self.na.declared_on,
                **({"over": list(self.na.over)} if self.na.over else {}),
            }
        if self.is_leaf and self.scoring == "item":
            out["evidence"] = {
                "required": self.evidence_required,
                "rejected_kinds": sorted(self.rejected),
            }
        if self.fields:
            out["facts"] = dict(self.fields)
        if self.record_fields:
            out["records"] = {name: dict(fields) for name, fields in self.record_fields}
        for key in ("owner", "remark", "cite"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.assumed:
            out["assumed"] = list(self.assumed)
        return out


@attrs.frozen
class Stage:
    """A step of the plan: a per-unit pass over nodes, or a cohort barrier."""

    kind: str  # per_unit | cohort
    what: str
    nodes: tuple[int, ...] = ()


@attrs.frozen
class GradeBand:
    name: str
    threshold: Decimal | None
    quota: Decimal | None
    line: int
    cite: str | None = None


@attrs.frozen
class VetoRule:
    id: str
    title: str
    condition: Cond
    line: int
    grade: str | None
    score: Decimal | None
    cite: str | None = None


@attrs.frozen
class ConversionRule:
    id: str
    title: str
    points: Decimal
    line: int
    cite: str | None = None


@attrs.frozen(eq=False)
class EvaluationGraph:
    """A compiled ruleset: nodes in evaluation order, plan, grades, vetoes, conversions."""

    id: str
    title: str
    issuer: str | None
    issued: str | None
    year: int | None
    source: str | None
    file: str
    rounding: int
    nodes: tuple[GraphNode, ...]  # index order; the root is index 0
    order: tuple[int, ...]  # post-order: children before parents
    plan: tuple[Stage, ...]
    grades: tuple[GradeBand, ...]
    vetoes: tuple[VetoRule, ...]
    conversions: tuple[ConversionRule, ...]
    params: tuple[ParamValue, ...]
    tags: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    ruleset_hash: str
    schedules: tuple[Schedule, ...] = ()
    total_floor: Bound = Bound(ZERO)
    by_id: dict[str, int] = attrs.field(factory=dict)
    fact_schema: dict[str, dict[str, FactType]] = attrs.field(factory=dict)

    @property
    def root(self) -> GraphNode:
        return self.nodes[0]

    @property
    def assumed_params(self) -> tuple[ParamValue, ...]:
        return tuple(p for p in self.params if p.assumed)

    def node(self, node_id: str) -> GraphNode:
        return self.nodes[self.by_id[node_id]]

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "issuer": self.issuer,
            "issued": self.issued,
            "year": self.year,
            "source": self.source,
            "max": _num(self.root.points),
            "rounding": self.rounding,
            "hash": self.ruleset_hash,
            "indicators": sum(1 for n in self.nodes if n.kind in ("item", "bonus")),
            "assumed_params": [p.name for p in self.assumed_params],
        }

    def to_dict(self) -> dict[str, Any]:
        """The ``describe --format json`` document (see docs/api.md)."""
        return {
            "ruleset": self.metadata(),
            "nodes": [n.to_dict(self) for n in self.nodes],
            "params": [_param_dict(p) for p in self.params],
            "grades": [
                {
                    "name": g.name,
                    "threshold": None if g.threshold is None else _num(g.threshold),
                    **({"quota": _num(g.quota)} if g.quota is not None else {}),
                    **({"cite": g.cite} if g.cite else {}),
                }
                for g in self.grades
            ],
            "vetoes": [
                {
                    "id": v.id,
                    "title": v.title,
                    "condition": v.condition.to_dict(),
                    "grade": v.grade,
                    "score": None if v.score is None else _num(v.score),
                    "line": v.line,
                    **({"cite": v.cite} if v.cite else {}),
                }
                for v in self.vetoes
            ],
            "conversions": [
                {
                    "id": c.id,
                    "title": c.title,
                    "points": _num(c.points),
                    "line": c.line,
                    **({"cite": c.cite} if c.cite else {}),
                }
                for c in self.conversions
            ],
            "plan": [
                {"kind": s.kind, "what": s.what, "nodes": [self.nodes[i].id for i in s.nodes]}
                for s in self.plan
            ],
        }

    def to_dot(self) -> str:
        """The graph in Graphviz DOT: tree edges, and dashed edges into cohort barriers."""
        lines = ["digraph evaluation {", "  rankdir=BT;", "  node [shape=box];"]
        for n in self.nodes:
            label = f"{n.id}\\n{n.title[:20]}\\n{_num(n.points)}"
            lines.append(f'  n{n.index} [label="{_dot_escape(label)}"];')
            if n.parent is not None:
                lines.append(f"  n{n.index} -> n{n.parent};")
        for i, stage in enumerate(self.plan):
            if stage.kind == "cohort":
                lines.append(f'  s{i} [shape=ellipse, label="{_dot_escape(stage.what)}"];')
                for idx in stage.nodes:
                    lines.append(f"  n{idx} -> s{i} [style=dashed];")
        lines.append("}")
        return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace('"', '\\"')


def _param_dict(p: ParamValue) -> dict[str, Any]:
    return {
        "name": p.name,
        "value": _num(p.value),
        "default": _num(p.default),
        "description": p.description,
        "assumed": p.assumed,
        "overridden": p.overridden,
        "line": p.span.line,
    }


# ====================================================================== compile


def compile_ruleset(
    ruleset: syntax.Ruleset,
    params: Mapping[str, Decimal] | None = None,
    ruleset_hash: str = "",
) -> EvaluationGraph:
    """Check and compile; raise :class:`CheckError` with every error if there are any."""
    report = analyse(ruleset, params)
    if report.errors:
        raise CheckError(report.diagnostics)
    return _Compiler(ruleset, report, ruleset_hash).build()


class _Compiler:
    def __init__(self, ruleset: syntax.Ruleset, report: CheckReport, ruleset_hash: str) -> None:
        self.r = ruleset
        self.report = report
        self.params = report.params
        self.hash = ruleset_hash
        self.nodes: list[GraphNode | None] = []
        self.fields: dict[str, dict[str, FactType]] = {}
        for (node_id, field), kind in report.fact_types.items():
            self.fields.setdefault(node_id, {})[field] = kind

    # -- numbers

    def num(self, number: syntax.Number) -> Decimal:
        if isinstance(number, syntax.Literal):
            return number.value
        return self.params[number.name].value

    def assumed_in(self, *numbers: syntax.Number | None) -> tuple[str, ...]:
        names = []
        for n in numbers:
            if isinstance(n, syntax.ParamRef) and self.params[n.name].assumed:
                names.append(n.name)
        return tuple(names)

    def cond(self, owner: str, c: syntax.Condition) -> tuple[Cond, tuple[str, ...]]:
        if isinstance(c, syntax.AllOf | syntax.AnyOf):
            parts = [self.cond(owner, p) for p in c.parts]
            op = "and" if isinstance(c, syntax.AllOf) else "or"
            return Cond(op, parts=tuple(p for p, _ in parts)), tuple(
                a for _, names in parts for a in names
            )
        if isinstance(c, syntax.Not):
            part, names = self.cond(owner, c.part)
            return Cond("not", parts=(part,)), names
        if isinstance(c, syntax.Met):
            return Cond(
                "met", owner, c.deadline.end, deadline=self.deadline(c.deadline)
            ), self.assumed_in(c.deadline.amount)
        if isinstance(c, syntax.AllMet):
            return Cond(
                "all_met", owner, c.records, deadline=self.deadline(c.deadline)
            ), self.assumed_in(c.deadline.amount)
        node = c.fact.node or owner
        if isinstance(c, syntax.Compare):
            return Cond(c.op, node, c.fact.field, self.num(c.value)), self.assumed_in(c.value)
        return Cond("truthy", node, c.fact.field), ()

    def deadline(self, d: syntax.Deadline) -> DeadlineRule:
        amount = self.num(d.amount) if d.amount is not None else None
        return DeadlineRule(d.end, d.start, amount, d.unit, d.by)

    # -- build

    def build(self) -> EvaluationGraph:
        r = self.r
        root_props = r.policy
        self.nodes.append(None)  # the root, filled in last
        children: list[int] = []
        na = self.na_rule(root_props, r.id, None)
        evidence = self.evidence(root_props, (False, None, None), (frozenset(), None))
        if r.components:
            for comp in r.components:
                children.append(self.component(comp, na, evidence))
        else:
            for node in r.children:
                children.append(self.tree_node(node, 0, na, evidence))
        for idx in children:
            self.set_parent(idx, 0)
        regular = [self.get(i) for i in children if self.get(i).kind != "bonus"]
        declared = self.num(r.total) if r.total is not None else None
        if r.components:
            points = declared if declared is not None else Decimal(100)
        else:
            points = declared if declared is not None else sum((n.points for n in regular), ZERO)
        floor = self.bound(root_props, "floor", ZERO)
        cap = self.bound(root_props, "cap", None)
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
                    c.id, c.title, self.num(c.points), c.span.line, c.cite.text if c.cite else None
                )
                for c in r.conversions
            ),
            params=tuple(self.params.values()),
            tags=r.tags,
            diagnostics=self.report.diagnostics,
            ruleset_hash=self.hash,
            schedules=tuple(
                Schedule(c.year, frozenset(c.holidays), frozenset(c.workdays), c.span.file)
                for c in r.calendars
            ),
            by_id=by_id,
            fact_schema=schema,
        )

    def get(self, idx: int) -> GraphNode:
        node = self.nodes[idx]
        assert node is not None
        return node

    def set_parent(self, idx: int, parent: int) -> None:
        self.nodes[idx] = attrs.evolve(self.get(idx), parent=parent)

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

    def evidence(
        self,
        props: syntax.NodeProps,
        required: tuple[bool, int | None, str | None],
        rejected: tuple[frozenset[str], str | None],
    ) -> tuple[tuple[bool, int | None, str | None], tuple[frozenset[str], str | None]]:
        for ev in props.evidence:
            cite = ev.cite.text if ev.cite else None
            if ev.required is not None:
                required = (ev.required, ev.span.line, cite)
            if ev.rejected:
                rejected = (rejected[0] | frozenset(ev.rejected), cite or rejected[1])
        return required, rejected

    def bound(self, props: syntax.NodeProps, kind: str, default: Decimal | None) -> Bound:
        for b in props.bounds:
            if b.kind == kind:
                value = None if b.value is None else self.num(b.value)
                return Bound(value, b.span.line, b.cite.text if b.cite else None, declared=True)
        return Bound(default)

    # -- nodes

    def component(self, comp: syntax.Component, na: NaRule | None, evidence: Any) -> int:
        idx = self.reserve()
        na = self.na_rule(comp.props, comp.id, na)
        evidence = self.evidence(comp.props, *evidence)
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
                kids.append(self.tree_node(child, 0, na, evidence))
            for k in kids:
                self.set_parent(k, idx)
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
            parent=None,
            children=tuple(kids),
            points=points,
            line=comp.span.line,
            scoring=scoring,
            floor=self.bound(comp.props, "floor", ZERO),
            cap=self.bound(comp.props, "cap", points),
            weight=self.num(comp.weight),
            na=na,
            direct_range=direct_range,
            answers=answers,
            outcomes=outcomes,
            fields=tuple(fields.items()),
            assumed=tuple(dict.fromkeys(assumed)),
            cite=comp.cite.text if comp.cite else None,
            direct_cite=comp.direct.cite.text if comp.direct and comp.direct.cite else None,
        )
        return idx

    def tree_node(self, node: syntax.Node, depth: int, na: NaRule | None, evidence: Any) -> int:
        idx = self.reserve()
        na = self.na_rule(node.props, node.id, na)
        evidence = self.evidence(node.props, *evidence)
        (required, ev_line, ev_cite), (rejected, rej_cite) = evidence
        declared_number = node_points(node)
        assumed = list(self.assumed_in(declared_number))
        kids: list[int] = []
        children_points = None
        declared = None
        for child in node.children:
            kids.append(self.tree_node(child, depth + 1, na, evidence))
        for k in kids:
            self.set_parent(k, idx)
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
            parent=None,
            children=tuple(kids),
            points=points,
            line=node.span.line,
            scoring="tree" if isinstance(node, syntax.Section) else "item",
            floor=self.bound(node.props, "floor", ZERO),
            cap=self.bound(node.props, "cap", points),
            declared_points=declared,
            clauses=clauses,
            base=base,
            applies_to=frozenset(applies.tags) if applies is not None else None,
            na=na,
            evidence_required=required,
            evidence_line=ev_line,
            evidence_cite=ev_cite,
            rejected=rejected,
            rejected_cite=rej_cite,
            resolve=resolve.mode if resolve is not None else None,
            resolve_cite=resolve.cite.text if resolve is not None and resolve.cite else None,
            children_points=children_points if declared is not None else None,
            owner=node.props.owner,
            remark=node.props.remark,
            cite=node.cite.text if node.cite else None,
            fields=tuple(sorted(self.fields.get(node.id, {}).items())),
            record_fields=tuple(
                (records, tuple(sorted(fields.items())))
                for (owner, records), fields in sorted(self.report.record_types.items())
                if owner == node.id
            ),
            assumed=tuple(dict.fromkeys(assumed)),
        )
        return idx

    def clauses(self, node: syntax.Node) -> tuple[tuple[Clause, ...], str]:
        out: list[Clause] = []
        base: str | None = None
        for rule in node.rules:
            cite = rule.cite.text if rule.cite else None
            line = rule.span.line
            if isinstance(rule, syntax.Award):
                base = rule.mode
                out.append(Clause(rule.mode, line, cite))
            elif isinstance(rule, syntax.Rate):
                base = "rate"
                out.append(
                    Clause("rate", line, cite, fact=rule.fact.field, fact_node=rule.fact.node)
                )
            elif isinstance(rule, syntax.DeductPer):
                out.append(
                    Clause(
                        "deduct_per",
                        line,
                        cite,
                        amount=self.num(rule.amount),
                        fact=rule.fact.field,
                        fact_node=rule.fact.node,
                        max=self.num(rule.max) if rule.max is not None else None,
                        assumed=self.assumed_in(rule.amount, rule.max),
                    )
                )
            elif isinstance(rule, syntax.DeductMissing):
                out.append(
                    Clause(
                        "deduct_missing",
                        line,
                        cite,
                        amount=self.num(rule.amount),
                        fact=rule.fact.field,
                        fact_node=rule.fact.node,
                        of=self.num(rule.of),
                        assumed=self.assumed_in(rule.amount, rule.of),
                    )
                )
            elif isinstance(rule, syntax.DeductWhen):
                cond, names = self.cond(node.id, rule.condition)
                out.append(
                    Clause(
                        "deduct_when",
                        line,
                        cite,
                        amount=self.num(rule.amount),
                        condition=cond,
                        assumed=self.assumed_in(rule.amount) + names,
                    )
                )
            elif isinstance(rule, syntax.ZeroWhen):
                cond, names = self.cond(node.id, rule.condition)
                out.append(Clause("zero_when", line, cite, condition=cond, assumed=names))
            elif isinstance(rule, syntax.DeductLate):
                out.append(
                    Clause(
                        "deduct_late",
                        line,
                        cite,
                        amount=self.num(rule.amount),
                        fact=rule.records,
                        max=self.num(rule.max) if rule.max is not None else None,
                        deadline=self.deadline(rule.deadline),
                        assumed=self.assumed_in(rule.amount, rule.max, rule.deadline.amount),
                    )
                )
            elif isinstance(rule, syntax.RateOnTime):
                base = "rate_on_time"
                out.append(
                    Clause(
                        "rate_on_time",
                        line,
                        cite,
                        fact=rule.records,
                        deadline=self.deadline(rule.deadline),
                        assumed=self.assumed_in(rule.deadline.amount),
                    )
                )
        if base is None:
            base = "full" if out else "awarded"
        return tuple(out), base

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


def _averaged(node: GraphNode) -> bool:
    return node.na is not None and node.na.policy in ("average", "group_average")
