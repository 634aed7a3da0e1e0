"""The compact audit layout (results schema 4) and its expansion to the full one.

The full layout (schema 2) repeats, in every unit, what the ruleset already says:
each node's title, kind, line and maximum, each rule's name, line and cite, and
each child's contribution, which follows from the scores. The compact layout
writes those once per file and lets the units refer to them:

- ``nodes`` (in the header): every node once, in the graph's order: ``id``,
  ``title``, ``kind``, ``line``, ``max`` (exact), ``children`` (for a node scored
  from its children, even none), ``assumed``, and ``factor``/``divisor`` when its
  contribution to its parent is not its score as it is;
- ``vetoes`` and ``conversions`` (in the header): their titles, lines and cites;
- ``evidence_refs`` (in the header): ``"facts"``, where the references of the
  evidence accepted are (below);
- ``rules`` (after the units, as the rules met while writing): each rule an entry
  names, by id: ``{"id", "rule", "line", "cite"}`` as the full layout writes them.

A rule's key is its id (:func:`disclosure_rules.model.ids.rule_id`, derived as
docs/language.md says), which does not change when the ruleset is reformatted, a
line above is edited or its rules are reordered; ``~N`` follows it in the rare case
one id stands for rules on two lines (two grade quotas).

Each unit keeps what only it says: its scores (``scores``: every node's exact
score, in the order of ``nodes``; ``status``: the nodes not scored the ordinary
way), and in ``audit`` the entries of every node that wrote any, as ``[kind,
delta]``, then the rule's id without the node's id and its dot (or null), then an
object with the entry's other fields (``inputs``, ``note``, ``child``, ``factor``,
``divisor``) when it has any. The children's contributions are not written:
:func:`expand` derives them from the scores and the factors, exactly as the engine
does when it reads its own ledger.

The entry of a credited item's evidence, all accepted, writes ``{"accepted":
[[kind, day], …]}`` for the full layout's ``{"inputs": {"accepted": [piece, …]}}``:
each piece's kind and the day it was submitted (null where it names none), without
its reference (a URL or file name, most of the file's bytes). The references stay
in the facts file, whose SHA-256 the header records (``facts.hash``); the pieces are
in the facts' order. Evidence set aside (rejected, late) is written whole: it is
rare, and it explains a lost point.

:func:`expand` turns a compact document (schema 4, or 3 as earlier versions wrote
it) into the schema 2 document the same run would have written, so every reader of
results (``explain --results``, ``verify``,
:func:`~disclosure_rules.evaluation.audit.reconcile`) reads them all. Given the
cohort's facts it restores every reference; without them each accepted piece's
``ref`` is null: not recorded in the results, to be read from the facts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from ..decimals import ARITHMETIC, ONE, divide, round_half_up
from ..decimals import text as exact
from ..i18n import _
from .audit import AUDIT_SCHEMA_VERSION, decimal_text

if TYPE_CHECKING:
    from ..facts import Cohort, Unit

__all__ = [
    "BONUS_NOTE",
    "COMPACT_SCHEMA",
    "COMPACT_SCHEMAS",
    "EVIDENCE_REFS",
    "CompactError",
    "contribution",
    "expand",
    "present",
    "with_references",
]

COMPACT_SCHEMA = "4"
"""The results schema of the compact audit layout (the full layout is schema 2,
:data:`~disclosure_rules.evaluation.audit.AUDIT_SCHEMA_VERSION`). Like the full layout,
every number it presents is a decimal string."""

COMPACT_SCHEMAS = ("3", COMPACT_SCHEMA)
"""The compact schemas :func:`expand` reads: 3 (scores by node id, evidence with its
references) and 4."""

EVIDENCE_REFS = "facts"
"""The header's ``evidence_refs``: the accepted evidence's references are in the facts
file the header's ``facts.hash`` names, not in the results."""

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


# ---------------------------------------------------------------- expanding


def expand(doc: Mapping[str, Any], facts: Cohort | None = None) -> dict[str, Any]:
    """The schema 2 document of a compact one (schema 4 or 3): every unit's full audit
    restored. With ``facts``, the cohort the results were scored from, every accepted
    piece of evidence has its reference back (:func:`with_references`); without them,
    a schema 4 document's pieces have a null ``ref``.

    A CompactError names the first thing that cannot be expanded.
    """
    with localcontext(ARITHMETIC):
        try:
            full = _Expander(doc).document()
        except (KeyError, TypeError, AttributeError, ArithmeticError) as exc:
            # a field of the wrong type where the checks above did not look
            raise CompactError(f"a field is missing or of the wrong type ({exc!r})") from None
    return full if facts is None else with_references(full, facts)


def _need(ok: bool, where: str) -> None:
    if not ok:
        raise CompactError(where)


class _Expander:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.schema = doc.get("schema")
        _need(self.schema in COMPACT_SCHEMAS, f"schema {self.schema!r} is not a compact one")
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
            if key in ("nodes", "vetoes", "conversions", "rules", "evidence_refs"):
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
        scores = self.scores(unit.get("scores"), where)
        status = unit.get("status", {})
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

    def scores(self, scores: Any, where: str) -> Mapping[str, Any]:
        """A unit's scores by node id: written in the order of ``nodes`` (schema 4), or
        keyed by id (schema 3)."""
        if self.schema == "3":
            _need(isinstance(scores, Mapping), f"{where}: scores is not an object")
            return scores  # type: ignore[no-any-return]
        _need(
            isinstance(scores, list) and len(scores) == len(self.order),
            f"{where}: scores is not a list of one score per node",
        )
        return dict(zip(self.order, scores, strict=True))

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
            out.update(self.fields(raw[3], out["kind"], where))
        for last in ("assumption", "reading"):  # an entry's last fields in the full layout
            if last in out:
                out[last] = out.pop(last)
        return out

    def fields(self, fields: Mapping[str, Any], kind: str, where: str) -> Mapping[str, Any]:
        """An entry's fields as the full layout writes them: the accepted evidence back
        in its ``inputs``, each piece in its full form."""
        if self.schema == "3":
            accepted = (fields.get("inputs") or {}).get("accepted")
            if kind != "evidence" or not isinstance(accepted, list):
                return fields
            pieces = [_evidence_3(e, where) for e in accepted]
            return {**fields, "inputs": {**fields["inputs"], "accepted": pieces}}
        if "accepted" not in fields:
            return fields
        accepted = fields["accepted"]
        _need(
            kind == "evidence" and isinstance(accepted, list),
            f"{where}: accepted is not a list of evidence",
        )
        rest = {k: v for k, v in fields.items() if k != "accepted"}
        return {"inputs": {"accepted": [_unrecorded(e, where) for e in accepted]}, **rest}


def _evidence_3(short: Any, where: str) -> Any:
    """A piece of evidence in its full form, from schema 3's: its reference alone, or
    ``[ref, kind, submitted]`` (kind null when none; no day when none is known)."""
    if not isinstance(short, list):
        return short
    _need(
        2 <= len(short) <= 3 and all(isinstance(x, str) or x is None for x in short),
        f"{where}: a piece of evidence is not [ref, kind, submitted]",
    )
    out = {"ref": short[0]}
    if short[1] is not None:
        out["kind"] = short[1]
    if len(short) == 3:
        out["submitted"] = short[2]
    return out


def _unrecorded(short: Any, where: str) -> dict[str, str | None]:
    """A piece of accepted evidence in the full form, from schema 4's ``[kind, day]``:
    its ``ref`` null (not recorded; :func:`with_references` reads it from the facts)."""
    _need(
        isinstance(short, list)
        and len(short) == 2
        and all(isinstance(x, str) or x is None for x in short),
        f"{where}: a piece of evidence is not [kind, day]",
    )
    out: dict[str, str | None] = {"ref": None}
    if short[0] is not None:
        out["kind"] = short[0]
    if short[1] is not None:
        out["submitted"] = short[1]
    return out


# ---------------------------------------------------------------- references


def with_references(doc: Mapping[str, Any], facts: Cohort) -> dict[str, Any]:
    """``doc`` (schema 2, expanded from schema 4) with the reference of every accepted
    piece of evidence whose ``ref`` is null read from ``facts``, the cohort the results
    were scored from: each piece becomes what the full layout writes for it.

    A CompactError says so when ``facts`` are not the results' (another hash), or do
    not hold the pieces the results record (an edited results file).
    """
    recorded = (doc.get("facts") or {}).get("hash")
    _need(
        recorded == facts.hash,
        f"the facts given ({facts.hash}) are not the facts the results were scored "
        f"from ({recorded})",
    )
    units = {u.id: u for u in facts.units}
    listed = doc.get("units")
    if not isinstance(listed, list):
        raise CompactError("units is not a list")
    return {**doc, "units": [_unit_references(u, units) for u in listed]}


def _unit_references(unit: Any, facts: Mapping[str, Unit]) -> Any:
    audit = unit.get("audit") if isinstance(unit, Mapping) else None
    if not isinstance(audit, list) or not any(_lacks_references(n) for n in audit):
        return unit
    given = facts.get(unit.get("id"))
    _need(given is not None, f"unit {unit.get('id')!r} is not in the facts")
    assert given is not None
    return {**unit, "audit": [_node_references(n, given) for n in audit]}


def _lacks_references(node: Any) -> bool:
    entries = node.get("entries") if isinstance(node, Mapping) else None
    return isinstance(entries, list) and any(_accepted(e) is not None for e in entries)


def _accepted(entry: Any) -> list[Any] | None:
    """The accepted pieces of an evidence entry, when some have no reference."""
    if not isinstance(entry, Mapping) or entry.get("kind") != "evidence":
        return None
    accepted = (entry.get("inputs") or {}).get("accepted")
    if not isinstance(accepted, list):
        return None
    unrecorded = any(isinstance(p, Mapping) and p.get("ref") is None for p in accepted)
    return accepted if unrecorded else None


def _node_references(node: Mapping[str, Any], unit: Unit) -> Mapping[str, Any]:
    if not _lacks_references(node):
        return node
    where = f"unit {unit.id!r}: node {node.get('node')}"
    given = unit.facts.get(node.get("node"))  # type: ignore[arg-type]
    evidence = () if given is None else given.evidence
    entries = []
    for entry in node["entries"]:
        recorded = _accepted(entry)
        if recorded is not None:
            pieces = [e.to_dict() for e in evidence]
            _need(
                [_signature(p) for p in recorded] == [_signature(p) for p in pieces],
                f"{where}: the facts' evidence is not the evidence the results record "
                "(its kinds or days differ)",
            )
            entry = {**entry, "inputs": {**entry["inputs"], "accepted": pieces}}
        entries.append(entry)
    return {**node, "entries": entries}


def _signature(piece: Any) -> tuple[Any, Any]:
    """A piece's kind and day, as the full layout writes them (a bare reference: none)."""
    if not isinstance(piece, Mapping):
        return (None, None)
    return (piece.get("kind"), piece.get("submitted"))


def _decimal(value: Any) -> Decimal | None:
    return decimal_text(value)
