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

The run keeps its state in columns (one list per node, indexed by unit) and
each :class:`UnitResult` is a view over them. The ledger stores the entries
that cannot be derived; a child's contribution to its parent (its score × its
factor) is derived from the scores when the audit is read.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal, localcontext
from typing import Any

import attrs

from ..decimals import ARITHMETIC, DIVISION_PLACES, ONE, ZERO, divide, round_half_up
from ..decimals import text as exact
from ..errors import (
    CalendarError,
    Diagnostic,
    EvaluationError,
    FactsError,
    Severity,
    did_you_mean,
)
from ..facts import Cohort, NodeFacts, Unit
from ..model.graph import BASE_TYPES, Clause, Cond, DeadlineRule, EvaluationGraph, GraphNode
from ..version import __version__
from ..workdays import Calendar, default_calendar
from .audit import AUDIT_SCHEMA_VERSION, Entry, reconcile, render_text

__all__ = ["DIVISION_PLACES", "ENGINE_VERSION", "NodeResult", "Results", "UnitResult", "evaluate"]

ENGINE_VERSION = __version__
_NOT_ASSESSED = ("na", "skipped")


def _contribution(score: Decimal, factor: Decimal, divisor: Decimal | None) -> Decimal:
    """A child's contribution to its parent: score × factor, divided last."""
    if divisor is None:
        return score if factor == ONE else score * factor
    return divide(score * factor, divisor)


def _scaled(value: Decimal, numerator: Decimal, denominator: Decimal) -> Decimal:
    """value × numerator / denominator, divided last (see audit.divide)."""
    return divide(value * numerator, denominator)


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


@attrs.frozen(eq=False)
class _Ledger:
    """The run's columns, shared by every unit's result.

    A cell of ``entries`` is None, one Entry, or a list of them (most cells hold one or
    two entries, and a cohort has hundreds of thousands of cells). Entries that follow
    from the scores or the facts are derived when the ledger is read, not stored: each
    child's contribution to its parent, and the evidence an item accepted.
    """

    graph: EvaluationGraph
    scores: list[list[Decimal]]
    status: list[list[str]]
    entries: list[list[Cell]] | None
    factors: dict[int, tuple[Decimal, Decimal | None]]
    facts_hash: str
    facts: Sequence[Mapping[str, NodeFacts]]

    def ledger(self, idx: int, u: int) -> list[Entry]:
        """Node ``idx``'s entries for unit ``u``, derived ones included, in order."""
        assert self.entries is not None
        cell = self.entries[idx][u]
        stored = [] if cell is None else cell if isinstance(cell, list) else [cell]
        node = self.graph.nodes[idx]
        status = self.status[idx][u]
        if node.scoring == "item" and status == "scored":
            accepted = self.accepted_evidence(node, u)
            return [accepted, *stored] if accepted is not None else list(stored)
        if node.is_leaf or status != "scored":
            return list(stored)
        out: list[Entry] = []
        bonuses: list[Entry] = []
        for c in node.children:
            child = self.graph.nodes[c]
            if child.kind == "bonus":
                if self.status[c][u] != "skipped":
                    bonuses.append(
                        Entry(
                            "bonus",
                            self.scores[c][u],
                            child=child.id,
                            factor=ONE,
                            note="bonus points, added after the cap",
                        )
                    )
                continue
            factor, divisor = self.factors[c]
            out.append(
                Entry(
                    "child",
                    _contribution(self.scores[c][u], factor, divisor),
                    child=child.id,
                    factor=factor,
                    divisor=divisor,
                )
            )
        out.extend(e for e in stored if e.kind != "veto")
        out.extend(bonuses)
        out.extend(e for e in stored if e.kind == "veto")
        return out

    def accepted_evidence(self, node: GraphNode, u: int) -> Entry | None:
        """The evidence entry of a credited item whose evidence was all accepted."""
        facts = self.facts[u].get(node.id)
        if facts is None or not facts.evidence or not node.rejected.isdisjoint(facts.kinds):
            return None  # none given, or some rejected: the kernel wrote that entry itself
        if not (node.evidence_required or node.rejected):
            return None
        return Entry("evidence", ZERO, inputs={"accepted": facts.evidence})


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
    _ledger: _Ledger = attrs.field(repr=False)
    _u: int = attrs.field(repr=False)

    @property
    def rounded_total(self) -> Decimal:
        return round_half_up(self.total, self._ledger.graph.rounding)

    def node(self, node_id: str) -> NodeResult:
        led = self._ledger
        idx = led.graph.by_id[node_id]
        n = led.graph.nodes[idx]
        entries = tuple(led.ledger(idx, self._u)) if led.entries is not None else ()
        return NodeResult(
            n.id, n.title, led.scores[idx][self._u], n.points, led.status[idx][self._u], entries
        )

    def score(self, node_id: str) -> Decimal:
        led = self._ledger
        return led.scores[led.graph.by_id[node_id]][self._u]

    def nodes(self) -> Iterator[NodeResult]:
        for n in self._ledger.graph.nodes:
            yield self.node(n.id)

    def to_dict(self) -> dict[str, Any]:
        led = self._ledger
        g = led.graph
        u = self._u
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
        out["facts_hash"] = led.facts_hash
        out["nodes"] = {
            n.id: {
                "score": _present(led.scores[n.index][u], places),
                "exact": exact(led.scores[n.index][u]),
                "max": _present(n.points, places),
                "status": led.status[n.index][u],
            }
            for n in g.nodes
        }
        if led.entries is not None:
            out["audit"] = list(self._audit_dicts())
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out

    def _audit_dicts(self) -> Iterator[dict[str, Any]]:
        led = self._ledger
        g = led.graph
        u = self._u
        stack: list[tuple[int, int]] = [(0, 0)]
        while stack:
            idx, depth = stack.pop()
            n = g.nodes[idx]
            status = led.status[idx][u]
            node: dict[str, Any] = {
                "node": n.id,
                "title": n.title,
                "kind": n.kind,
                "depth": depth,
                "line": n.line,
                "score": exact(led.scores[idx][u]),
                "max": exact(n.points),
                "status": status,
            }
            if n.children and status == "scored":
                node["children"] = [g.nodes[c].id for c in n.children]
            if n.assumed:
                node["assumed"] = list(n.assumed)
            node["entries"] = [e.to_dict() for e in led.ledger(idx, u)]
            yield node
            if status == "scored":
                for child in reversed(n.children):
                    stack.append((child, depth + 1))

    def explain(self) -> str:
        """The audit as readable text (from this run's ledger; nothing is re-scored)."""
        return render_text(self.to_dict(), self._ledger.graph.metadata())


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
        msg = f"no unit {unit_id!r} in these results"
        hint = did_you_mean(unit_id, (u.id for u in self.units))
        raise FactsError(Diagnostic("DR302", msg, unit=unit_id, hint=hint))

    def __iter__(self) -> Iterator[UnitResult]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def ranking(self) -> list[UnitResult]:
        """Units by rank (ties in input order)."""
        return sorted(self.units, key=lambda u: u.rank)

    def to_dict(self) -> dict[str, Any]:
        g = self.graph
        return {
            "schema": AUDIT_SCHEMA_VERSION,
            "engine": {"name": "disclosure_rules", "version": ENGINE_VERSION},
            "ruleset": g.metadata(),
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
            "grades": [band.name for band in g.grades],
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
    calendar: Calendar | None = None,
) -> Results:
    """Score every unit of ``cohort``; see the module docstring for the semantics.

    Deadlines in working days use ``calendar`` (default: the official calendar) with
    the ruleset's own ``calendar`` blocks added.
    """
    # A run allocates millions of small acyclic objects (ledger entries, columns); the
    # cyclic garbage collector would walk them again and again for nothing, more than
    # doubling the run's time. It is paused for the run and restored after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with localcontext(ARITHMETIC):
            return _Run(graph, cohort, detail, strict, calendar).run()
    finally:
        if collecting:
            gc.enable()


Push = Callable[[int, Entry], None]
Cell = Entry | list[Entry] | None


class _Run:
    def __init__(
        self,
        graph: EvaluationGraph,
        cohort: Cohort,
        detail: bool,
        strict: bool,
        calendar: Calendar | None = None,
    ) -> None:
        self.g = graph
        supplied = calendar.schedules if calendar is not None else ()
        self.calendar = (
            Calendar([*graph.schedules, *supplied])
            if graph.schedules or supplied
            else default_calendar()
        )
        self.cohort = cohort
        self.units: Sequence[Unit] = cohort.units
        self.facts = [unit.facts for unit in cohort.units]
        self.detail = detail
        self.strict = strict
        n = self.n = len(cohort.units)
        count = len(graph.nodes)
        self.scores: list[list[Decimal]] = [[ZERO] * n for _ in range(count)]
        self.status: list[list[str]] = [["scored"] * n for _ in range(count)]
        self.entries: list[list[Cell]] | None = (
            [[None] * n for _ in range(count)] if detail else None
        )
        self.warnings: list[Diagnostic] = []
        self.unit_warnings: list[list[str]] = [[] for _ in range(n)]
        self.pending_own_rate: dict[int, set[int]] = {}
        self.na_units: dict[int, list[int]] = {}  # node → units not applicable, in order
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
        self.rescaled_in: dict[int, list[int]] = {}
        for node in graph.nodes:
            scope = self.component_of[node.index]
            if node.kind == "item":
                self.leaves_of.setdefault(scope, []).append(node.index)
            if node.na is not None and node.na.policy == "rescale" and node.kind != "bonus":
                self.rescaled_in.setdefault(scope, []).append(node.index)
        # A child's contribution to its parent is score × factor / divisor: for a
        # weighted component, weight × the ruleset's scale / the component's maximum.
        self.factors: dict[int, tuple[Decimal, Decimal | None]] = {}
        for node in graph.nodes:
            for c in node.children:
                child = graph.nodes[c]
                if node.kind == "ruleset" and child.kind == "component" and child.weight:
                    self.factors[c] = (child.weight * node.points, child.points)
                else:
                    self.factors[c] = (ONE, None)

    def _component_of(self, idx: int) -> int:
        p = self.g.nodes[idx].parent
        while p is not None:
            if self.g.nodes[p].kind in ("component", "ruleset"):
                return p
            p = self.g.nodes[p].parent
        return 0

    # -------------------------------------------------------------- helpers

    def pusher(self, idx: int) -> Push | None:
        """A function appending an entry to node ``idx``'s ledger, or None with detail off."""
        if self.entries is None:
            return None
        column = self.entries[idx]

        def push(u: int, entry: Entry) -> None:
            cell = column[u]
            if cell is None:
                column[u] = entry
            elif isinstance(cell, list):
                cell.append(entry)
            else:
                column[u] = [cell, entry]

        return push

    def add(self, idx: int, u: int, entry: Entry) -> None:
        push = self.pusher(idx)
        if push is not None:
            push(u, entry)

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
                self.leaves([i for i in stage.nodes if g.nodes[i].is_leaf])
                for idx in stage.nodes:
                    if not g.nodes[idx].is_leaf:
                        self.aggregate(g.nodes[idx])
            else:
                for idx in stage.nodes:
                    self.averages(g.nodes[idx])
        totals = self.scores[0]
        fired = self.vetoes(totals)
        ledger = _Ledger(
            g, self.scores, self.status, self.entries, self.factors, self.cohort.hash, self.facts
        )
        units = self.finish(totals, fired, ledger)
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

    def gate(self, node: GraphNode, u: int) -> str | None:
        """'skipped' or 'na' when the unit is not assessed on this node, else None."""
        tags = self.units[u].tags
        for p in self.gated[node.index]:
            if not (self.g.nodes[p].applies_to or frozenset()) & tags:
                return "skipped"
        if node.applies_to is not None and not node.applies_to & tags:
            return "na"
        return None

    def mark_na(self, node: GraphNode, u: int, reason: str) -> None:
        self.status[node.index][u] = "na"
        na = node.na
        assert na is not None
        if node.kind == "bonus":  # bonus points that do not apply add nothing
            note = f"{reason}; a bonus that does not apply adds 0"
        elif na.policy in ("rescale", "redistribute"):
            self.na_units.setdefault(node.index, []).append(u)
            where = "the component" if na.policy == "rescale" else "its parent"
            note = f"{reason}; its points are spread over {where}"
        else:  # settled later: own rate at the parent, averages at the cohort barrier
            self.na_units.setdefault(node.index, []).append(u)
            if na.policy == "own_rate":
                self.pending_own_rate.setdefault(node.index, set()).add(u)
            return
        self.add(node.index, u, Entry("na", ZERO, na.policy, na.line, na.cite, note=note))

    def gated_out(self, node: GraphNode, u: int) -> bool:
        """Apply the node's applicability gate for unit ``u``; True when it is not assessed."""
        gate = self.gate(node, u)
        if gate == "skipped":
            self.status[node.index][u] = "skipped"
        elif gate == "na":
            self.mark_na(node, u, f"applies only to {', '.join(sorted(node.applies_to or ()))}")
        return gate is not None

    # -------------------------------------------------------------- leaves

    def leaves(self, indices: Sequence[int]) -> None:
        """Score every leaf from its facts, unit by unit.

        Leaves depend on nothing but the unit's own facts, so the order is free; going
        unit by unit reads each unit's facts while they are in the processor's cache,
        which node by node over a large cohort does not.
        """
        plans = [self.leaf_plan(self.g.nodes[i]) for i in indices]
        for u, facts_of in enumerate(self.facts):
            for node, scores, gated, kernel, fast, required, rejected in plans:
                if gated and self.gated_out(node, u):
                    given = facts_of.get(node.id)
                    if given is not None and not given.not_applicable:
                        self.warn(
                            "DR405",
                            u,
                            node.id,
                            "facts were given for an item that does "
                            "not apply to this unit; they are not used",
                        )
                    continue
                facts = facts_of.get(node.id)
                if facts is None:
                    self.missing(node, u, None)
                    continue
                if fast and not facts.note:
                    awarded = facts.values.get("awarded")
                    if (
                        awarded is not None
                        and (facts.evidence or not required)
                        and rejected.isdisjoint(facts.kinds)
                    ):
                        scores[u] = awarded
                        continue
                if facts.not_applicable:
                    note = f": {facts.note}" if facts.note else ""
                    self.mark_na(node, u, "the unit declared it not applicable" + note)
                    if facts.evidence:
                        self.add(
                            node.index,
                            u,
                            Entry(
                                "evidence",
                                ZERO,
                                note="statement supplied",
                                inputs={"accepted": facts.evidence},
                            ),
                        )
                else:
                    scores[u] = kernel(u, facts)

    def leaf_plan(self, node: GraphNode) -> tuple[Any, ...]:
        if node.scoring == "item":
            kernel = self.item_kernel(node)
        elif node.scoring == "survey":
            kernel = self.survey_kernel(node)
        else:
            kernel = self.direct_kernel(node)
        # The dominant case, inline: an awarded item with no clauses, no clamp that can bite
        # (the loader keeps `awarded` within [0, points]) and no ledger to write.
        fast = (
            self.entries is None
            and node.scoring == "item"
            and node.base == "awarded"
            and not node.clauses
            and (node.cap.value is None or node.cap.value >= node.points)
            and (node.floor.value is None or node.floor.value <= ZERO)
        )
        gated = bool(self.gated[node.index]) or node.applies_to is not None
        return (
            node,
            self.scores[node.index],
            gated,
            kernel,
            fast,
            node.evidence_required,
            node.rejected,
        )

    def missing(self, node: GraphNode, u: int, field: str | None) -> None:
        self.status[node.index][u] = "missing"
        self.scores[node.index][u] = ZERO
        what = f"{node.id}.{field}" if field else node.id
        if self.entries is not None:
            self.entries[node.index][u] = [
                Entry("missing", ZERO, note=f"no fact supplied for {what}: scored 0")
            ]
        self.warn("DR403", u, node.id, f"no fact supplied for {what}; scored 0")

    def direct_kernel(self, node: GraphNode) -> Callable[[int, NodeFacts], Decimal]:
        push = self.pusher(node.index)
        line, cite = node.line, node.direct_cite

        def kernel(u: int, facts: NodeFacts) -> Decimal:
            value = facts.values["score"]
            assert isinstance(value, Decimal)
            if push is not None:
                push(u, Entry("base", value, "direct_score", line, cite, {"score": value}))
            return value

        return kernel

    def item_kernel(self, node: GraphNode) -> Callable[[int, NodeFacts], Decimal]:
        """Score one item from one unit's facts: evidence, base, clauses in order, clamp."""
        idx = node.index
        push = self.pusher(idx)
        status = self.status[idx]
        points = node.points
        required, rejected = node.evidence_required, node.rejected
        ev_line, ev_cite = node.evidence_line, node.evidence_cite or node.rejected_cite
        base = node.base
        base_clause = next((c for c in node.clauses if c.type == base), None)
        base_line = base_clause.line if base_clause else node.line
        base_cite = base_clause.cite if base_clause else None
        steps = tuple(c for c in node.clauses if c.type not in BASE_TYPES)
        can_go_negative = node.floor.value is None or node.floor.value < ZERO

        def claim(u: int, facts: NodeFacts, push: Push | None) -> Decimal:
            """The item's score from its facts, as if credited (raises _MissingFact)."""
            values = facts.values
            if base == "awarded":
                if "awarded" not in values:
                    raise _MissingFact(node.id, "awarded")
                score: Decimal = values["awarded"]  # type: ignore[assignment]
                if push is not None:
                    push(u, Entry("base", score, "awarded", base_line, base_cite))
            elif base == "full":
                score = points
                if push is not None:
                    push(u, Entry("base", score, "full", base_line, base_cite))
            else:
                score = self.special_base(node, u, values, base_clause, push)
            for clause in steps:
                score = self.step(node, u, clause, values, score, push)
            if facts.note and push is not None:
                push(u, Entry("note", ZERO, note=facts.note))
            return self.bounded(node, u, score, push)

        def not_credited(u: int, facts: NodeFacts) -> Decimal:
            """No accepted evidence: no credit. Deductions that would take the item below
            zero (under ``floor none``) still apply, so withholding evidence never pays."""
            status[u] = "not_credited"
            value = ZERO
            if can_go_negative:
                try:
                    value = min(ZERO, claim(u, facts, None))
                except _MissingFact:
                    value = ZERO
            if push is not None:
                evidence = facts.evidence
                shown: dict[str, Any] = (
                    {"rejected": _rejected(evidence, rejected)} if evidence else {}
                )
                if value < ZERO:
                    shown["deductions_below_zero"] = value
                reason = (
                    "no evidence supplied"
                    if not evidence
                    else "every piece of evidence is of a rejected kind"
                )
                push(
                    u,
                    Entry(
                        "evidence",
                        value,
                        "evidence_required",
                        ev_line,
                        ev_cite,
                        shown or None,
                        note=f"not credited: {reason}",
                    ),
                )
            return value

        def kernel(u: int, facts: NodeFacts) -> Decimal:
            evidence = facts.evidence
            if required or rejected:
                accepted = evidence
                if not rejected.isdisjoint(facts.kinds):
                    accepted = tuple(e for e in evidence if e.kind not in rejected)
                if required and not accepted:
                    return not_credited(u, facts)
                if push is not None and len(accepted) != len(evidence):
                    # all accepted is derived from the facts when the ledger is read
                    inputs: dict[str, Any] = {"accepted": accepted}
                    inputs["rejected"] = _rejected(evidence, rejected)
                    push(u, Entry("evidence", ZERO, None, None, node.rejected_cite, inputs))
            try:
                return claim(u, facts, push)
            except _MissingFact as missing:
                self.missing(node, u, missing.field)
                return ZERO

        return kernel

    def special_base(
        self, node: GraphNode, u: int, values: Any, clause: Clause | None, push: Push | None
    ) -> Decimal:
        line = clause.line if clause else node.line
        cite = clause.cite if clause else None
        if node.base == "all_or_nothing":
            if "met" not in values:
                raise _MissingFact(node.id, "met")
            value = node.points if values["met"] else ZERO
            if push is not None:
                push(u, Entry("base", value, "all_or_nothing", line, cite, {"met": values["met"]}))
            return value
        assert clause is not None and clause.fact is not None
        if node.base == "rate_on_time":
            assert clause.deadline is not None
            records = self.fact(None, clause.fact, u, values)
            judged = [self.judge(clause.deadline, r, u, node.id) for r in records]
            on_time = sum(1 for j in judged if not j["late"])
            value = (
                _scaled(node.points, Decimal(on_time), Decimal(len(judged)))
                if judged
                else node.points
            )
            if push is not None:
                push(
                    u,
                    Entry(
                        "base",
                        value,
                        "rate_on_time",
                        line,
                        cite,
                        {
                            "deadline": str(clause.deadline),
                            "on_time": on_time,
                            "records": len(judged),
                            "judged": judged,
                        },
                        note=None if judged else "no records: nothing was due",
                    ),
                )
            return value
        rate = self.fact(clause.fact_node, clause.fact, u, values)
        value = node.points * rate
        if push is not None:
            push(
                u,
                Entry(
                    "base", value, "rate", line, cite, {clause.fact: rate, "points": node.points}
                ),
            )
        return value  # type: ignore[no-any-return]

    def fact(self, owner: str | None, field: str, u: int, own: Any) -> Any:
        """A fact value: ``own`` node's field when ``owner`` is None, else another node's."""
        if owner is None:
            values = own
        else:
            nf = self.facts[u].get(owner)
            values = nf.values if nf is not None else {}
        if field not in values:
            raise _MissingFact(owner or "", field)
        return values[field]

    def step(
        self,
        node: GraphNode,
        u: int,
        clause: Clause,
        values: Any,
        score: Decimal,
        push: Push | None,
    ) -> Decimal:
        """One deduction or zero-when clause."""
        if clause.type == "zero_when":
            assert clause.condition is not None
            held, shown = self.condition(clause.condition, u, node.id, values)
            if held and score != ZERO:
                if push is not None:
                    push(u, Entry("zero", -score, "zero_when", clause.line, clause.cite, shown))
                return ZERO
            return score
        assert clause.amount is not None
        inputs: dict[str, Any]
        if clause.type == "deduct_late":
            assert clause.fact is not None and clause.deadline is not None
            records = self.fact(None, clause.fact, u, values)
            judged = [self.judge(clause.deadline, r, u, node.id) for r in records]
            late = sum(1 for j in judged if j["late"])
            if late == 0:
                if push is not None:
                    push(
                        u,
                        Entry(
                            "deadline",
                            ZERO,
                            "deduct_late",
                            clause.line,
                            clause.cite,
                            {"deadline": str(clause.deadline), "judged": judged},
                            note=f"all {len(judged)} record(s) on time"
                            if judged
                            else "no records: nothing was due",
                        ),
                    )
                return score
            delta = -clause.amount * late
            inputs = {"deadline": str(clause.deadline), "late": late, "judged": judged}
            if clause.max is not None and -delta > clause.max:
                inputs["max"] = clause.max
                delta = -clause.max
        elif clause.type == "deduct_when":
            assert clause.condition is not None
            held, inputs = self.condition(clause.condition, u, node.id, values)
            if not held:
                return score
            delta = -clause.amount
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
                inputs["max"] = clause.max
                delta = -clause.max
        if push is not None:
            push(
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
            if c.op == "not":
                return not walk(c.parts[0])
            if c.op == "met":
                assert c.deadline is not None
                judged = self.judge(c.deadline, own, u, owner)
                shown[str(c.deadline)] = judged
                return not judged["late"]
            if c.op == "all_met":
                assert c.deadline is not None
                records = self.fact(None, c.field, u, own)
                judged_all = [self.judge(c.deadline, r, u, owner) for r in records]
                shown[f"{c.field}: {c.deadline}"] = judged_all
                return not any(j["late"] for j in judged_all)
            mine = c.node == owner
            value = self.fact(None if mine else c.node, c.field, u, own)
            shown[c.field if mine else f"{c.node}.{c.field}"] = value
            if c.op == "truthy":
                return bool(value)
            assert c.value is not None
            return bool(_COMPARE[c.op](value, c.value))

        held = walk(cond)
        shown["condition"] = str(cond)
        shown["held"] = held
        return held, shown

    def judge(self, deadline: DeadlineRule, values: Any, u: int, node_id: str) -> dict[str, Any]:
        """Was END on time? The dates, the deadline, and how late, for the audit."""
        if deadline.end not in values:
            raise _MissingFact("", deadline.end)
        end = values[deadline.end]
        judged: dict[str, Any] = {
            k: v for k, v in values.items() if k in ("title", "id", "ref") and v is not None
        }
        try:
            if deadline.by is not None:
                due: dt.date | dt.datetime = deadline.by
            else:
                assert deadline.start is not None and deadline.amount is not None
                if values.get(deadline.start) is None:
                    raise _MissingFact("", deadline.start)
                start = values[deadline.start]
                judged[deadline.start] = start.isoformat()
                if deadline.unit == "hours":
                    due = start + dt.timedelta(seconds=int(deadline.amount * 3600))
                elif deadline.unit == "days":
                    due = _day(start) + dt.timedelta(days=int(deadline.amount))
                else:
                    due = self.calendar.add_workdays(_day(start), int(deadline.amount))
            judged[deadline.end] = None if end is None else end.isoformat()
            judged["deadline"] = due.isoformat()
            if end is None:
                judged.update(late=True, by="not done")
            elif isinstance(due, dt.datetime):
                late = end > due
                judged["late"] = late
                if late:
                    judged["by"] = f"{end - due} (h:mm:ss)"
            else:
                late = _day(end) > due
                judged["late"] = late
                if late:
                    if deadline.unit == "workdays":
                        over = self.calendar.workdays_between(due, _day(end))
                        judged["by"] = f"{over} workdays"
                    else:
                        judged["by"] = f"{(_day(end) - due).days} days"
        except CalendarError as exc:
            first = exc.diagnostics[0]
            raise EvaluationError(
                Diagnostic(
                    first.code,
                    first.message,
                    file=self.cohort.source,
                    unit=self.units[u].id,
                    fact=f"{node_id}.{deadline.end}",
                    hint=first.hint,
                )
            ) from None
        return judged

    def survey_kernel(self, node: GraphNode) -> Callable[[int, NodeFacts], Decimal]:
        def kernel(u: int, facts: NodeFacts) -> Decimal:
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
            rate = divide(weighted, responses)
            score = _scaled(node.points, weighted, responses)
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
                    {**counts, "responses": responses, "rate": rate, "outcome": outcome},
                    note=f"satisfaction {exact(rate * 100)}% of {exact(responses)} responses"
                    + (f": {outcome}" if outcome else ""),
                ),
            )
            return score

        return kernel

    # -------------------------------------------------------------- cohort barriers

    def averages(self, node: GraphNode) -> None:
        idx = node.index
        na = node.na
        assert na is not None
        status, scores = self.status[idx], self.scores[idx]
        na_units = self.na_units.get(idx)
        if not na_units:
            return
        # N/A and skipped cells still score 0 here, so the column's sum is the assessed sum
        cohort_sum = sum(scores, ZERO)
        count = self.n - len(na_units) - status.count("skipped")
        cohort_mean = divide(cohort_sum, Decimal(count)) if count else None
        groups: dict[str | None, list[int]] = {}
        if na.policy == "group_average":
            for u, st in enumerate(status):
                if st not in _NOT_ASSESSED:
                    groups.setdefault(self._group(u, na.over), []).append(u)
        group_means: dict[str | None, tuple[Decimal, Decimal, int]] = {}
        for group, members in groups.items():
            total = sum((scores[m] for m in members), ZERO)
            group_means[group] = (divide(total, Decimal(len(members))), total, len(members))
        for u in na_units:
            if cohort_mean is None:
                self.component_rate(
                    node,
                    u,
                    "DR401",
                    "no unit in the cohort is assessed on it, so there is no average",
                )
                continue
            value, total, over, label, note = (
                cohort_mean,
                cohort_sum,
                count,
                "the cohort",
                "",
            )
            if na.policy == "group_average":
                group = self._group(u, na.over)
                if group in group_means:
                    value, total, over = group_means[group]
                    label = f"group {group}" if group else "units with none of the group tags"
                else:
                    note = f"; no assessed unit in group {group}, so the cohort average is used"
            self.settle_na(
                node,
                u,
                Entry(
                    "na",
                    value,
                    na.policy,
                    na.line,
                    na.cite,
                    {"over": over, "sum": total, "of": label},
                    note=f"not applicable: the average of {over} assessed units ({label})" + note,
                ),
            )

    def settle_na(self, node: GraphNode, u: int, entry: Entry) -> None:
        """An N/A cell's value from its policy, kept within the node's floor and cap (an
        average of siblings that went below zero does not take this cell with it)."""
        self.add(node.index, u, entry)
        self.scores[node.index][u] = self.bounded(node, u, entry.delta, self.pusher(node.index))

    def bounded(self, node: GraphNode, u: int, score: Decimal, push: Push | None) -> Decimal:
        """``score`` clamped to the node's cap and floor, each clamp an entry of its own."""
        cap, floor = node.cap.value, node.floor.value
        if cap is not None and score > cap:
            if push is not None:
                push(u, _clamp("cap", cap, score, node.cap.line, node.cap.cite))
            score = cap
        if floor is not None and score < floor:
            if push is not None:
                push(u, _clamp("floor", floor, score, node.floor.line, node.floor.cite))
            score = floor
        return score

    def component_rate(self, node: GraphNode, u: int, code: str, reason: str) -> None:
        """Fallback for an N/A cell with nothing to average: the unit's own score rate on
        every item it was assessed on in the same component."""
        assessed = [
            i
            for i in self.leaves_of[self.component_of[node.index]]
            if i != node.index and self.status[i][u] not in _NOT_ASSESSED
        ]
        got = sum((self.scores[i][u] for i in assessed), ZERO)
        of = sum((self.g.nodes[i].points for i in assessed), ZERO)
        value = _scaled(node.points, got, of) if of else ZERO
        self.warn(
            code,
            u,
            node.id,
            f"{reason}; the unit's own score rate on the "
            f"{len(assessed)} item(s) it was assessed on in the component is used",
        )
        na = node.na
        assert na is not None
        self.settle_na(
            node,
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
        push = self.pusher(idx)
        scores = self.scores[idx]
        children = [g.nodes[c] for c in node.children]
        regular = [c for c in children if c.kind != "bonus"]
        bonus_columns = [
            (self.scores[c.index], self.status[c.index]) for c in children if c.kind == "bonus"
        ]
        columns = [self.scores[c.index] for c in regular]
        factors = [self.factors[c.index] for c in regular]
        weighted = any(divisor is not None for _, divisor in factors)
        children_max = sum((c.points for c in regular), ZERO)
        gated = bool(self.gated[idx]) or node.applies_to is not None
        own_rate = [
            (c, self.pending_own_rate[c.index]) for c in regular if c.index in self.pending_own_rate
        ]
        scale = node.resolve == "scale" and bool(node.children_points)
        redistribute = [c for c in regular if c.na is not None and c.na.policy == "redistribute"]
        rescaled = (
            self.rescaled_in.get(idx, [])
            if node.kind in ("component", "ruleset") and not weighted
            else []
        )
        if not (gated or own_rate or scale or redistribute or rescaled or bonus_columns):
            self.plain_sums(node, columns, factors if weighted else None, push)
            return
        for u in range(self.n):
            if gated and self.gated_out(node, u):
                continue
            for child, pending in own_rate:
                if u in pending:
                    self.own_rate(child, u, regular)
            if weighted:
                raw = sum(
                    (
                        _contribution(col[u], f, d)
                        for col, (f, d) in zip(columns, factors, strict=True)
                    ),
                    ZERO,
                )
            else:
                raw = sum((col[u] for col in columns), ZERO)
            score = raw
            if scale:
                assert node.children_points is not None
                delta = _scaled(raw, node.points, node.children_points) - raw
                score += delta
                if push is not None:
                    push(
                        u,
                        Entry(
                            "resolve",
                            delta,
                            "scale",
                            node.line,
                            node.resolve_cite,
                            {"declared": node.points, "children": node.children_points},
                            note=f"parts scaled by {exact(node.points)}/"
                            f"{exact(node.children_points or ZERO)}",
                        ),
                    )
            if redistribute:
                score = self.redistribute(node, u, redistribute, children_max, score, raw)
            if rescaled:
                score = self.rescale(node, u, rescaled, children_max, score, raw)
            score = self.bounded(node, u, score, push)
            for bonus_scores, bonus_status in bonus_columns:
                if bonus_status[u] != "skipped":
                    score += bonus_scores[u]
            scores[u] = score

    def plain_sums(
        self,
        node: GraphNode,
        columns: list[list[Decimal]],
        factors: list[tuple[Decimal, Decimal | None]] | None,
        push: Push | None,
    ) -> None:
        """The common case, column-wise: sum the children, then clamp."""
        if factors is None:
            raws = [sum(row, ZERO) for row in zip(*columns, strict=True)]
        else:
            raws = [
                sum((_contribution(v, f, d) for v, (f, d) in zip(row, factors, strict=True)), ZERO)
                for row in zip(*columns, strict=True)
            ]
        cap, floor = node.cap.value, node.floor.value
        if push is None:
            self.scores[node.index] = [
                cap
                if cap is not None and r > cap
                else floor
                if floor is not None and r < floor
                else r
                for r in raws
            ]
            return
        for u, raw in enumerate(raws):
            if cap is not None and raw > cap:
                push(u, _clamp("cap", cap, raw, node.cap.line, node.cap.cite))
                raws[u] = cap
            elif floor is not None and raw < floor:
                push(u, _clamp("floor", floor, raw, node.floor.line, node.floor.cite))
                raws[u] = floor
        self.scores[node.index] = raws

    def own_rate(self, node: GraphNode, u: int, siblings: list[GraphNode]) -> None:
        self.pending_own_rate[node.index].discard(u)
        assessed = [
            s
            for s in siblings
            if s.index != node.index and self.status[s.index][u] not in _NOT_ASSESSED
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
        value = _scaled(node.points, got, of)
        self.settle_na(
            node,
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

    def redistribute(
        self,
        node: GraphNode,
        u: int,
        candidates: list[GraphNode],
        children_max: Decimal,
        score: Decimal,
        raw: Decimal,
    ) -> Decimal:
        """Spread the points of N/A children with the redistribute policy over the others."""
        na_children = [c for c in candidates if self.status[c.index][u] == "na"]
        if not na_children:
            return score
        applicable = children_max - sum((c.points for c in na_children), ZERO)
        if applicable <= ZERO:
            return score
        factor = divide(children_max, applicable)
        delta = _scaled(raw, children_max, applicable) - raw
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
        return score + delta

    def rescale(
        self,
        node: GraphNode,
        u: int,
        candidates: list[int],
        children_max: Decimal,
        score: Decimal,
        raw: Decimal,
    ) -> Decimal:
        """Scale a component's score on applicable items up to its full total."""
        na_nodes = [i for i in candidates if self.status[i][u] == "na"]
        if not na_nodes:
            return score
        applicable = children_max - sum((self.g.nodes[i].points for i in na_nodes), ZERO)
        if applicable <= ZERO:
            return score
        factor = divide(children_max, applicable)
        delta = _scaled(raw, children_max, applicable) - raw
        na = self.g.nodes[na_nodes[0]].na
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
                {"not_applicable": [self.g.nodes[i].id for i in na_nodes], "factor": factor},
                note=f"score on applicable items scaled to the full total: "
                f"×{exact(children_max)}/{exact(applicable)}",
            ),
        )
        return score + delta

    # -------------------------------------------------------------- vetoes, ranks, grades

    def vetoes(self, totals: list[Decimal]) -> list[list[str]]:
        fired: list[list[str]] = [[] for _ in range(self.n)]
        for veto in self.g.vetoes:
            for u, facts_of in enumerate(self.facts):
                own = facts_of.get(veto.id)
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
                # a veto fails a unit: its total is capped at the veto's score, never raised
                delta = ZERO
                if veto.score is not None and totals[u] > veto.score:
                    delta = veto.score - totals[u]
                    totals[u] = veto.score
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
                        + (
                            f", total capped at {exact(veto.score)}"
                            if veto.score is not None
                            else ""
                        ),
                    ),
                )
        return fired

    def finish(
        self, totals: list[Decimal], fired: list[list[str]], ledger: _Ledger
    ) -> list[UnitResult]:
        g = self.g
        shown = [round_half_up(t, g.rounding) for t in totals]
        order = sorted(range(self.n), key=lambda u: -shown[u])
        ranks = [0] * self.n
        for position, u in enumerate(order):
            prev = order[position - 1] if position else None
            ranks[u] = ranks[prev] if prev is not None and shown[prev] == shown[u] else position + 1
        grades = self.grade(shown, ranks, fired)
        maximum = g.root.points
        return [
            UnitResult(
                unit.id,
                tuple(sorted(unit.tags)),
                totals[u],
                maximum,
                grades[u],
                ranks[u],
                tuple(fired[u]),
                {c.id: _scaled(totals[u], c.points, maximum) for c in g.conversions},
                tuple(self.unit_warnings[u]),
                ledger,
                u,
            )
            for u, unit in enumerate(self.units)
        ]

    def grade(
        self, shown: list[Decimal], ranks: list[int], fired: list[list[str]]
    ) -> list[str | None]:
        """Grades by threshold, then quotas: at most floor(n × quota) units per band.

        Units over a quota fall to the next band whose threshold they meet, in rank
        order; a tie that would straddle the quota falls as a whole, so equal
        scores never get different grades.
        """
        bands = self.g.grades
        n = self.n
        result: list[str | None] = [None] * n
        veto_grade = {v.id: v.grade for v in self.g.vetoes if v.grade}
        forced = [
            next((veto_grade[v] for v in fired[u] if v in veto_grade), None) for u in range(n)
        ]
        order = sorted(range(n), key=lambda u: ranks[u])
        taken = [0] * len(bands)
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
            free = [u for u in tie if forced[u] is None]
            for u in tie:
                if forced[u] is not None:
                    result[u] = forced[u]
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


def _day(value: dt.date) -> dt.date:
    """The calendar day of a date or date-time."""
    return value.date() if isinstance(value, dt.datetime) else value


def _clamp(kind: str, bound: Decimal, score: Decimal, line: int | None, cite: str | None) -> Entry:
    return Entry(
        "clamp",
        bound - score,
        kind,
        line,
        cite,
        {"bound": bound},
        note=f"the {kind} at {exact(bound)} absorbed {exact(score - bound)}",
    )


def _rejected(evidence: tuple[Any, ...], rejected: frozenset[str]) -> list[str]:
    return [f"{e.ref} ({e.kind})" for e in evidence if e.kind in rejected]


_COMPARE = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
