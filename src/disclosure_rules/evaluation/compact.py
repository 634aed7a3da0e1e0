"""The compact audit layout (results schema 3) and its expansion to the full one.

The full layout (schema 2) repeats, in every unit, what the ruleset already says:
each node's title, kind, line and maximum, each rule's name, line and cite, and
each child's contribution, which follows from the scores. The compact layout
writes those once per file and lets the units refer to them:

- ``nodes`` (in the header): every node once, in the graph's order: ``id``,
  ``title``, ``kind``, ``line``, ``max`` (exact), ``children`` (for a node scored
  from its children, even none), ``assumed``, and ``factor``/``divisor`` when its
  contribution to its parent is not its score as it is;
- ``vetoes`` and ``conversions`` (in the header): their titles, lines and cites;
- ``rules`` (after the units, as the rules met while writing): each rule an entry
  names, by id: ``{"id", "rule", "line", "cite"}`` as the full layout writes them.

A rule's key is its id (:func:`disclosure_rules.model.ids.rule_id`, derived as
docs/language.md says), which does not change when the ruleset is reformatted, a
line above is edited or its rules are reordered; ``~N`` follows it in the rare case
one id stands for rules on two lines (two grade quotas).

Each unit keeps what only it says: its scores (``scores``: every node's exact
score; ``status``: the nodes not scored the ordinary way), and in ``audit`` the
entries of every node that wrote any, as ``[kind, delta]``, then the rule's id
without the node's id and its dot (or null), then an object with the entry's other
fields (``inputs``, ``note``, ``child``, ``factor``, ``divisor``) when it has any.
The children's contributions are not written: :func:`expand` derives them from the
scores and the factors, exactly as the engine does when it reads its own ledger.

:func:`expand` turns a schema 3 document into the schema 2 document the same run
would have written, so every reader of results (``explain --results``,
``verify``, :func:`~disclosure_rules.evaluation.audit.reconcile`) reads both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, localcontext
from typing import Any

from ..decimals import ARITHMETIC, ONE, divide, round_half_up
from ..decimals import text as exact
from ..errors import line_file
from ..i18n import _
from ..model.graph import EvaluationGraph
from ..model.ids import rule_id
from .audit import AUDIT_SCHEMA_VERSION, decimal_text, file_of, plain

__all__ = [
    "BONUS_NOTE",
    "COMPACT_SCHEMA",
    "CompactError",
    "CompactWriter",
    "ExactTexts",
    "RuleIds",
    "contribution",
    "expand",
    "present",
    "static_header",
]

COMPACT_SCHEMA = "3"
"""The results schema of the compact audit layout (the full layout is schema 2,
:data:`~disclosure_rules.evaluation.audit.AUDIT_SCHEMA_VERSION`). Like the full layout,
every number it presents is a decimal string."""

BONUS_NOTE = _("bonus points, added after the cap")


class CompactError(ValueError):
    """A compact results document that cannot be expanded; the message says where."""


def contribution(score: Decimal, factor: Decimal, divisor: Decimal | None) -> Decimal:
    """A child's contribution to its parent: score × factor, divided last."""
    if divisor is None:
        return score if factor == ONE else score * factor
    return divide(score * factor, divisor)


def present(value: Decimal, places: int) -> str:
    """A number as the results present it beside its exact text: rounded as the ruleset
    rounds (``places``), as exact decimal text. Every number in the JSON outputs is such a
    string (docs/schemas.md): never a binary float."""
    return exact(round_half_up(value, places))


# ---------------------------------------------------------------- writing


class ExactTexts:
    """Exact decimal text (:func:`~disclosure_rules.decimals.text`), remembered: a
    cohort's scores repeat the same few values in every unit."""

    __slots__ = ("cache",)

    LIMIT = 100_000  # values remembered at most (totals with many places rarely repeat)

    def __init__(self) -> None:
        self.cache: dict[Decimal, str] = {}

    def __call__(self, value: Decimal) -> str:
        found = self.cache.get(value)
        if found is None:
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            found = self.cache[value] = exact(value)
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
    units: it is built once per node and reused."""

    LIMIT = 100_000  # entries remembered at most

    def __init__(self, graph: EvaluationGraph) -> None:
        self.rules = RuleIds(graph)
        self.text = ExactTexts()
        self._memo: dict[tuple[int, tuple[Any, ...]], list[Any]] = {}
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

    def accepted(self, evidence: tuple[Any, ...]) -> list[Any]:
        """The entry of a credited item's evidence, all accepted."""
        refs = [_short_evidence(e.to_dict()) for e in evidence]
        return ["evidence", "0", None, {"inputs": {"accepted": refs}}]

    def _build(
        self, index: int, raw: tuple[Any, ...], assumed: Mapping[tuple[int, str], str]
    ) -> list[Any]:
        kind, delta, rule, line, cite, inputs, note, child, factor, divisor, assumption = raw
        if assumption is None and line is not None and rule is not None:
            assumption = assumed.get((line, rule))
        text = self.text
        entry: list[Any] = [kind, text(delta)]
        ref = self.rules.ref(index, kind, rule, line, cite, assumption)
        extra: dict[str, Any] = {}
        if inputs:
            extra["inputs"] = {k: plain(v) for k, v in inputs.items()}
        if note is not None:
            extra["note"] = note
        if child is not None:
            extra["child"] = child
        if factor is not None:
            extra["factor"] = text(factor)
        if divisor is not None:
            extra["divisor"] = text(divisor)
        if ref is not None or extra:
            entry.append(ref)
        if extra:
            entry.append(extra)
        return entry


def _short_evidence(full: dict[str, str] | str) -> list[str | None] | str:
    """A piece of evidence as the compact layout writes it: its reference alone, or
    ``[ref, kind, submitted]`` (kind null when none; no day when none is known)."""
    if isinstance(full, str):
        return full
    short: list[str | None] = [full["ref"], full.get("kind")]
    if "submitted" in full:
        short.append(full["submitted"])
    return short


def _full_evidence(short: Any) -> Any:
    """The full layout's form of a piece of evidence written by :func:`_short_evidence`."""
    if not isinstance(short, list):
        return short
    _need(
        2 <= len(short) <= 3 and all(isinstance(x, str) or x is None for x in short),
        "a piece of evidence is not [ref, kind, submitted]",
    )
    out = {"ref": short[0]}
    if short[1] is not None:
        out["kind"] = short[1]
    if len(short) == 3:
        out["submitted"] = short[2]
    return out


def static_header(
    graph: EvaluationGraph, factors: Mapping[int, tuple[Decimal, Any]]
) -> dict[str, Any]:
    """What the compact layout writes once: the nodes, vetoes and conversions."""
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
        "nodes": nodes,
        "vetoes": [
            {
                "id": v.id,
                "title": v.title,
                "line": v.line,
                "grade": v.grade,
                "score": None if v.score is None else exact(v.score),
                "cite": v.cite,
            }
            for v in graph.vetoes
        ],
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


# ---------------------------------------------------------------- expanding


def expand(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The schema 2 document of a schema 3 one: every unit's full audit restored.

    A CompactError names the first thing that cannot be expanded.
    """
    with localcontext(ARITHMETIC):
        try:
            return _Expander(doc).document()
        except (KeyError, TypeError, AttributeError, ArithmeticError) as exc:
            # a field of the wrong type where the checks above did not look
            raise CompactError(f"a field is missing or of the wrong type ({exc!r})") from None


def _need(ok: bool, where: str) -> None:
    if not ok:
        raise CompactError(where)


class _Expander:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        ruleset = doc.get("ruleset")
        _need(isinstance(ruleset, Mapping), "ruleset is not an object")
        places = ruleset.get("rounding")  # type: ignore[union-attr]
        _need(isinstance(places, int) and not isinstance(places, bool), "ruleset.rounding")
        self.places: int = places
        nodes = doc.get("nodes")
        _need(isinstance(nodes, list) and bool(nodes), "nodes is not a list of the ruleset's nodes")
        assert isinstance(nodes, list)
        for i, n in enumerate(nodes):
            _need(
                isinstance(n, Mapping) and isinstance(n.get("id"), str),
                f"nodes[{i}] is not a node with an id",
            )
            _need(_decimal(n.get("max")) is not None, f"node {n['id']}: max is not exact")
            children = n.get("children", [])
            _need(
                isinstance(children, list) and all(isinstance(c, str) for c in children),
                f"node {n['id']}: children is not a list of ids",
            )
        self.nodes: dict[str, Mapping[str, Any]] = {n["id"]: n for n in nodes}
        for n in nodes:
            for c in n.get("children", []):
                _need(c in self.nodes, f"node {n['id']}: child {c} is not a node")
        self.order: list[str] = [n["id"] for n in nodes]
        rules = doc.get("rules", {})
        _need(isinstance(rules, Mapping), "rules is not an object")
        self.rules: Mapping[str, Any] = rules
        vetoes = doc.get("vetoes", [])
        conversions = doc.get("conversions", [])
        _need(isinstance(vetoes, list), "vetoes is not a list")
        _need(isinstance(conversions, list), "conversions is not a list")
        self.vetoes = [v for v in vetoes if isinstance(v, Mapping)]
        self.conversions = [c for c in conversions if isinstance(c, Mapping)]
        facts = doc.get("facts")
        self.facts_hash = facts.get("hash") if isinstance(facts, Mapping) else None

    def document(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.doc.items():
            if key in ("nodes", "vetoes", "conversions", "rules"):
                continue
            if key == "schema":
                value = AUDIT_SCHEMA_VERSION
            elif key == "units":
                _need(isinstance(value, list), "units is not a list")
                value = [self.unit(u, i) for i, u in enumerate(value)]
            out[key] = value
        return out

    def unit(self, unit: Any, i: int) -> dict[str, Any]:
        _need(
            isinstance(unit, Mapping) and isinstance(unit.get("id"), str),
            f"units[{i}] is not a unit with an id",
        )
        where = f"unit {unit['id']!r}"
        scores = unit.get("scores")
        status = unit.get("status", {})
        _need(isinstance(scores, Mapping), f"{where}: scores is not an object")
        _need(isinstance(status, Mapping), f"{where}: status is not an object")
        exacts: dict[str, Decimal] = {}
        for name in self.order:
            value = _decimal(scores.get(name))
            _need(value is not None, f"{where}: the score of node {name} is not exact")
            exacts[name] = value  # type: ignore[assignment]
        out: dict[str, Any] = {}
        for key, value in unit.items():
            if key in ("scores", "status", "audit", "warnings"):
                continue
            if key == "vetoes":
                _need(isinstance(value, list), f"{where}: vetoes is not a list of ids")
                out[key] = [dict(v) for v in self.vetoes if v.get("id") in value]
            elif key == "conversions":
                _need(isinstance(value, Mapping), f"{where}: conversions is not an object")
                out[key] = {c["id"]: self.conversion(c, value, where) for c in self.conversions}
            else:
                out[key] = value
        out["facts_hash"] = self.facts_hash
        out["nodes"] = {
            name: {
                "score": present(exacts[name], self.places),
                "exact": scores[name],
                "max": present(Decimal(self.nodes[name]["max"]), self.places),
                "status": status.get(name, "scored"),
            }
            for name in self.order
        }
        if "audit" in unit:
            audit = unit["audit"]
            _need(isinstance(audit, Mapping), f"{where}: audit is not an object")
            out["audit"] = list(self.audit(audit, scores, exacts, status, where))
        if "warnings" in unit:
            out["warnings"] = unit["warnings"]
        return out

    def conversion(self, c: Mapping[str, Any], values: Mapping[str, Any], where: str) -> Any:
        value = _decimal(values.get(str(c.get("id"))))
        _need(value is not None, f"{where}: conversion {c.get('id')} is not exact")
        assert value is not None
        out = {
            "title": c.get("title"),
            "points": present(Decimal(c.get("points", "0")), self.places),
            "value": present(value, self.places),
            "exact": values[c["id"]],
        }
        if c.get("assumption"):
            out["assumption"] = c["assumption"]
        return out

    def audit(
        self,
        audit: Mapping[str, Any],
        scores: Mapping[str, str],
        exacts: Mapping[str, Decimal],
        status: Mapping[str, Any],
        where: str,
    ) -> Iterator[dict[str, Any]]:
        stack = [(self.order[0], 0)]
        while stack:
            name, depth = stack.pop()
            n = self.nodes[name]
            state = status.get(name, "scored")
            node: dict[str, Any] = {
                "node": name,
                "title": n.get("title"),
                "kind": n.get("kind"),
                "depth": depth,
                "line": n.get("line"),
                **({"file": n["file"]} if "file" in n else {}),
                "score": scores[name],
                "max": n["max"],
                "status": state,
            }
            children = n.get("children", [])
            if children and state == "scored":
                node["children"] = list(children)
            if n.get("assumed"):
                node["assumed"] = list(n["assumed"])
            if n.get("assumption"):
                node["assumption"] = n["assumption"]
            cell = audit.get(name, [])
            _need(isinstance(cell, list), f"{where}: node {name}: its entries are not a list")
            stored = [self.entry(e, name, f"{where}: node {name}") for e in cell]
            if "children" in n and state == "scored":
                node["entries"] = self.aggregate(children, stored, exacts, status)
            else:
                node["entries"] = stored
            yield node
            if state == "scored":
                stack.extend((c, depth + 1) for c in reversed(children))

    def aggregate(
        self,
        children: list[str],
        stored: list[dict[str, Any]],
        exacts: Mapping[str, Decimal],
        status: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        """A node scored from its children: their contributions, its own entries, its
        bonuses, its vetoes, in the order the engine's ledger gives them."""
        out: list[dict[str, Any]] = []
        bonuses: list[dict[str, Any]] = []
        for c in children:
            child = self.nodes[c]
            if child.get("kind") == "bonus":
                if status.get(c, "scored") != "skipped":
                    bonus = {
                        "kind": "bonus",
                        "delta": exact(exacts[c]),
                        "note": BONUS_NOTE,
                        "child": c,
                        "factor": "1",
                    }
                    if child.get("assumption"):
                        bonus["assumption"] = child["assumption"]
                    bonuses.append(bonus)
                continue
            factor = Decimal(child.get("factor", "1"))
            divisor = Decimal(child["divisor"]) if "divisor" in child else None
            entry = {
                "kind": "child",
                "delta": exact(contribution(exacts[c], factor, divisor)),
                "child": c,
                "factor": exact(factor),
            }
            if divisor is not None:
                entry["divisor"] = exact(divisor)
            if child.get("assumption"):
                entry["assumption"] = child["assumption"]
            out.append(entry)
        out.extend(e for e in stored if e["kind"] != "veto")
        out.extend(bonuses)
        out.extend(e for e in stored if e["kind"] == "veto")
        return out

    def entry(self, raw: Any, node: str, where: str) -> dict[str, Any]:
        _need(
            isinstance(raw, list)
            and 2 <= len(raw) <= 4
            and isinstance(raw[0], str)
            and isinstance(raw[1], str),
            f"{where}: an entry is not [kind, delta, rule, fields]",
        )
        out: dict[str, Any] = {"kind": raw[0], "delta": raw[1]}
        ref = raw[2] if len(raw) > 2 else None
        if ref is not None:
            rule = self.rules.get(f"{node}.{ref}")
            _need(isinstance(rule, Mapping), f"{where}: rule {node}.{ref} is not in the rules")
            out.update(rule)  # type: ignore[arg-type]
        if len(raw) > 3:
            _need(isinstance(raw[3], Mapping), f"{where}: an entry's fields are not an object")
            out.update(raw[3])
        accepted = (out.get("inputs") or {}).get("accepted") if out["kind"] == "evidence" else None
        if isinstance(accepted, list):
            out["inputs"] = {**out["inputs"], "accepted": [_full_evidence(e) for e in accepted]}
        for last in ("assumption", "reading"):  # an entry's last fields in the full layout
            if last in out:
                out[last] = out.pop(last)
        return out


def _decimal(value: Any) -> Decimal | None:
    return decimal_text(value)
