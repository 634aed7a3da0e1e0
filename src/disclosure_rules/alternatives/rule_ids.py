"""How a rule is known across two versions of a ruleset, so their audits can be matched.

A rule is known by its id (:func:`~disclosure_rules.model.ids.entry_rule_id`), which
does not depend on line numbers or layout, so a rule keeps it when lines above it
change. Two adjustments make ids comparable across two schemes: the root is called
``ruleset`` (its id is the ruleset's, which differs between two schemes), and a
child's contribution to its parent is ``PARENT.child.CHILD``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..evaluation.audit import Entry
from ..model.graph import EvaluationGraph
from ..model.ids import entry_rule_id

__all__ = ["rule_namer"]


def rule_namer(graph: EvaluationGraph) -> Callable[[int, Entry], str]:
    """The function naming the rule behind an audit entry of node ``index`` of ``graph``
    (an entry that names no rule, such as a missing fact, is known by its kind; a
    child's contribution by the child)."""

    def name(index: int, entry: Entry) -> str:
        node = graph.nodes[index].id
        if entry.kind == "child":
            found = f"{node}.child.{entry.child}"
        else:
            found = entry_rule_id(graph, index, entry) or f"{node}.{entry.kind}"
        return "ruleset" + found[len(node) :] if index == 0 else found

    return name
