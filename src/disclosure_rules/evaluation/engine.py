"""Evaluation: an :class:`~disclosure_rules.model.graph.EvaluationGraph` and a
:class:`~disclosure_rules.facts.Cohort` → :class:`Results` with audits.

The engine follows the graph's plan: a per-unit pass scores every leaf from
its facts; a cohort barrier gives N/A cells their averages; per-unit passes
aggregate each node from its children (own-rate, redistribute and rescale
N/A policies, resolved mismatches, floors, caps, bonuses); vetoes; then a
last cohort barrier ranks and grades the totals (:mod:`.cohort`). N/A cells
are settled by their policy's class (:mod:`.na`); rules score themselves
(:mod:`disclosure_rules.model.rules`).

Scoring always runs the same code. The audit is what the run's tracer keeps
(:mod:`.tracer`): a :class:`~.tracer.Recorder` with detail on, a
:class:`~.tracer.NullTracer` with detail off; nothing else differs.

Arithmetic is exact ``Decimal``. The only inexact operation is division
(averages, rescaling), whose quotient is rounded once to
:data:`DIVISION_PLACES` places and then used exactly; presentation rounds to
the ruleset's places (default 2, half up). Ranks and grades are decided on
the presented (rounded) total, so two units shown with the same score share
a rank and a grade.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, localcontext

from ..decimals import ARITHMETIC, DIVISION_PLACES, ONE, ZERO
from ..errors import Diagnostic, EvaluationError, FactsError, Severity
from ..facts import Cohort, NodeFacts, Unit
from ..i18n import _
from ..model.graph import EvaluationGraph, GraphNode
from ..model.rules import FactDefault, LateCalendar, Scope, Tracer
from ..workdays import Calendar, default_calendar
from . import cohort
from .audit import Entry
from .kernels import Kernel, aggregate, clamp, kernel_for
from .na import policy_of
from .results import ENGINE_VERSION, Ledger, NodeResult, Results, UnitResult
from .tracer import NullTracer, Recorder

__all__ = ["DIVISION_PLACES", "ENGINE_VERSION", "NodeResult", "Results", "UnitResult", "evaluate"]

_PROGRESS_EVERY = 100  # units scored between two reports of progress

_NO_FACTS = NodeFacts({})
"""What a node the unit gave nothing for is scored from, when absent facts have defaults."""


def evaluate(
    graph: EvaluationGraph,
    cohort: Cohort,
    *,
    detail: bool = True,
    strict: bool = False,
    calendar: Calendar | None = None,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """Score every unit of ``cohort``; see the module docstring for the semantics.

    Deadlines in working days use ``calendar`` (default: the official calendar) with
    the ruleset's own ``calendar`` blocks added. ``progress`` is called with the
    number of units scored since its last call, as the per-unit pass scores them
    (the cohort's averages, ranks and totals that follow take little time).
    """
    with localcontext(ARITHMETIC):
        run = Run(graph, cohort, detail, strict, calendar)
        run.progress = progress
        return run.run()


class Run:
    """One run's state: the columns (one list per node, indexed by unit) and the
    bookkeeping the N/A policies and the aggregation share."""

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
        self.scores: list[list[Decimal]] = [[ZERO] * n for _node in range(count)]
        self.status: list[list[str]] = [["scored"] * n for _node in range(count)]
        self.tracer: Recorder | NullTracer = Recorder(count, n) if detail else NullTracer()
        self.warnings: list[Diagnostic] = []
        self.absent_errors: list[Diagnostic] = []  # facts that ``absent error`` requires
        self.unit_warnings: list[list[str]] = [[] for _unit in range(n)]
        self.pending_own_rate: dict[int, set[int]] = {}
        self.na_units: dict[int, list[int]] = {}  # node → units not applicable, in order
        self.gated = [self._gates(node) for node in graph.nodes]
        self.component_of = [self._component_of(i) for i in range(count)]
        self.leaves_of: dict[int, list[int]] = {}
        self.rescaled_in: dict[int, list[int]] = {}
        for node in graph.nodes:
            scope = self.component_of[node.index]
            if node.kind == "item":
                self.leaves_of.setdefault(scope, []).append(node.index)
            if node.na is not None and node.na.policy == "rescale" and node.kind != "bonus":
                self.rescaled_in.setdefault(scope, []).append(node.index)
        self.factors = {c: self._factor(node, c) for node in graph.nodes for c in node.children}
        self.progress: Callable[[int], None] | None = None  # told of units as leaves are scored

    def _gates(self, node: GraphNode) -> tuple[int, ...]:
        """Ancestors that carry an applies_to, for the "skipped" status."""
        chain = []
        p = node.parent
        while p is not None:
            if self.g.nodes[p].applies_to is not None:
                chain.append(p)
            p = self.g.nodes[p].parent
        return tuple(chain)

    def _component_of(self, idx: int) -> int:
        p = self.g.nodes[idx].parent
        while p is not None:
            if self.g.nodes[p].kind in ("component", "ruleset"):
                return p
            p = self.g.nodes[p].parent
        return 0

    def _factor(self, node: GraphNode, c: int) -> tuple[Decimal, Decimal | None]:
        """A child's contribution to its parent is score × factor / divisor: for a
        weighted component, weight × the ruleset's scale / the component's maximum."""
        child = self.g.nodes[c]
        if node.kind == "ruleset" and child.kind == "component" and child.weight:
            return (child.weight * node.points, child.points)
        return (ONE, None)

    # -------------------------------------------------------------- helpers

    def scope(self, u: int) -> Scope:
        """A scope over unit ``u``'s facts, to be pointed at one node after another."""
        facts = self.facts[u]
        return Scope(0, "", ZERO, {}, facts, u, self.calendar, self.tracer)

    def calendar_error(self, late: LateCalendar, u: int, node_id: str) -> EvaluationError:
        """A date outside every calendar, reported as the unit's error."""
        first = late.cause.diagnostics[0]
        unit, fact = self.units[u].id, f"{node_id}.{late.field}"
        return EvaluationError(
            Diagnostic(
                first.code,
                first.message,
                file=self.cohort.source,
                unit=unit,
                fact=fact,
                hint=first.hint,
            )
        )

    def warn(self, code: str, u: int, node: str | None, msg: str) -> None:
        unit = self.units[u].id
        file = self.cohort.source
        if self.strict:
            hint = _("strict mode turns this into an error")
            raise EvaluationError(Diagnostic(code, msg, file=file, unit=unit, fact=node, hint=hint))
        self.warnings.append(
            Diagnostic(code, msg, Severity.WARNING, file=file, unit=unit, fact=node)
        )
        self.unit_warnings[u].append(
            _("{code} {node}: {message}").format(code=code, node=node, message=msg)
            if node
            else _("{code} {message}").format(code=code, message=msg)
        )

    def group(self, u: int, over: tuple[str, ...]) -> str | None:
        """The unit's group for ``group_average over``: its first tag among ``over``."""
        tags = self.units[u].tags
        return next((t for t in over if t in tags), None)

    def bounded(self, node: GraphNode, u: int, score: Decimal, tracer: Tracer) -> Decimal:
        """``score`` clamped to the node's cap and floor, each clamp an entry of its own."""
        cap, floor = node.cap.value, node.floor.value
        if cap is not None and score > cap:
            tracer.record(node.index, u, *clamp("cap", cap, score, node.cap.line, node.cap.cite))
            score = cap
        if floor is not None and score < floor:
            bound = node.floor
            tracer.record(node.index, u, *clamp("floor", floor, score, bound.line, bound.cite))
            score = floor
        return score

    def settle_na(self, node: GraphNode, u: int, entry: Entry) -> None:
        """An N/A cell's value from its policy, kept within the node's floor and cap (an
        average of siblings that went below zero does not take this cell with it)."""
        self.tracer.add(node.index, u, entry)
        self.scores[node.index][u] = self.bounded(node, u, entry.delta, self.tracer)

    def missing(self, node: GraphNode, u: int, field: str | None) -> None:
        self.status[node.index][u] = "missing"
        self.scores[node.index][u] = ZERO
        what = f"{node.id}.{field}" if field else node.id
        note = _("no fact supplied for {what}: scored 0").format(what=what)
        self.tracer.restart(node.index, u, Entry("missing", ZERO, note=note))
        self.warn("DR403", u, node.id, _("no fact supplied for {what}; scored 0").format(what=what))

    def unsupplied(self, node: GraphNode, u: int, field: str, default: FactDefault | None) -> None:
        """A fact the node needs was not supplied and no value stands in for it: the
        node is not applicable (``absent na``), an error (``absent error``) or, with no
        declaration, missing (0 and DR403)."""
        if default is None or default.mode == "zero":
            self.missing(node, u, field)
        elif default.mode == "na":
            name = default.name(node.id)
            note = _("{name} not supplied: not applicable (absent na)").format(name=name)
            inputs = {"fact": name}
            entry = Entry("default", ZERO, default.rule, default.line, default.cite, inputs, note)
            self.tracer.restart(node.index, u, entry)
            self.mark_na(
                node, u, _("{name} not supplied, and absent means not applicable").format(name=name)
            )
        else:
            self.status[node.index][u] = "missing"
            self.tracer.restart(node.index, u, Entry("missing", ZERO, note=_("absent error")))
            self.absent_error(u, node.id, default)

    def absent_error(self, u: int, reader: str, default: FactDefault) -> None:
        """DR320, kept until the end of the run: every such fact is reported at once."""
        what = f"{default.node}.{default.field}"
        where = (
            _("the ruleset's policy") if default.declared_on == self.g.id else default.declared_on
        )
        msg = _(
            "no fact supplied for {what}, which {reader!r} reads; absent "
            "error (line {line}, on {where}) makes it required"
        ).format(what=what, reader=reader, line=default.line, where=where)
        hint = _("supply {field} for {node} in the facts").format(
            field=default.field, node=default.node
        )
        unit = self.units[u].id
        file = self.cohort.source
        self.absent_errors.append(
            Diagnostic("DR320", msg, file=file, unit=unit, fact=what, hint=hint)
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
        """The cell is N/A: its policy settles it (a bonus that does not apply adds 0)."""
        self.status[node.index][u] = "na"
        if node.kind == "bonus":
            na = node.na
            assert na is not None
            note = _("{reason}; a bonus that does not apply adds 0").format(reason=reason)
            self.tracer.add(
                node.index, u, Entry("na", ZERO, na.policy, na.line, na.cite, note=note)
            )
            return
        policy_of(node).mark(self, node, u, reason)

    def gated_out(self, node: GraphNode, u: int) -> bool:
        """Apply the node's applicability gate for unit ``u``; True when it is not assessed."""
        gate = self.gate(node, u)
        if gate == "skipped":
            self.status[node.index][u] = "skipped"
        elif gate == "na":
            tags = ", ".join(sorted(node.applies_to or ()))
            self.mark_na(node, u, _("applies only to {tags}").format(tags=tags))
        return gate is not None

    # -------------------------------------------------------------- run

    def run(self) -> Results:
        g = self.g
        for stage in g.plan:
            if stage.kind == "per_unit":
                self.leaves([i for i in stage.nodes if g.nodes[i].is_leaf])
                for idx in stage.nodes:
                    if not g.nodes[idx].is_leaf:
                        aggregate(self, g.nodes[idx])
            else:
                for idx in stage.nodes:
                    policy_of(g.nodes[idx]).settle_cohort(self, g.nodes[idx])
        totals = self.scores[0]
        fired = cohort.vetoes(self, totals)
        if self.absent_errors:
            raise FactsError(self.absent_errors)
        ledger = Ledger(
            g,
            self.scores,
            self.status,
            self.tracer.columns,
            self.factors,
            self.cohort.hash,
            self.facts,
        )
        c = self.cohort
        units = self.finish(totals, fired, ledger)
        return Results(
            g, units, self.warnings, c.hash, c.source, c.description, c.synthetic, self.detail
        )

    def leaves(self, indices: Sequence[int]) -> None:
        """Score every leaf from its facts, unit by unit.

        Leaves depend on nothing but the unit's own facts, so the order is free; going
        unit by unit reads each unit's facts while they are in the processor's cache,
        which node by node over a large cohort does not.
        """
        plans: list[tuple[GraphNode, list[Decimal], bool, bool, Kernel]] = [
            (
                node,
                self.scores[i],
                bool(self.gated[i]) or node.applies_to is not None,
                bool(node.defaults),
                kernel_for(self, node),
            )
            for i in indices
            for node in (self.g.nodes[i],)
        ]
        progress, self.progress = self.progress, None  # the first pass over the units tells
        for u, facts_of in enumerate(self.facts):
            if progress is not None and u % _PROGRESS_EVERY == 0 and u:
                progress(_PROGRESS_EVERY)
            scope = self.scope(u)
            for node, scores, gated, defaulted, kernel in plans:
                if gated and self.gated_out(node, u):
                    self.unused(node, u, facts_of.get(node.id))
                    continue
                facts = facts_of.get(node.id)
                if facts is None and defaulted:  # each absent fact means what is declared
                    facts = _NO_FACTS
                if facts is None:
                    self.missing(node, u, None)
                elif facts.not_applicable:
                    self.declared_na(node, u, facts)
                else:
                    try:
                        scores[u] = kernel(scope, facts)
                    except LateCalendar as late:
                        raise self.calendar_error(late, u, node.id) from None
        if progress is not None and self.n:
            progress(self.n - (self.n - 1) // _PROGRESS_EVERY * _PROGRESS_EVERY)

    def unused(self, node: GraphNode, u: int, given: NodeFacts | None) -> None:
        if given is not None and not given.not_applicable:
            msg = _(
                "facts were given for an item that does not apply to this unit; they are not used"
            )
            self.warn("DR405", u, node.id, msg)

    def declared_na(
        self,
        node: GraphNode,
        u: int,
        facts: NodeFacts,
        reason: str = _("the unit declared it not applicable"),
    ) -> None:
        """The unit's own N/A (declared, or an empty list that means it). Where the
        ruleset requires a statement and none was made, it is not credited: 0."""
        required = node.na_statement
        if required is not None and not facts.has_statement:
            self.status[node.index][u] = "not_credited"
            self.scores[node.index][u] = ZERO
            note = _("not credited: {reason}, with no statement of why").format(reason=reason)
            entry = Entry("evidence", ZERO, "statement_required", required.line, required.cite)
            self.tracer.add(node.index, u, entry._replace(note=note))
            return
        self.mark_na(
            node,
            u,
            _("{reason}: {note}").format(reason=reason, note=facts.note) if facts.note else reason,
        )
        if facts.statement:
            statement = Entry(
                "evidence", ZERO, note=_("statement: {statement}").format(statement=facts.statement)
            )
            self.tracer.add(node.index, u, statement)
        if facts.evidence and facts.not_applicable:
            inputs = {"accepted": facts.evidence}
            entry = Entry("evidence", ZERO, note=_("statement supplied"), inputs=inputs)
            self.tracer.add(node.index, u, entry)

    def finish(
        self, totals: list[Decimal], fired: list[list[str]], ledger: Ledger
    ) -> list[UnitResult]:
        maximum = self.g.root.points
        groups = cohort.groups_of(
            self.g,
            [unit.tags for unit in self.units],
            [unit.id for unit in self.units],
            self.cohort.source,
        )
        standings = cohort.standings(self.g, totals, fired, groups)
        for u, standing in enumerate(standings):
            if standing.moved is not None:  # a quota or a veto moved the grade: say so
                self.tracer.add(0, u, standing.moved)
        return [
            UnitResult(
                unit.id,
                tuple(sorted(unit.tags)),
                totals[u],
                maximum,
                standing.grade,
                standing.rank,
                tuple(fired[u]),
                standing.conversions,
                tuple(self.unit_warnings[u]),
                ledger,
                u,
                standing.group,
            )
            for u, (unit, standing) in enumerate(zip(self.units, standings, strict=True))
        ]
