"""The evaluation graph: what the engine runs and what ``describe`` exports.

Every node has its numbers resolved (parameters substituted, percentages as
fractions), its compiled rules (:mod:`disclosure_rules.model.rules`), its
effective policies (inherited from the ruleset and its ancestors), the facts
it reads and their types, and the graph has an evaluation **plan**: per-unit
passes separated by cohort barriers (N/A averages need every unit's score for
a node; ranks and grade quotas need every total). The compiler that builds it
from a checked syntax tree is :mod:`disclosure_rules.model.compile`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ..decimals import ZERO
from ..decimals import text as _num
from ..errors import Diagnostic
from ..language.symbols import FactType, ParamValue, ReadingValue
from ..schemas import DESCRIBE_SCHEMA_VERSION
from ..workdays import Schedule
from .requirements import NO_NEEDS, EmptyRule, EvidenceNeeds, StatementRule
from .rules import (
    BASE_TYPES,
    Awarded,
    BaseRule,
    Condition,
    DeadlineRule,
    FactDefault,
    Rule,
    StepRule,
    clause_deadlines,
)

if TYPE_CHECKING:
    from ..language import syntax
    from ..language.symbols import CheckReport

__all__ = [
    "BASE_TYPES",
    "AbsentRule",
    "Bound",
    "DeadlineRule",
    "EvaluationGraph",
    "GraphNode",
    "NaRule",
    "Stage",
    "compile_ruleset",
    "reading_dict",
    "readings_hash",
]


def compile_ruleset(
    ruleset: syntax.Ruleset, report: CheckReport, ruleset_hash: str = ""
) -> EvaluationGraph:
    """Compile a checked syntax tree (:func:`disclosure_rules.model.compile.compile_ruleset`)."""
    from .compile import compile_ruleset as compile_checked  # the compiler imports this module

    return compile_checked(ruleset, report, ruleset_hash)


@attrs.frozen
class Bound:
    """A floor or cap in force on a node; ``declared`` is False for the defaults."""

    value: Decimal | None
    line: int | None = None
    cite: str | None = None
    declared: bool = False


@attrs.frozen
class AbsentRule:
    """An ``absent`` declaration as written on a node (on the root: the policy block's)."""

    mode: str  # zero | na | error
    line: int
    over: tuple[str, ...] = ()
    cite: str | None = None

    def __str__(self) -> str:
        return f"absent {self.mode}" + (f" over {', '.join(self.over)}" if self.over else "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode}
        if self.over:
            out["over"] = list(self.over)
        out["line"] = self.line
        if self.cite:
            out["cite"] = self.cite
        return out


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
    clauses: tuple[Rule, ...] = ()  # as declared, in order
    # the declared base or the default one; read only when scoring is "item"
    base: BaseRule = attrs.field(factory=lambda: Awarded(0))
    steps: tuple[StepRule, ...] = ()  # the clauses after the base, in order
    applies_to: frozenset[str] | None = None
    na: NaRule | None = None
    evidence_required: bool = False
    evidence_line: int | None = None
    evidence_cite: str | None = None
    rejected: frozenset[str] = frozenset()
    rejected_cite: str | None = None
    rejected_line: int | None = None
    evidence_needs: EvidenceNeeds = NO_NEEDS
    na_statement: StatementRule | None = None
    empty: tuple[EmptyRule, ...] = ()  # what an empty list of records means, per list
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
    assumed: tuple[str, ...] = ()  # the assumed parameters its numbers and rules read
    assumption: str | None = None  # why the node is assumed: the source does not state it
    direct_assumption: str | None = None  # why a direct score's range is assumed
    absent: tuple[AbsentRule, ...] = ()  # the node's own absent declarations
    # what each absent fact the node reads means, from the declarations in force
    defaults: tuple[FactDefault, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return self.scoring != "tree"

    def deadlines(self) -> Iterator[tuple[str | None, DeadlineRule]]:
        """Every deadline the node's clauses read, as (records field or None, deadline):
        None when the deadline is on the item's own dated facts."""

        for clause in self.clauses:
            yield from clause_deadlines(clause)

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
            if not any(c is self.base for c in self.clauses):
                rules.append(self.base.to_dict())  # the default base, on the item's line
            rules.extend(c.to_dict() for c in self.clauses)
        elif self.scoring == "direct" and self.direct_range:
            rules.append(
                {
                    "type": "direct_score",
                    "low": _num(self.direct_range[0]),
                    "high": _num(self.direct_range[1]),
                    **({"assumption": self.direct_assumption} if self.direct_assumption else {}),
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
                **({"requires_statement": True} if self.na_statement else {}),
            }
        if self.is_leaf and self.scoring == "item":
            out["evidence"] = {
                "required": self.evidence_required,
                "rejected_kinds": sorted(self.rejected),
                **(self.evidence_needs.to_dict() if self.evidence_required else {}),
            }
        if self.absent:
            out["absent"] = [a.to_dict() for a in self.absent]
        if self.defaults:
            out["fact_defaults"] = {d.name(self.id): d.to_dict() for d in self.defaults}
        if self.empty:
            out["empty_records"] = [rule.to_dict() for rule in self.empty]
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
        if self.assumption:
            out["assumption"] = self.assumption
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
    condition: Condition
    line: int
    grade: str | None
    score: Decimal | None
    cite: str | None = None
    defaults: tuple[FactDefault, ...] = ()


@attrs.frozen
class ConversionRule:
    id: str
    title: str
    points: Decimal
    line: int
    cite: str | None = None
    assumption: str | None = None  # how it converts, when the source does not say


@attrs.frozen
class AssumedStructure:
    """A node, rule, direct score or conversion the source document does not state."""

    kind: str  # component | section | item | bonus | direct_score | conversion | a rule type
    id: str  # the node's id (of the node a rule or direct score is on) or the conversion's
    line: int
    reason: str

    def __str__(self) -> str:
        whole = self.kind in ("component", "section", "item", "bonus", "conversion")
        what = f"{self.kind} {self.id}" if whole else f"{self.kind} of {self.id}"
        return f"{what} (line {self.line}) is assumed: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "line": self.line, "reason": self.reason}


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
    # the groups ranked, graded and held to quotas apart (``groups``), each the tags a
    # unit of it may carry; none: the whole cohort is one group
    groups: tuple[tuple[str, ...], ...] = ()
    groups_cite: str | None = None
    tag_titles: tuple[tuple[str, str], ...] = ()  # (tag, the title a report shows)
    total_floor: Bound = Bound(ZERO)
    by_id: dict[str, int] = attrs.field(factory=dict)
    fact_schema: dict[str, dict[str, FactType]] = attrs.field(factory=dict)
    # the ruleset's readings with the alternative in force; the source lines of the
    # clauses they put in force, each with its ``NAME=ALTERNATIVE`` (for the audit)
    readings: tuple[ReadingValue, ...] = ()
    decided: dict[int, str] = attrs.field(factory=dict)

    @property
    def root(self) -> GraphNode:
        return self.nodes[0]

    @property
    def group_names(self) -> tuple[str, ...]:
        """Each group's name in results: its tags joined by "+"."""
        return tuple("+".join(group) for group in self.groups)

    def group_title(self, name: str) -> str:
        """A group's title for a reader: its tags' titles (or names) joined by "、"."""
        titles = dict(self.tag_titles)
        return "、".join(titles.get(tag, tag) for tag in name.split("+"))

    @property
    def assumed_params(self) -> tuple[ParamValue, ...]:
        return tuple(p for p in self.params if p.assumed)

    @property
    def assumed_structure(self) -> tuple[AssumedStructure, ...]:
        """Every node, rule, direct score and conversion marked assumed, in line order."""
        found = []
        for n in self.nodes:
            if n.assumption:
                found.append(AssumedStructure(n.kind, n.id, n.line, n.assumption))
            if n.direct_assumption:
                found.append(AssumedStructure("direct_score", n.id, n.line, n.direct_assumption))
            found.extend(
                AssumedStructure(c.type, n.id, c.line, c.assumption)
                for c in n.clauses
                if c.assumption
            )
        found.extend(
            AssumedStructure("conversion", c.id, c.line, c.assumption)
            for c in self.conversions
            if c.assumption
        )
        return tuple(sorted(found, key=lambda a: a.line))

    def node(self, node_id: str) -> GraphNode:
        return self.nodes[self.by_id[node_id]]

    def metadata(self) -> dict[str, Any]:
        structure = self.assumed_structure
        return {
            "id": self.id,
            "title": self.title,
            "issuer": self.issuer,
            "issued": self.issued,
            "year": self.year,
            "source": self.source,
            "max": _num(self.root.points),
            "cite": self.root.cite,  # the header's `total … cite`: where the maximum comes from
            "rounding": self.rounding,
            "hash": self.ruleset_hash,
            "indicators": sum(1 for n in self.nodes if n.kind in ("item", "bonus")),
            "assumed_params": [p.name for p in self.assumed_params],
            **(
                {
                    "readings": {r.name: r.alternative for r in self.readings},
                    "readings_hash": readings_hash(self.ruleset_hash, self.readings),
                }
                if self.readings
                else {}
            ),
            **({"assumed_structure": [a.to_dict() for a in structure]} if structure else {}),
        }

    def to_dict(self) -> dict[str, Any]:
        """The ``describe --format json`` document (see docs/api.md, docs/schemas.md)."""
        return {
            "schema": DESCRIBE_SCHEMA_VERSION,
            "ruleset": self.metadata(),
            "nodes": [n.to_dict(self) for n in self.nodes],
            "params": [_param_dict(p, self.decided) for p in self.params],
            **({"readings": [reading_dict(r) for r in self.readings]} if self.readings else {}),
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
                    **(
                        {"fact_defaults": {d.name(v.id): d.to_dict() for d in v.defaults}}
                        if v.defaults
                        else {}
                    ),
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
                    **({"assumption": c.assumption} if c.assumption else {}),
                }
                for c in self.conversions
            ],
            **(
                {
                    "groups": [
                        {
                            "name": name,
                            "tags": list(group),
                            **({"title": self.group_title(name)} if self.tag_titles else {}),
                        }
                        for name, group in zip(self.group_names, self.groups, strict=True)
                    ],
                    "groups_cite": self.groups_cite,
                }
                if self.groups
                else {}
            ),
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


def readings_hash(ruleset_hash: str, readings: Iterable[ReadingValue] | Mapping[str, str]) -> str:
    """The hash of the ruleset as read: its text's hash and every reading in force, so
    that a results file's record of its readings cannot change without it changing."""
    chosen = (
        readings if isinstance(readings, Mapping) else {r.name: r.alternative for r in readings}
    )
    text = "\n".join([ruleset_hash, *(f"{k}={v}" for k, v in sorted(chosen.items()))])
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def reading_dict(r: ReadingValue) -> dict[str, Any]:
    """A reading as ``describe`` and the results header give it."""
    return {
        "name": r.name,
        "title": r.title,
        "cite": r.cite,
        "alternatives": [
            {"name": name, "meaning": meaning, "cite": cite}
            for name, meaning, cite in r.alternatives
        ],
        "default": r.default,
        "reason": r.reason,
        "in_force": r.alternative,
        "selected": r.selected,
        "line": r.line,
    }


def _param_dict(p: ParamValue, decided: Mapping[int, str]) -> dict[str, Any]:
    reading = decided.get(p.span.line)
    return {
        "name": p.name,
        "value": _num(p.value),
        "default": _num(p.default),
        "description": p.description,
        "assumed": p.assumed,
        "overridden": p.overridden,
        "line": p.span.line,
        **({"range": [_num(v) for v in p.range]} if p.range is not None else {}),
        **({"reading": reading} if reading else {}),
    }
