"""Results: the scores, grades and ranks of a run, and each unit's ledger as a view.

The engine (:mod:`disclosure_rules.evaluation.engine`) keeps its state in
columns (one list per node, indexed by unit); each :class:`UnitResult` is a
view over them. The ledger stores only the entries that cannot be derived; a
child's contribution to its parent (its score × its factor) and the evidence
an item accepted are derived from the scores and the facts when the audit is
read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..decimals import ONE, ZERO, round_half_up
from ..decimals import text as exact
from ..errors import Diagnostic, FactsError, did_you_mean, expect_argument
from ..facts import Evidence, NodeFacts
from ..i18n import _
from ..model.graph import EvaluationGraph, GraphNode, reading_dict
from ..model.ids import entry_rule_id
from ..version import __version__
from . import tables
from .audit import AUDIT_SCHEMA_VERSION, Entry, file_of, reconcile
from .compact import BONUS_NOTE, COMPACT_SCHEMA, contribution, present
from .compact_write import CompactWriter, static_header, veto_json
from .evidence import all_accepted
from .explain import render_text
from .results_json import document_chunks
from .tables import Per
from .tracer import Cell

__all__ = ["ENGINE_VERSION", "NodeResult", "Results", "UnitResult", "contribution"]

ENGINE_VERSION = __version__


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
class Ledger:
    """The run's columns, shared by every unit's result.

    A cell of ``entries`` is None or a tuple of entries stored as plain tuples (see
    :mod:`.tracer`: a cohort has hundreds of thousands of cells). Entries that follow
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
    # per node, the (line, rule) of each step whose rule is assumed, and why: filled as read
    _assumed_steps: dict[int, dict[tuple[int, str], str]] = attrs.field(factory=dict, init=False)

    def ledger(self, idx: int, u: int) -> list[Entry]:
        """Node ``idx``'s entries for unit ``u``, derived ones included, in order."""
        assert self.entries is not None
        cell = self.entries[idx][u]
        stored = [] if cell is None else [Entry._make(raw) for raw in cell]
        node = self.graph.nodes[idx]
        assumed = self.assumed_steps(node)
        if assumed:
            stored = [_marked(e, assumed) for e in stored]
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
                            note=BONUS_NOTE,
                            assumption=child.assumption,
                        )
                    )
                continue
            factor, divisor = self.factors[c]
            out.append(
                Entry(
                    "child",
                    contribution(self.scores[c][u], factor, divisor),
                    child=child.id,
                    factor=factor,
                    divisor=divisor,
                    assumption=child.assumption,
                )
            )
        out.extend(e for e in stored if e.kind != "veto")
        out.extend(bonuses)
        out.extend(e for e in stored if e.kind == "veto")
        return out

    def assumed_steps(self, node: GraphNode) -> dict[tuple[int, str], str]:
        """The node's steps decided by an assumed rule (or direct score), by (line, rule)."""
        found = self._assumed_steps.get(node.index)
        if found is None:
            found = {(c.line, c.type): c.assumption for c in node.clauses if c.assumption}
            if node.direct_assumption:
                found[node.line, "direct_score"] = node.direct_assumption
            self._assumed_steps[node.index] = found
        return found

    def accepted_evidence(self, node: GraphNode, u: int) -> Entry | None:
        """The evidence entry of a credited item whose evidence was all accepted."""
        evidence = self.accepted(node, u)
        return None if evidence is None else Entry("evidence", ZERO, inputs={"accepted": evidence})

    def accepted(self, node: GraphNode, u: int) -> tuple[Evidence, ...] | None:
        """The evidence of a credited item, when it was all accepted and the item reads it."""
        facts = self.facts[u].get(node.id)
        return None if facts is None else _accepted(node, facts)


def _accepted(node: GraphNode, facts: NodeFacts) -> tuple[Evidence, ...] | None:
    """The evidence ``facts`` give item ``node``, when it was all accepted and the item
    reads it: the ledger shows it as an entry of its own."""
    if not facts.evidence or not all_accepted(node, facts):
        return None  # none given, or some set aside: the kernel wrote that entry itself
    if not (node.evidence_required or node.rejected):
        return None
    return facts.evidence


def _counted(units: Iterable[UnitResult], progress: Callable[[int], None]) -> Iterator[UnitResult]:
    for unit in units:
        progress(1)
        yield unit


def _marked(entry: Entry, assumed: Mapping[tuple[int, str], str]) -> Entry:
    """``entry`` with why its rule is assumed, when it is."""
    if entry.line is None or entry.rule is None:
        return entry
    reason = assumed.get((entry.line, entry.rule))
    return entry if reason is None else entry._replace(assumption=reason)


def _node_index(graph: EvaluationGraph, node_id: str) -> int:
    """The index of the node ``node_id``; a wrong type or an unknown id names the argument."""
    expect_argument(node_id, str, "node_id", "a node id (str) of the ruleset")
    idx = graph.by_id.get(node_id)
    if idx is None:
        hint = did_you_mean(node_id, graph.by_id)
        msg = f"node_id: no node {node_id!r} in ruleset {graph.id}" + (f"; {hint}" if hint else "")
        raise ValueError(msg)
    return idx


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
    _ledger: Ledger = attrs.field(repr=False)
    _u: int = attrs.field(repr=False)
    group: str | None = None  # the unit's group, when the ruleset ranks within groups

    @property
    def rounded_total(self) -> Decimal:
        return round_half_up(self.total, self._ledger.graph.rounding)

    def node(self, node_id: str) -> NodeResult:
        led = self._ledger
        idx = _node_index(led.graph, node_id)
        n = led.graph.nodes[idx]
        entries = tuple(led.ledger(idx, self._u)) if led.entries is not None else ()
        return NodeResult(
            n.id, n.title, led.scores[idx][self._u], n.points, led.status[idx][self._u], entries
        )

    def score(self, node_id: str) -> Decimal:
        led = self._ledger
        return led.scores[_node_index(led.graph, node_id)][self._u]

    def status(self, node_id: str) -> str:
        """The node's status: scored, na, missing, not_credited or skipped."""
        led = self._ledger
        return led.status[_node_index(led.graph, node_id)][self._u]

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
            "total": present(self.total, places),
            "total_exact": exact(self.total),
            "max": present(g.root.points, places),
            "grade": self.grade,
            "rank": self.rank,
        }
        if g.groups:
            out["group"] = self.group
        if self.vetoes:
            out["vetoes"] = [veto_json(v) for v in g.vetoes if v.id in self.vetoes]
        if self.conversions:
            out["conversions"] = {
                c.id: {
                    "title": c.title,
                    "points": present(c.points, places),
                    "value": present(self.conversions[c.id], places),
                    "exact": exact(self.conversions[c.id]),
                    **({"assumption": c.assumption} if c.assumption else {}),
                }
                for c in g.conversions
            }
        out["facts_hash"] = led.facts_hash
        out["nodes"] = {
            n.id: {
                "score": present(led.scores[n.index][u], places),
                "exact": exact(led.scores[n.index][u]),
                "max": present(n.points, places),
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
                **file_of(n.line),
                "score": exact(led.scores[idx][u]),
                "max": exact(n.points),
                "status": status,
            }
            if n.children and status == "scored":
                node["children"] = [g.nodes[c].id for c in n.children]
            if n.assumed:
                node["assumed"] = list(n.assumed)
            if n.assumption:
                node["assumption"] = n.assumption
            node["entries"] = [e.to_dict(entry_rule_id(g, idx, e)) for e in led.ledger(idx, u)]
            if g.decided:
                _mark_readings(node["entries"], g.decided)
            yield node
            if status == "scored":
                for child in reversed(n.children):
                    stack.append((child, depth + 1))

    def compact_dict(self, writer: CompactWriter) -> dict[str, Any]:
        """The unit's JSON form in the compact layout (:mod:`.compact`); ``writer``
        names the rules (one writer for all the units of a file)."""
        led = self._ledger
        g = led.graph
        u = self._u
        text = writer.text
        out: dict[str, Any] = {
            "id": self.id,
            "tags": list(self.tags),
            "total": present(self.total, g.rounding),
            "total_exact": text[self.total],
            "max": present(g.root.points, g.rounding),
            "grade": self.grade,
            "rank": self.rank,
        }
        if g.groups:
            out["group"] = self.group
        if self.vetoes:
            out["vetoes"] = [v.id for v in g.vetoes if v.id in self.vetoes]
        if self.conversions:
            out["conversions"] = {c.id: text[self.conversions[c.id]] for c in g.conversions}
        out["scores"] = [text[column[u]] for column in led.scores]
        status = {
            n.id: column[u]
            for n, column in zip(g.nodes, led.status, strict=True)
            if column[u] != "scored"
        }
        if status:
            out["status"] = status
        if led.entries is not None:
            out["audit"] = self._compact_audit(writer)
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out

    def _compact_audit(self, writer: CompactWriter) -> dict[str, Any]:
        led = self._ledger
        assert led.entries is not None
        u = self._u
        facts = led.facts[u]
        entry = writer.entry
        audit: dict[str, Any] = {}
        for n, column, status, item, assumed in writer.columns(led):
            cell = column[u]
            entries = [entry(n.index, raw, assumed) for raw in cell] if cell else []
            if item and status[u] == "scored":
                given = facts.get(n.id)
                accepted = None if given is None else writer.accepted(n, given, _accepted)
                if accepted is not None:
                    entries.insert(0, accepted)
            if entries:
                audit[n.id] = entries
        return audit

    def explain(self) -> str:
        """The audit as readable text (from this run's ledger; nothing is re-scored)."""
        return render_text(self.to_dict(), self._ledger.graph.metadata())


def _mark_readings(entries: list[dict[str, Any]], decided: Mapping[int, str]) -> None:
    """Name, on each entry a clause of a ``when reading`` block wrote, the reading and
    alternative that put the clause in force (``floor_scope=per_item``)."""
    for entry in entries:
        choice = decided.get(entry.get("line", 0))
        if choice is not None:
            entry["reading"] = choice


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
        expect_argument(unit_id, str, "unit_id", "a unit id (str)")
        for u in self.units:
            if u.id == unit_id:
                return u
        msg = _("no unit {unit_id!r} in these results").format(unit_id=unit_id)
        hint = did_you_mean(unit_id, (u.id for u in self.units))
        raise FactsError(Diagnostic("DR302", msg, unit=unit_id, hint=hint))

    def __iter__(self) -> Iterator[UnitResult]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def ranking(self) -> list[UnitResult]:
        """Units by rank (ties in input order); with groups, group by group in the
        order the ruleset names them."""
        order = {name: i for i, name in enumerate(self.graph.group_names)}
        return sorted(self.units, key=lambda u: (order.get(u.group or "", 0), u.rank))

    def rows(self, per: Per = "unit") -> list[dict[str, Any]]:
        """The results as plain rows: one per unit (``per="unit"``: rank, total, grade,
        components) or one per unit and node (``per="node"``: max, score, lost, status).
        See :mod:`disclosure_rules.evaluation.tables`."""
        return tables.rows(self, per)

    def to_frame(self, per: Per = "unit", library: str = "pandas") -> Any:
        """:meth:`rows` as a pandas (or ``library="polars"``) data frame; neither library is
        a dependency, and a missing one raises ``ModuleNotFoundError`` saying so."""
        return tables.frame(self, per, library)

    def header(self) -> dict[str, Any]:
        """The results document's fields before its units: schema, engine, ruleset,
        facts, parameters and assumptions, grades. Whatever describes the whole run (and
        a hash over it) belongs here, written once ahead of the units."""
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
                    **({"reading": g.decided[p.span.line]} if p.span.line in g.decided else {}),
                }
                for p in g.params
            ],
            "assumptions": [
                *(
                    f"parameter {p.name} = {exact(p.value)} is assumed: {p.description}"
                    for p in g.assumed_params
                ),
                *(str(a) for a in g.assumed_structure),
            ],
            **({"readings": [reading_dict(r) for r in g.readings]} if g.readings else {}),
            "grades": [band.name for band in g.grades],
        }

    def trailer(self) -> dict[str, Any]:
        """The results document's fields after its units: the run's warnings."""
        return {"warnings": [w.to_dict() for w in self.warnings]}

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.header(),
            "units": [u.to_dict() for u in self.units],
            **self.trailer(),
        }

    def json_chunks(
        self, audit: str = "full", *, progress: Callable[[int], None] | None = None
    ) -> Iterator[bytes]:
        """The JSON document (:meth:`to_json`) as UTF-8 chunks, one unit at a time, so
        that a large cohort's results are written without being held whole.

        ``audit="full"``: each unit self-contained (schema 2, :meth:`to_dict`);
        ``"compact"``: the ruleset's nodes and rules once, the units referring to them
        (schema 4, :mod:`~disclosure_rules.evaluation.compact`). ``progress`` is called
        with 1 as each unit is rendered.
        """
        units = self.units if progress is None else _counted(self.units, progress)
        if audit == "full":
            return document_chunks(self.header(), units, UnitResult.to_dict, self.trailer)
        if audit != "compact":
            raise ValueError(f"audit: 'full' or 'compact', not {audit!r}")
        writer = CompactWriter(self.graph)
        factors = self.units[0]._ledger.factors if self.units else {}
        header = {
            **self.header(),
            "schema": COMPACT_SCHEMA,
            **static_header(self.graph, factors),
        }
        return document_chunks(
            header,
            units,
            lambda unit: unit.compact_dict(writer),
            lambda: {**self.trailer(), "rules": writer.rules.table},
            unit_lines=True,
        )

    def to_json(self, indent: int | None = 2, *, audit: str = "full") -> str:
        """The results as a JSON document (``score --format json``); ``audit`` as in
        :meth:`json_chunks`."""
        if indent != 2 and audit == "full":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent) + "\n"
        return b"".join(self.json_chunks(audit)).decode("utf-8")

    def explain(self, unit_id: str) -> str:
        return self.unit(unit_id).explain()

    def reconcile(self) -> list[str]:
        """Every reconciliation problem across the cohort (empty when all audits add up)."""
        problems: list[str] = []
        for u in self.units:
            problems.extend(reconcile(u.to_dict()))
        return problems
