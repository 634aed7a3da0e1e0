"""How a rule is known across two versions of a ruleset, so their audits can be matched.

Until rules carry an id of their own, a rule is named as the compact audit layout
names it (:class:`~disclosure_rules.evaluation.compact.RuleIds`): ``NODE.KIND``, then
``.RULE`` when the rule has a name other than its kind, then ``.N`` for the N-th of
several clauses of one name on the node. The name does not depend on line numbers,
so a rule keeps it when lines above it change. The root is called ``ruleset`` (its id
is the ruleset's, which differs between two schemes), and a child's contribution to
its parent ``PARENT.child.CHILD``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..evaluation.audit import Entry
from ..evaluation.compact import RuleIds
from ..model.graph import EvaluationGraph

__all__ = ["rule_namer"]


def rule_namer(graph: EvaluationGraph) -> Callable[[int, Entry], str]:
    """The function naming the rule behind an audit entry of node ``index`` of ``graph``
    (an entry that names no rule, such as a missing fact, is known by its kind; a
    child's contribution by the child)."""
    ids = RuleIds(graph)

    def name(index: int, entry: Entry) -> str:
        node = graph.nodes[index].id if index else "ruleset"  # the root: whatever its id
        if entry.kind == "child":
            return f"{node}.child.{entry.child}"
        local = ids.ref(index, entry.kind, entry.rule, entry.line, entry.cite)
        return f"{node}.{local or entry.kind}"

    return name
