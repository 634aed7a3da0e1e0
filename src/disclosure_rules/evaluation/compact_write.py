"""Writing the compact audit layout (results schema 4, :mod:`.compact` describes it).

The last step of a run that writes JSON: :mod:`.results` asks a :class:`CompactWriter`
for each unit's entries and for the header's tables. A cohort of ten thousand units
repeats a handful of values, entries and evidence signatures in every unit, so what
can be shared is built once and reused: exact texts, entries without inputs, and the
entry of each (kind, day) signature of accepted evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..decimals import ONE
from ..decimals import text as exact
from ..errors import line_file
from ..facts import Evidence, NodeFacts
from ..model.graph import EvaluationGraph, GraphNode, VetoRule
from ..model.ids import rule_id
from .audit import file_of, plain
from .compact import EVIDENCE_REFS

__all__ = ["CompactWriter", "ExactTexts", "RuleIds", "short_evidence", "static_header", "veto_json"]

Judged = Callable[[GraphNode, NodeFacts], "tuple[Evidence, ...] | None"]
"""The evidence of an item the ledger shows as accepted whole, or None."""


class ExactTexts(dict[Decimal, str]):
    """Exact decimal text (:func:`~disclosure_rules.decimals.text`) by value, remembered:
    a cohort's scores repeat the same few values in every unit. ``texts[value]`` is a
    dict look-up (the hot path of writing a unit's scores); a value not met yet is
    rendered once. Equal values have one text, as ``text`` normalises."""

    __slots__ = ()

    LIMIT = 100_000  # values remembered at most (totals with many places rarely repeat)

    def __missing__(self, value: Decimal) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[value] = exact(value)
        return found


class RuleIds:
    """The ids of the rules a run's entries name, and the table of those met so far."""

    def __init__(self, graph: EvaluationGraph) -> None:
        self.graph = graph
        self.table: dict[str, dict[str, Any]] = {}
        self._known: dict[tuple[Any, ...], str] = {}

    def ref(
        self,
        index: int,
        kind: str,
        rule: str | None,
        line: int | None,
        cite: str | None,
        assumption: str | None = None,
    ) -> str | None:
        """The id of the rule an entry of node ``index`` names, without the node's id
        and its dot (an entry is written under its node); None when it names none."""
        if rule is None and line is None and cite is None and assumption is None:
            return None
        key = (index, kind, rule, line, line_file(line), cite, assumption)
        found = self._known.get(key)
        if found is not None:
            return found
        node_id = self.graph.nodes[index].id
        ruled = rule_id(self.graph, index, kind, rule, line)
        name = ruled or f"{node_id}.{kind}"  # an entry with a cite but no rule
        # the reading whose alternative put the clause on this line in force
        reading = self.graph.decided.get(line) if line is not None else None
        fields = (
            ("id", ruled),
            ("rule", rule),
            ("line", line),
            ("file", line_file(line)),  # a line of the base an overlay extends
            ("cite", cite),
            ("assumption", assumption),
            ("reading", reading),
        )
        described = {k: v for k, v in fields if v is not None}
        base, n = name, 1
        while name in self.table and self.table[name] != described:
            n += 1  # one id for two lines (two grade quotas): told apart in the table
            name = f"{base}~{n}"
        self.table[name] = described
        local = name[len(node_id) + 1 :]
        self._known[key] = local
        return local


class CompactWriter:
    """Turns ledger entries into the compact layout's ``[kind, delta, rule, fields]``.

    An entry without inputs (a base, a deduction, a clamp, N/A …) is the same for many
    units: it is built once per node and reused. So is the entry of accepted evidence,
    once per signature: it writes each piece's kind and day, not its reference, and a
    cohort's items are evidenced by a handful of (kind, day) combinations."""

    LIMIT = 100_000  # entries remembered at most

    def __init__(self, graph: EvaluationGraph) -> None:
        self.rules = RuleIds(graph)
        self.text = ExactTexts()
        self._memo: dict[tuple[int, tuple[Any, ...]], list[Any]] = {}
        self._accepted: dict[tuple[Any, ...], list[Any] | None] = {}
        self._columns: list[tuple[Any, Any, Any, bool, Any]] | None = None

    def columns(self, ledger: Any) -> list[tuple[Any, Any, Any, bool, Any]]:
        """Per node of ``ledger``: the node, its entries' and statuses' columns, whether it
        is an item, and its assumed steps (looked up once for all the units)."""
        if self._columns is None:
            self._columns = [
                (n, entries, status, n.scoring == "item", ledger.assumed_steps(n))
                for n, entries, status in zip(
                    ledger.graph.nodes, ledger.entries, ledger.status, strict=True
                )
            ]
        return self._columns

    def entry(
        self, index: int, raw: tuple[Any, ...], assumed: Mapping[tuple[int, str], str]
    ) -> list[Any]:
        """One ledger entry of node ``index`` (an :class:`Entry`'s fields as a tuple);
        ``assumed``: the node's assumed steps, by (line, rule), as the ledger marks them."""
        if raw[5] is not None:  # inputs: this unit's own
            return self._build(index, raw, assumed)
        key = (index, raw)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= self.LIMIT:
                self._memo.clear()
            found = self._memo[key] = self._build(index, raw, assumed)
        return found

    def accepted(self, node: GraphNode, facts: NodeFacts, judged: Judged) -> list[Any] | None:
        """The entry of item ``node``'s evidence, when the ledger derives one (``judged``
        gives the evidence then: all of it accepted): ``{"accepted": [[kind, day], …]}``
        in place of the full layout's ``{"inputs": {"accepted": [piece, …]}}`` (the
        references stay in the facts file, whose hash the header records).

        Whether the evidence is all accepted follows from the node and each piece's kind
        and day (the facts' shape), so the entry (or None) is remembered by them."""
        key = (node.index, facts.kinds, facts.evidence_shape)
        try:
            return self._accepted[key]
        except KeyError:  # a signature not met yet
            pass
        if len(self._accepted) >= self.LIMIT:
            self._accepted.clear()
        evidence = judged(node, facts)
        found = None
        if evidence is not None:
            found = ["evidence", "0", None, {"accepted": [short_evidence(e) for e in evidence]}]
        self._accepted[key] = found
        return found

    def _build(
        self, index: int, raw: tuple[Any, ...], assumed: Mapping[tuple[int, str], str]
    ) -> list[Any]:
        kind, delta, rule, line, cite, inputs, note, child, factor, divisor, assumption = raw
        if assumption is None and line is not None and rule is not None:
            assumption = assumed.get((line, rule))
        text = self.text
        entry: list[Any] = [kind, text[delta]]
        ref = self.rules.ref(index, kind, rule, line, cite, assumption)
        extra: dict[str, Any] = {}
        if inputs:
            extra["inputs"] = {k: plain(v) for k, v in inputs.items()}
        if note is not None:
            extra["note"] = note
        if child is not None:
            extra["child"] = child
        if factor is not None:
            extra["factor"] = text[factor]
        if divisor is not None:
            extra["divisor"] = text[divisor]
        if ref is not None or extra:
            entry.append(ref)
        if extra:
            entry.append(extra)
        return entry


def short_evidence(piece: Evidence) -> list[str | None]:
    """A piece of accepted evidence as the compact layout writes it: ``[kind, day]``,
    each as the full layout writes it (:meth:`~disclosure_rules.facts.Evidence.to_dict`),
    null where it has none."""
    full = piece.to_dict()
    if isinstance(full, str):
        return [None, None]
    return [full.get("kind"), full.get("submitted")]


def veto_json(veto: VetoRule) -> dict[str, Any]:
    """A veto as results files write it (both layouts)."""
    score = None if veto.score is None else exact(veto.score)
    return {
        "id": veto.id,
        "title": veto.title,
        "line": veto.line,
        "grade": veto.grade,
        "score": score,
        "cite": veto.cite,
    }


def static_header(
    graph: EvaluationGraph, factors: Mapping[int, tuple[Decimal, Any]]
) -> dict[str, Any]:
    """What the compact layout writes once: where the evidence references are, the nodes,
    vetoes and conversions."""
    nodes = []
    for n in graph.nodes:
        node: dict[str, Any] = {
            "id": n.id,
            "title": n.title,
            "kind": n.kind,
            "line": n.line,
            **file_of(n.line),
            "max": exact(n.points),
        }
        if not n.is_leaf:
            node["children"] = [graph.nodes[c].id for c in n.children]
        if n.assumed:
            node["assumed"] = list(n.assumed)
        if n.assumption:
            node["assumption"] = n.assumption
        factor, divisor = factors.get(n.index, (ONE, None))
        if factor != ONE or divisor is not None:
            node["factor"] = exact(factor)
        if divisor is not None:
            node["divisor"] = exact(divisor)
        nodes.append(node)
    return {
        "evidence_refs": EVIDENCE_REFS,
        "nodes": nodes,
        "vetoes": [veto_json(v) for v in graph.vetoes],
        "conversions": [
            {
                "id": c.id,
                "title": c.title,
                "points": exact(c.points),
                **({"assumption": c.assumption} if c.assumption else {}),
            }
            for c in graph.conversions
        ],
    }
