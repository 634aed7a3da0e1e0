"""Evaluation: an :class:`~disclosure_rules.graph.EvaluationGraph` and a
:class:`~disclosure_rules.facts.Cohort` → :class:`Results` with audits.

The engine follows the graph's plan: a per-unit pass scores every leaf from
its facts; a cohort barrier gives N/A cells their averages; per-unit passes
aggregate each node from its children (own-rate, redistribute and rescale
N/A policies, resolved mismatches, floors, caps, bonuses); vetoes; then a
last cohort barrier ranks and grades the totals.

Arithmetic is exact ``Decimal``. The only inexact operation is division
(averages, rescaling), whose quotient is rounded once to
:data:`DIVISION_PLACES` places and then used exactly; presentation rounds to
the ruleset's places (default 2, half up). Ranks and grades are decided on
the presented (rounded) total, so two units shown with the same score share
a rank and a grade.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any

import attrs

from .audit import AUDIT_SCHEMA_VERSION, Entry, exact, reconcile, render_text, round_half_up
from .errors import Diagnostic, EvaluationError, Severity
from .facts import Cohort, NodeFacts, Unit
from .graph import Clause, Cond, EvaluationGraph, GraphNode

__all__ = ["DIVISION_PLACES", "ENGINE_VERSION", "NodeResult", "Results", "UnitResult", "evaluate"]

ENGINE_VERSION = "0.1.0"
DIVISION_PLACES = 20
_QUANTUM = Decimal(1).scaleb(-DIVISION_PLACES)
_CONTEXT = Context(prec=80, rounding=ROUND_HALF_EVEN)
ZERO = Decimal(0)
ONE = Decimal(1)


def _div(a: Decimal, b: Decimal) -> Decimal:
    """a / b, rounded once to DIVISION_PLACES places (exact when it terminates sooner)."""
    return (a / b).quantize(_QUANTUM).normalize()


class _MissingFact(Exception):
    def __init__(self, node: str, field: str) -> None:
        self.node, self.field = node, field


# ====================================================================== results


@attrs.frozen
class NodeResult:
    """A view of one node's result for one unit."""

    id: str
    title: str
    score: Decimal
    max: Decimal
    status: str  # scored | na | missing | not_credited | skipped
    entries: tuple[Entry, ...]


@attrs.define(eq=False)
class UnitResult:
    """One unit's scores, grade, rank and (with detail on) its ledger."""

    id: str
    tags: tuple[str, ...]
    total: Decimal
    max: Decimal
    grade: str | None
    rank: int
    vetoes: tuple[str, ...]
    conversions: dict[str, Decimal]
    warnings: tuple[str, ...]
    _graph: EvaluationGraph = attrs.field(repr=False)
    _scores: list[Decimal] = attrs.field(repr=False)
    _status: list[str] = attrs.field(repr=False)
    _entries: list[list[Entry]] | None = attrs.field(repr=False)
    _facts_hash: str | None = attrs.field(default=None, repr=False)

    @property
    def rounded_total(self) -> Decimal:
        return round_half_up(self.total, self._graph.rounding)

    def node(self, node_id: str) -> NodeResult:
        idx = self._graph.by_id[node_id]
        n = self._graph.nodes[idx]
        entries = tuple(self._entries[idx]) if self._entries is not None else ()
        return NodeResult(n.id, n.title, self._scores[idx], n.points, self._status[idx], entries)

    def score(self, node_id: str) -> Decimal:
        return self._scores[self._graph.by_id[node_id]]

    def nodes(self) -> Iterator[NodeResult]:
        for n in self._graph.nodes:
            yield self.node(n.id)

    def to_dict(self) -> dict[str, Any]:
        g = self._graph
        facts_hash = self._facts_hash
        places = g.rounding
        out: dict[str, Any] = {
            "id": self.id,
            "tags": list(self.tags),
            "total": _present(self.total, places),
            "total_exact": exact(self.total),
            "max": _present(g.root.points, places),
            "grade": self.grade,
            "rank": self.rank,
        }
        if self.vetoes:
            out["vetoes"] = [
                {
                    "id": v.id,
                    "title": v.title,
                    "line": v.line,
                    "grade": v.grade,
                    "score": None if v.score is None else exact(v.score),
                    "cite": v.cite,
                }
                for v in g.vetoes
                if v.id in self.vetoes
            ]
        if self.conversions:
            out["conversions"] = {
                c.id: {
                    "title": c.title,
                    "points": _present(c.points, places),
                    "value": _present(self.conversions[c.id], places),
                    "exact": exact(self.conversions[c.id]),
                }
                for c in g.conversions
            }
        if facts_hash:
            out["facts_hash"] = facts_hash
        out["nodes"] = {
            n.id: {
                "score": _present(self._scores[n.index], places),
                "exact": exact(self._scores[n.index]),
                "max": _present(n.points, places),
                "status": self._status[n.index],
            }
            for n in g.nodes
        }
        if self._entries is not None:
            out["audit"] = list(self._audit_dicts())
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out

    def _audit_dicts(self) -> Iterator[dict[str, Any]]:
        g = self._graph
        assert self._entries is not None
        stack: list[tuple[int, int]] = [(0, 0)]
        while stack:
            idx, depth = stack.pop()
            n = g.nodes[idx]
            status = self._status[idx]
            node: dict[str, Any] = {
                "node": n.id,
                "title": n.title,
                "kind": n.kind,
                "depth": depth,
                "line": n.line,
                "score": exact(self._scores[idx]),
                "max": exact(n.points),
                "status": status,
            }
            if n.children and status == "scored":
                node["children"] = [g.nodes[c].id for c in n.children]
            if n.assumed:
                node["assumed"] = list(n.assumed)
            node["entries"] = [e.to_dict() for e in self._entries[idx]]
            yield node
            if status == "scored":
                for child in reversed(n.children):
                    stack.append((child, depth + 1))

    def explain(self) -> str:
        """The audit as readable text (from this run's ledger; nothing is re-scored)."""
        return render_text(self.to_dict(), self._graph.metadata())


def _present(value: Decimal, places: int) -> int | float:
    rounded = round_half_up(value, places)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)  # JSON presentation of a 2-place value; exact text is beside it


@attrs.define(eq=False)
class Results:
    """The results of scoring a cohort: units in input order, warnings, provenance."""

    graph: EvaluationGraph
    units: list[UnitResult]
    warnings: list[Diagnostic]
    facts_hash: str
    facts_source: str
    facts_description: str | None
    synthetic: bool
    detail: bool

    def unit(self, unit_id: str) -> UnitResult:
        for u in self.units:
            if u.id == unit_id:
                return u
        from .errors import FactsError, did_you_mean

        msg = f"no unit {unit_id!r} in these results"
        raise FactsError(
            Diagnostic(
                "DR302", msg, unit=unit_id, hint=did_you_mean(unit_id, (u.id for u in self.units))
            )
        )

    def __iter__(self) -> Iterator[UnitResult]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def ranking(self) -> list[UnitResult]:
        """Units by rank (ties in input order)."""
        return sorted(self.units, key=lambda u: u.rank)

    def to_dict(self) -> dict[str, Any]:
        g = self.graph
        meta = g.metadata()
        return {
            "schema": AUDIT_SCHEMA_VERSION,
            "engine": {"name": "disclosure_rules", "version": ENGINE_VERSION},
            "ruleset": meta,
            "facts": {
                "source": self.facts_source,
                "hash": self.facts_hash,
                "description": self.facts_description,
                "synthetic": self.synthetic,
            },
            "params": [
                {
                    "name": p.name,
                    "value": exact(p.value),
                    "assumed": p.assumed,
                    "overridden": p.overridden,
                    "description": p.description,
                }
                for p in g.params
            ],
            "assumptions": [
                f"parameter {p.name} = {exact(p.value)} is assumed: {p.description}"
                for p in g.assumed_params
            ],
            "grades": [g_.name for g_ in g.grades],
            "units": [u.to_dict() for u in self.units],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent) + "\n"

    def explain(self, unit_id: str) -> str:
        return self.unit(unit_id).explain()

    def reconcile(self) -> list[str]:
        """Every reconciliation problem across the cohort (empty when all audits add up)."""
        problems: list[str] = []
        for u in self.units:
            problems.extend(reconcile(u.to_dict()))
        return problems


# ====================================================================== evaluate


def evaluate(
    graph: EvaluationGraph,
    cohort: Cohort,
    *,
    detail: bool = True,
    strict: bool = False,
) -> Results:
    """Score every unit of ``cohort``; see the module docstring for the semantics."""
    with localcontext(_CONTEXT):
        return _Run(graph, cohort, detail, strict).run()


class _Run:
    def __init__(self, graph: EvaluationGraph, cohort: Cohort, detail: bool, strict: bool) -> None:
        self.g = graph
        self.cohort = cohort
        self.units: Sequence[Unit] = cohort.units
        self.detail = detail
        self.strict = strict
        n = len(cohort.units)
        count = len(graph.nodes)
        self.scores: list[list[Decimal]] = [[ZERO] * n for _ in range(count)]
        self.status: list[list[str]] = [["scored"] * n for _ in range(count)]
        self.entries: list[list[list[Entry]]] | None = (
            [[[] for _ in range(n)] for _ in range(count)] if detail else None
        )
        self.warnings: list[Diagnostic] = []
        self.unit_warnings: list[list[str]] = [[] for _ in range(n)]
        self.pending_own_rate: set[tuple[int, int]] = set()
        # ancestors that carry an applies_to, for the "skipped" status
        self.gated: list[tuple[int, ...]] = []
        for node in graph.nodes:
            chain = []
            p = node.parent
            while p is not None:
                if graph.nodes[p].applies_to is not None:
                    chain.append(p)
                p = graph.nodes[p].parent
            self.gated.append(tuple(chain))
        self.component_of = [self._component_of(i) for i in range(count)]
        self.leaves_of: dict[int, list[int]] = {}
        for node in graph.nodes:
            if node.kind == "item":
                self.leaves_of.setdefault(self.component_of[node.index], []).append(node.index)

    def _component_of(self, idx: int) -> int:
        node = self.g.nodes[idx]
        p = node.parent
        while p is not None:
            if self.g.nodes[p].kind in ("component", "ruleset"):
                return p
            p = self.g.nodes[p].parent
        return 0

    # -------------------------------------------------------------- helpers

    def add(self, idx: int, u: int, entry: Entry) -> None:
        if self.entries is not None:
            self.entries[idx][u].append(entry)

    def warn(self, code: str, u: int, node: str | None, msg: str) -> None:
        unit = self.units[u].id
        if self.strict:
            raise EvaluationError(
                Diagnostic(
                    code,
                    msg,
                    file=self.cohort.source,
                    unit=unit,
                    fact=node,
                    hint="strict mode turns this into an error",
                )
            )
        self.warnings.append(
            Diagnostic(code, msg, Severity.WARNING, file=self.cohort.source, unit=unit, fact=node)
        )
        self.unit_warnings[u].append(f"{code} {node + ': ' if node else ''}{msg}")

    # -------------------------------------------------------------- run

    def run(self) -> Results:
        g = self.g
        for stage in g.plan:
            if stage.kind == "per_unit":
                for idx in stage.nodes:
                    node = g.nodes[idx]
                    if node.is_leaf:
                        self.leaf(node)
                    else:
                        self.aggregate(node)
            else:
                for idx in stage.nodes:
                    self.averages(g.nodes[idx])
        totals = self.scores[0]
        vetoes = self.vetoes(totals)
        units = self.finish(totals, vetoes)
        return Results(
            g,
            units,
            self.warnings,
            self.cohort.hash,
            self.cohort.source,
            self.cohort.description,
            self.cohort.synthetic,
            self.detail,
        )

    # -------------------------------------------------------------- N/A gates

    def gate(self, node: GraphNode, u: int, unit: Unit) -> str | None:
        """'skipped' or 'na' when the unit is not assessed on this node, else None."""
        for p in self.gated[node.index]:
            if not (self.g.nodes[p].applies_to or frozenset()) & unit.tags:
                return "skipped"
        if node.applies_to is not None and not node.applies_to & unit.tags:
            return "na"
        return None

    def mark_na(self, node: GraphNode, u: int, reason: str) -> None:
        self.status[node.index][u] = "na"
        na = node.na
        assert na is not None
        if na.policy in ("rescale", "redistribute"):
            where = "the component" if na.policy == "rescale" else "its parent"
            self.add(
                node.index,
                u,
                Entry(
                    "na",
                    ZERO,
                    na.policy,
                    na.line,
                    na.cite,
                    note=f"{reason}; its points are spread over {where}",
                ),
            )
        elif na.policy == "own_rate":
            self.pending_own_rate.add((node.index, u))
        # average / group_average are filled in at the cohort barrier

    def skip(self, node: GraphNode, u: int) -> None:
        self.status[node.index][u] = "skipped"

    # -------------------------------------------------------------- leaves

    def leaf(self, node: GraphNode) -> None:
        idx = node.index
        scores = self.scores[idx]
        for u, unit in enumerate(self.units):
            gate = self.gate(node, u, unit)
            if gate == "skipped":
                self.skip(node, u)
                continue
            facts = unit.facts.get(node.id)
            if gate == "na":
                tags = ", ".join(sorted(node.applies_to or ()))
                self.mark_na(node, u, f"applies only to {tags}")
                continue
            if facts is not None and facts.not_applicable:
                self.mark_na(
                    node,
                    u,
                    "the unit declared it not applicable"
                    + (f": {facts.note}" if facts.note else ""),
                )
                if facts.evidence:
                    self.add(
                        idx,
                        u,
                        Entry(
                            "evidence",
                            ZERO,
                            note="statement supplied",
                            inputs={"accepted": [e.ref for e in facts.evidence]},
                        ),
                    )
                continue
            if facts is None:
                self.missing(node, u, None)
                continue
            if node.scoring == "direct":
                value = facts.values["score"]
                assert isinstance(value, Decimal)
                scores[u] = value
                self.add(
                    idx,
                    u,
                    Entry(
                        "base", value, "direct_score", node.line, node.direct_cite, {"score": value}
                    ),
                )
            elif node.scoring == "survey":
                scores[u] = self.survey(node, u, facts)
            else:
                scores[u] = self.item(node, u, facts)

    def missing(self, node: GraphNode, u: int, field: str | None) -> None:
        self.status[node.index][u] = "missing"
        self.scores[node.index][u] = ZERO
        what = f"{node.id}.{field}" if field else node.id
        self.add(
            node.index, u, Entry("missing", ZERO, note=f"no fact supplied for {what}: scored 0")
        )
        self.warn("DR403", u, node.id, f"no fact supplied for {what}; scored 0")

    def item(self, node: GraphNode, u: int, facts: NodeFacts) -> Decimal:
        idx = node.index
        if node.evidence_required or node.rejected:
            accepted = [e for e in facts.evidence if e.kind not in node.rejected]
            rejected = [e for e in facts.evidence if e.kind in node.rejected]
            if node.evidence_required and not accepted:
                self.status[idx][u] = "not_credited"
                reason = (
                    "no evidence supplied"
                    if not facts.evidence
                    else "every piece of evidence is of a rejected kind"
                )
                inputs: dict[str, Any] = {}
                if rejected:
                    inputs["rejected"] = [f"{e.ref} ({e.kind})" for e in rejected]
                self.add(
                    idx,
                    u,
                    Entry(
                        "evidence",
                        ZERO,
                        "evidence_required",
                        node.evidence_line,
                        node.evidence_cite or node.rejected_cite,
                        inputs,
                        note=f"not credited: {reason}",
                    ),
                )
                return ZERO
            if self.entries is not None and facts.evidence:
                inputs = {"accepted": [e.ref for e in accepted]}
                if rejected:
                    inputs["rejected"] = [f"{e.ref} ({e.kind})" for e in rejected]
                self.add(
                    idx,
                    u,
                    Entry(
                        "evidence",
                        ZERO,
                        None,
                        None,
                        node.rejected_cite if rejected else None,
                        inputs,
                    ),
                )
        values = facts.values
        try:
            score = self.base(node, u, values)
            for clause in node.clauses:
                if clause.type in ("deduct_per", "deduct_missing", "deduct_when"):
                    score = self.deduct(node, u, clause, values, score)
                elif clause.type == "zero_when":
                    assert clause.condition is not None
                    held, shown = self.condition(clause.condition, u, node.id, values)
                    if held and score != ZERO:
                        self.add(
                            idx,
                            u,
                            Entry("zero", -score, "zero_when", clause.line, clause.cite, shown),
                        )
                        score = ZERO
        except _MissingFact as missing:
            if self.entries is not None:
                self.entries[idx][u].clear()
            self.missing(node, u, missing.field)
            return ZERO
        if facts.note and self.entries is not None:
            self.add(idx, u, Entry("note", ZERO, note=facts.note))
        return self.clamp(node, u, score)

    def base(self, node: GraphNode, u: int, values: Any) -> Decimal:
        base = node.base
        clause = next((c for c in node.clauses if c.type == base), None)
        line = clause.line if clause else node.line
        cite = clause.cite if clause else None
        if base == "awarded":
            if "awarded" not in values:
                raise _MissingFact(node.id, "awarded")
            value = values["awarded"]
            self.add(node.index, u, Entry("base", value, "awarded", line, cite, {"awarded": value}))
            return value  # type: ignore[no-any-return]
        if base == "all_or_nothing":
            if "met" not in values:
                raise _MissingFact(node.id, "met")
            value = node.points if values["met"] else ZERO
            self.add(
                node.index,
                u,
                Entry("base", value, "all_or_nothing", line, cite, {"met": values["met"]}),
            )
            return value
        if base == "rate":
            assert clause is not None and clause.fact is not None
            rate = self.fact(clause.fact_node, clause.fact, u, values)
            value = node.points * rate
            self.add(
                node.index,
                u,
                Entry(
                    "base", value, "rate", line, cite, {clause.fact: rate, "points": node.points}
                ),
            )
            return value  # type: ignore[no-any-return]
        self.add(node.index, u, Entry("base", node.points, "full", line, cite))
        return node.points

    def fact(self, owner: str | None, field: str, u: int, own: Any) -> Any:
        """A fact value: ``own`` node's field when ``owner`` is None, else another node's."""
        if owner is None:
            values = own
        else:
            nf = self.units[u].facts.get(owner)
            values = nf.values if nf is not None else {}
        if field not in values:
            raise _MissingFact(owner or "", field)
        return values[field]

    def deduct(
        self, node: GraphNode, u: int, clause: Clause, values: Any, score: Decimal
    ) -> Decimal:
        assert clause.amount is not None
        if clause.type == "deduct_when":
            assert clause.condition is not None
            held, shown = self.condition(clause.condition, u, node.id, values)
            if not held:
                return score
            delta = -clause.amount
            inputs = shown
        else:
            assert clause.fact is not None
            count = self.fact(clause.fact_node, clause.fact, u, values)
            if clause.type == "deduct_missing":
                assert clause.of is not None
                incidents = clause.of - count
                inputs = {clause.fact: count, "of": clause.of, "missing": incidents}
            else:
                incidents = count
                inputs = {clause.fact: count}
            if incidents == ZERO:
                return score
            delta = -clause.amount * incidents
            if clause.max is not None and -delta > clause.max:
                inputs = {**inputs, "max": clause.max}
                delta = -clause.max
        self.add(
            node.index,
            u,
            Entry(
                "deduct",
                delta,
                clause.type,
                clause.line,
                clause.cite,
                {"amount": clause.amount, **inputs},
            ),
        )
        return score + delta

    def condition(self, cond: Cond, u: int, owner: str, own: Any) -> tuple[bool, dict[str, Any]]:
        shown: dict[str, Any] = {}

        def walk(c: Cond) -> bool:
            if c.op == "and":
                return all(walk(p) for p in c.parts)
            if c.op == "or":
                return any(walk(p) for p in c.parts)
            mine = c.node == owner
            value = self.fact(None if mine else c.node, c.field, u, own)
            shown[c.field if mine else f"{c.node}.{c.field}"] = value
            if c.op == "truthy":
                return bool(value)
            if c.op == "falsy":
                return not value
            assert c.value is not None
            return bool(_COMPARE[c.op](value, c.value))

        held = walk(cond)
        shown["condition"] = str(cond)
        shown["held"] = held
        return held, shown

    def clamp(self, node: GraphNode, u: int, score: Decimal) -> Decimal:
        cap = node.cap.value
        if cap is not None and score > cap:
            self.add(
                node.index,
                u,
                Entry(
                    "clamp",
                    cap - score,
                    "cap",
                    node.cap.line,
                    node.cap.cite,
                    {"bound": cap},
                    note=f"the cap at {exact(cap)} absorbed {exact(score - cap)}",
                ),
            )
            score = cap
        floor = node.floor.value
        if floor is not None and score < floor:
            self.add(
                node.index,
                u,
                Entry(
                    "clamp",
                    floor - score,
                    "floor",
                    node.floor.line,
                    node.floor.cite,
                    {"bound": floor},
                    note=f"the floor at {exact(floor)} absorbed {exact(score - floor)}",
                ),
            )
            score = floor
        return score

    def survey(self, node: GraphNode, u: int, facts: NodeFacts) -> Decimal:
        counts = {name: facts.values.get(name) for name, _ in node.answers}
        absent = [name for name, c in counts.items() if c is None]
        if absent:
            self.missing(node, u, absent[0])
            return ZERO
        responses = sum((c for c in counts.values() if isinstance(c, Decimal)), ZERO)
        if responses == ZERO:
            self.missing(node, u, "responses")
            return ZERO
        weighted = sum((counts[name] * w for name, w in node.answers), ZERO)  # type: ignore[operator]
        rate = _div(weighted, responses)
        score = node.points * rate
        outcome = next((name for name, t in node.outcomes if t is None or rate >= t), None)
        self.add(
            node.index,
            u,
            Entry(
                "base",
                score,
                "survey",
                node.line,
                None,
                {
                    **{k: v for k, v in counts.items()},
                    "responses": responses,
                    "rate": rate,
                    "outcome": outcome,
                },
                note=f"satisfaction {exact(rate * 100)}% of {exact(responses)} responses"
                + (f": {outcome}" if outcome else ""),
            ),
        )
        return score

    # -------------------------------------------------------------- cohort barriers

    def averages(self, node: GraphNode) -> None:
        idx = node.index
        na = node.na
        assert na is not None
        status, scores = self.status[idx], self.scores[idx]
        assessed = [u for u in range(len(self.units)) if status[u] not in ("na", "skipped")]
        cohort_sum = sum((scores[u] for u in assessed), ZERO)
        groups: dict[str | None, list[int]] = {}
        if na.policy == "group_average":
            for u in assessed:
                groups.setdefault(self._group(u, na.over), []).append(u)
        for u in range(len(self.units)):
            if status[u] != "na":
                continue
            over, total, label = assessed, cohort_sum, "the cohort"
            note = ""
            if na.policy == "group_average":
                group = self._group(u, na.over)
                members = groups.get(group, [])
                if members:
                    over = members
                    total = sum((scores[m] for m in members), ZERO)
                    label = f"group {group}" if group else "units with none of the group tags"
                else:
                    note = f"; no assessed unit in group {group}, so the cohort average is used"
            if not over:
                self.component_rate(
                    node,
                    u,
                    "DR401",
                    "no unit in the cohort is assessed on it, so there is no average",
                )
                continue
            value = _div(total, Decimal(len(over)))
            scores[u] = value
            self.add(
                idx,
                u,
                Entry(
                    "na",
                    value,
                    na.policy,
                    na.line,
                    na.cite,
                    {"over": len(over), "sum": total, "of": label},
                    note=f"not applicable: the average of {len(over)} assessed units ({label})"
                    + note,
                ),
            )

    def component_rate(self, node: GraphNode, u: int, code: str, reason: str) -> None:
        """Fallback for an N/A cell with nothing to average: the unit's own score rate on
        every item it was assessed on in the same component."""
        assessed = [
            i
            for i in self.leaves_of[self.component_of[node.index]]
            if i != node.index and self.status[i][u] not in ("na", "skipped")
        ]
        got = sum((self.scores[i][u] for i in assessed), ZERO)
        of = sum((self.g.nodes[i].points for i in assessed), ZERO)
        value = node.points * _div(got, of) if of else ZERO
        self.warn(
            code,
            u,
            node.id,
            f"{reason}; the unit's own score rate on the "
            f"{len(assessed)} item(s) it was assessed on in the component is used",
        )
        self.scores[node.index][u] = value
        na = node.na
        assert na is not None
        self.add(
            node.index,
            u,
            Entry(
                "na",
                value,
                na.policy,
                na.line,
                na.cite,
                {
                    "component_score": got,
                    "component_max": of,
                    "items": len(assessed),
                    "points": node.points,
                },
                note=f"not applicable, {reason}: {exact(node.points)} × the unit's own rate "
                f"{exact(got)}/{exact(of)} on {len(assessed)} item(s) of the component",
            ),
        )

    def _group(self, u: int, over: tuple[str, ...]) -> str | None:
        tags = self.units[u].tags
        return next((t for t in over if t in tags), None)

    # -------------------------------------------------------------- aggregation

    def aggregate(self, node: GraphNode) -> None:
        g = self.g
        idx = node.index
        nodes = g.nodes
        children = [nodes[c] for c in node.children]
        regular = [c for c in children if c.kind != "bonus"]
        bonuses = [c for c in children if c.kind == "bonus"]
        weighted = node.kind == "ruleset" and any(c.kind == "component" for c in children)
        factors = {
            c.index: (_div(c.weight * node.points, c.points) if weighted and c.weight else ONE)
            for c in regular
        }
        children_max = sum((c.points for c in regular), ZERO)
        for u, unit in enumerate(self.units):
            gate = self.gate(node, u, unit)
            if gate == "skipped":
                self.skip(node, u)
                continue
            if gate == "na":
                tags = ", ".join(sorted(node.applies_to or ()))
                self.mark_na(node, u, f"applies only to {tags}")
                continue
            for c in regular:
                if (c.index, u) in self.pending_own_rate:
                    self.own_rate(c, u, regular)
            raw = ZERO
            for c in regular:
                contribution = self.scores[c.index][u] * factors[c.index]
                raw += contribution
                self.add(idx, u, Entry("child", contribution, child=c.id, factor=factors[c.index]))
            score = raw
            if node.resolve == "scale" and node.children_points:
                factor = _div(node.points, node.children_points)
                delta = raw * factor - raw
                score += delta
                self.add(
                    idx,
                    u,
                    Entry(
                        "resolve",
                        delta,
                        "scale",
                        node.line,
                        node.resolve_cite,
                        {
                            "declared": node.points,
                            "children": node.children_points,
                            "factor": factor,
                        },
                        note=f"parts scaled by {exact(node.points)}/{exact(node.children_points)}",
                    ),
                )
            score = self.spread(node, u, regular, children_max, score, raw)
            score = self.clamp(node, u, score)
            for b in bonuses:
                if self.status[b.index][u] == "skipped":
                    continue
                value = self.scores[b.index][u]
                score += value
                self.add(
                    idx,
                    u,
                    Entry(
                        "bonus",
                        value,
                        child=b.id,
                        factor=ONE,
                        note="bonus points, added after the cap",
                    ),
                )
            self.scores[idx][u] = score

    def own_rate(self, node: GraphNode, u: int, siblings: list[GraphNode]) -> None:
        self.pending_own_rate.discard((node.index, u))
        assessed = [
            s
            for s in siblings
            if s.index != node.index and self.status[s.index][u] not in ("na", "skipped")
        ]
        got = sum((self.scores[s.index][u] for s in assessed), ZERO)
        of = sum((s.points for s in assessed), ZERO)
        na = node.na
        assert na is not None
        if of == ZERO:
            self.component_rate(
                node, u, "DR402", "no sibling was assessed, so there is no own rate on siblings"
            )
            return
        value = node.points * _div(got, of)
        self.scores[node.index][u] = value
        self.add(
            node.index,
            u,
            Entry(
                "na",
                value,
                "own_rate",
                na.line,
                na.cite,
                {"siblings_score": got, "siblings_max": of, "points": node.points},
                note=f"not applicable: {exact(node.points)} × the unit's own rate "
                f"{exact(got)}/{exact(of)} on {len(assessed)} sibling(s)",
            ),
        )

    def spread(
        self,
        node: GraphNode,
        u: int,
        regular: list[GraphNode],
        children_max: Decimal,
        score: Decimal,
        raw: Decimal,
    ) -> Decimal:
        """Redistribute (N/A children) and rescale (N/A anywhere in a component)."""
        na_children = [
            c
            for c in regular
            if self.status[c.index][u] == "na"
            and c.na is not None
            and c.na.policy == "redistribute"
        ]
        if na_children:
            missing = sum((c.points for c in na_children), ZERO)
            applicable = children_max - missing
            if applicable > ZERO:
                factor = _div(children_max, applicable)
                delta = raw * factor - raw
                score += delta
                na = na_children[0].na
                assert na is not None
                self.add(
                    node.index,
                    u,
                    Entry(
                        "redistribute",
                        delta,
                        "redistribute",
                        na.line,
                        na.cite,
                        {"not_applicable": [c.id for c in na_children], "factor": factor},
                        note=f"points of N/A parts spread over the others: "
                        f"×{exact(children_max)}/{exact(applicable)}",
                    ),
                )
        if node.kind in ("component", "ruleset") and not any(
            c.kind == "component" for c in regular
        ):
            rescaled = [n for n in self._rescaled_under(node.index, u)]
            if rescaled:
                missing = sum((self.g.nodes[i].points for i in rescaled), ZERO)
                applicable = children_max - missing
                if applicable > ZERO:
                    factor = _div(children_max, applicable)
                    delta = raw * factor - raw
                    score += delta
                    na = self.g.nodes[rescaled[0]].na
                    assert na is not None
                    self.add(
                        node.index,
                        u,
                        Entry(
                            "rescale",
                            delta,
                            "rescale",
                            na.line,
                            na.cite,
                            {
                                "not_applicable": [self.g.nodes[i].id for i in rescaled],
                                "factor": factor,
                            },
                            note=f"score on applicable items scaled to the full total: "
                            f"×{exact(children_max)}/{exact(applicable)}",
                        ),
                    )
        return score

    def _rescaled_under(self, comp: int, u: int) -> list[int]:
        out = []
        for i, node in enumerate(self.g.nodes):
            if (
                self.component_of[i] == comp
                and self.status[i][u] == "na"
                and node.na is not None
                and node.na.policy == "rescale"
                and node.kind != "bonus"
            ):
                out.append(i)
        return out

    # -------------------------------------------------------------- vetoes, ranks, grades

    def vetoes(self, totals: list[Decimal]) -> list[list[str]]:
        fired: list[list[str]] = [[] for _ in self.units]
        for veto in self.g.vetoes:
            for u, unit in enumerate(self.units):
                own = unit.facts.get(veto.id)
                values = own.values if own is not None else {}
                try:
                    held, shown = self.condition(veto.condition, u, veto.id, values)
                except _MissingFact as missing:
                    self.warn(
                        "DR404",
                        u,
                        veto.id,
                        f"no fact supplied for "
                        f"{missing.node or veto.id}.{missing.field}; veto “{veto.title}” "
                        "not applied",
                    )
                    continue
                if not held:
                    continue
                fired[u].append(veto.id)
                if veto.score is not None:
                    delta = veto.score - totals[u]
                    totals[u] = veto.score
                else:
                    delta = ZERO
                self.add(
                    0,
                    u,
                    Entry(
                        "veto",
                        delta,
                        "veto",
                        veto.line,
                        veto.cite,
                        shown,
                        note=f"单项否决 “{veto.title}”"
                        + (f": grade {veto.grade}" if veto.grade else "")
                        + (f", score set to {exact(veto.score)}" if veto.score is not None else ""),
                    ),
                )
        return fired

    def finish(self, totals: list[Decimal], fired: list[list[str]]) -> list[UnitResult]:
        g = self.g
        places = g.rounding
        shown = [round_half_up(t, places) for t in totals]
        order = sorted(range(len(totals)), key=lambda u: -shown[u])
        ranks = [0] * len(totals)
        for position, u in enumerate(order):
            prev = order[position - 1] if position else None
            ranks[u] = ranks[prev] if prev is not None and shown[prev] == shown[u] else position + 1
        grades = self.grade(shown, ranks, fired)
        units = []
        for u, unit in enumerate(self.units):
            conversions = {c.id: _div(totals[u] * c.points, g.root.points) for c in g.conversions}
            units.append(
                UnitResult(
                    unit.id,
                    tuple(sorted(unit.tags)),
                    totals[u],
                    g.root.points,
                    grades[u],
                    ranks[u],
                    tuple(fired[u]),
                    conversions,
                    tuple(self.unit_warnings[u]),
                    g,
                    [self.scores[i][u] for i in range(len(g.nodes))],
                    [self.status[i][u] for i in range(len(g.nodes))],
                    [self.entries[i][u] for i in range(len(g.nodes))]
                    if self.entries is not None
                    else None,
                    self.cohort.hash,
                )
            )
        return units

    def grade(
        self, shown: list[Decimal], ranks: list[int], fired: list[list[str]]
    ) -> list[str | None]:
        """Grades by threshold, then quotas: at most floor(n × quota) units per band.

        Units over a quota fall to the next band whose threshold they meet, in rank
        order; a tie that would straddle the quota falls as a whole, so equal
        scores never get different grades.
        """
        bands = self.g.grades
        n = len(shown)
        result: list[str | None] = [None] * n
        vetoed = {
            u: next(
                (
                    self.g.vetoes[i].grade
                    for i, v in enumerate(self.g.vetoes)
                    if v.id in fired[u] and self.g.vetoes[i].grade
                ),
                None,
            )
            for u in range(n)
        }
        order = sorted(range(n), key=lambda u: ranks[u])
        taken = [0] * len(bands)
        limits = [
            None if b.quota is None else int((b.quota * n).to_integral_value(rounding=ROUND_FLOOR))
            for b in bands
        ]
        position = 0
        while position < len(order):
            tie = [order[position]]
            while (
                position + len(tie) < len(order)
                and shown[order[position + len(tie)]] == shown[tie[0]]
            ):
                tie.append(order[position + len(tie)])
            position += len(tie)
            free = [u for u in tie if vetoed[u] is None]
            for u in tie:
                if vetoed[u] is not None:
                    result[u] = vetoed[u]
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


_COMPARE = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
