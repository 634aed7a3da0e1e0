"""The id of the rule an audit entry came from.

Every compiled rule carries its id (``rule.id``, given once by the compiler; the
derivation is :mod:`disclosure_rules.language.ids`). The audit names the rule of
an entry by its name and line (:class:`~disclosure_rules.evaluation.audit.Entry`);
:func:`rule_id` turns that into the rule's id, so entries can be grouped by rule
across two versions of a ruleset (the ids do not depend on lines).

Entries not written by an item's rules are named after what wrote them:
``NODE.KIND.RULE`` (``work.clamp.floor``, ``decisions.na.average``,
``hearing.evidence.evidence_required``, ``appeals.default.absent_zero``; a space in
the rule's name is an underscore), ``NODE.KIND`` when the rule's name is the kind's,
and ``RULESET.veto.VETO`` for a veto.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .graph import EvaluationGraph

__all__ = ["LedgerEntry", "entry_rule_id", "rule_id"]


class LedgerEntry(Protocol):
    """What :func:`entry_rule_id` reads of an entry (an ``audit.Entry`` has it)."""

    @property
    def kind(self) -> str: ...
    @property
    def rule(self) -> str | None: ...
    @property
    def line(self) -> int | None: ...


def rule_id(
    graph: EvaluationGraph, index: int, kind: str, rule: str | None, line: int | None
) -> str | None:
    """The id of the rule that wrote an entry of ``kind`` (its ``rule`` and ``line``, as
    the entry records them) on the node at ``index``; None for an entry no rule wrote
    (a child's contribution, a note, accepted evidence)."""
    if rule is None and line is None:
        return None
    node = graph.nodes[index]
    if node.scoring == "item":
        for clause in (*node.clauses, node.base):
            if clause.line == line and clause.type == rule:
                given: str = getattr(clause, "id", "")  # a rule class made outside the compiler
                if given:
                    return given
    if kind == "veto":
        for veto in graph.vetoes:
            if veto.line == line:
                return f"{node.id}.veto.{veto.id}"
    if rule is None or rule == kind:
        return f"{node.id}.{kind}"
    return f"{node.id}.{kind}.{rule.replace(' ', '_')}"  # absent zero: default.absent_zero


def entry_rule_id(graph: EvaluationGraph, index: int, entry: LedgerEntry) -> str | None:
    """The id of the rule a ledger entry of the node at ``index`` came from (see
    :func:`rule_id`): what results group by to tell which rules account for a score."""
    return rule_id(graph, index, entry.kind, entry.rule, entry.line)
