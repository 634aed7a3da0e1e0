"""Comparing two rulesets: what changed in meaning, matched by node and rule id.

A diff reads two compiled rulesets (each under the same parameters and readings)
as ``describe`` gives them and lists every change: nodes added, removed, moved to
another parent, and changed (points, title, owner, remark, cite, policies …);
rules added, removed and changed, matched by their ids (see "Rule ids" in
docs/language.md); the ruleset's header, parameters, readings, grades, vetoes,
conversions, groups, tags and calendars. Lines, layout, comments and the order of a section's
children are not compared (the ruleset hash does not see them either). Two
rulesets are equal in meaning when nothing changed and their hashes agree (a
clause under an alternative that is not in force is compared only by the hash:
select it to see it).

Used by ``disclosure-rules diff`` and :func:`disclosure_rules.diff`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from .model.graph import EvaluationGraph

__all__ = ["DIFF_SCHEMA_VERSION", "Change", "RulesetDiff", "compare_graphs"]

DIFF_SCHEMA_VERSION = "1"
"""Version of the ``diff --format json`` document (``schemas/diff.schema.json``)."""

# what a node's or rule's describe form holds that is not meaning: where it stands,
# and what follows from its rules and its children
_NOT_COMPARED = frozenset(
    {
        "line",
        "id",
        "parent",
        "scoring",
        "facts",
        "records",
        "fact_defaults",
        "assumed",
        "children_points",
    }
)
# the root node has the title, the maximum and its cite
_HEADER = ("issuer", "issued", "year", "source", "rounding")


@attrs.frozen
class Change:
    """One difference: ``what`` (ruleset, node, rule, param, reading, grade, veto,
    conversion, group, tag, calendar), its id, how it changed (added, removed, moved, changed) and,
    for a changed or moved thing, the field with its old and new values."""

    what: str
    id: str
    change: str
    field: str | None = None
    old: Any = None
    new: Any = None
    node: str | None = None  # the node a rule is on, a node's own id

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"what": self.what, "id": self.id, "change": self.change}
        if self.node is not None:
            out["node"] = self.node
        if self.field is not None:
            out["field"] = self.field
        if self.change in ("changed", "moved", "removed"):
            out["old"] = self.old
        if self.change in ("changed", "moved", "added"):
            out["new"] = self.new
        return out


@attrs.frozen
class RulesetDiff:
    """The changes from ``old`` to ``new``, in the order of the new ruleset's nodes."""

    old: EvaluationGraph
    new: EvaluationGraph
    changes: tuple[Change, ...]

    @property
    def equal(self) -> bool:
        """Equal in meaning: no change, and the same hash (so no clause of another
        reading differs either)."""
        return not self.changes and self.old.ruleset_hash == self.new.ruleset_hash

    def nodes(self) -> list[str]:
        """The ids of the nodes that differ (added, removed, moved or changed, or whose
        rules did), each once, in the order of the changes."""
        found = [c.node for c in self.changes if c.what in ("node", "rule") and c.node]
        return list(dict.fromkeys(found))

    def to_text(self) -> str:
        """The changes as ``diff`` prints them: grouped by node, then the rest."""
        old, new = self.old, self.new
        lines = [f"--- {old.id} {old.ruleset_hash}", f"+++ {new.id} {new.ruleset_hash}"]
        if self.equal:
            return "\n".join([*lines, "equal in meaning"]) + "\n"
        titles = {n.id: n.title for n in old.nodes} | {n.id: n.title for n in new.nodes}
        current = None
        for c in self.changes:
            group = ("node", c.node) if c.what in ("node", "rule") else (c.what, None)
            if group != current:
                current = group
                if c.node is not None:
                    lines.append(f"node {c.node} {titles.get(c.node, '')}".rstrip())
                else:
                    lines.append(_GROUPS[c.what])
            lines.append("  " + _change_text(c))
        if not self.changes:
            lines.append(
                "no change under the readings in force, but the hashes differ: a clause "
                "under another alternative of a reading (select it with --reading) or the "
                "source files named differ"
            )
        lines.append(
            f"{_count(len(self.changes), 'change')} in {_count(len(self.nodes()), 'node')}"
        )
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """The ``diff --format json`` document (docs/schemas.md)."""
        return {
            "schema": DIFF_SCHEMA_VERSION,
            "old": _side(self.old),
            "new": _side(self.new),
            "equal": self.equal,
            "changes": [c.to_dict() for c in self.changes],
        }


_GROUPS = {
    "ruleset": "ruleset",
    "param": "parameters",
    "reading": "readings",
    "grade": "grades",
    "veto": "vetoes",
    "conversion": "conversions",
    "group": "groups",
    "tag": "tags",
    "calendar": "calendars",
}
_MARKS = {"added": "+", "removed": "-", "moved": ">", "changed": "~"}


def _change_text(c: Change) -> str:
    mark = _MARKS[c.change]
    if c.what == "node" and c.change in ("added", "removed"):
        shown = c.new if c.change == "added" else c.old
        where = "under" if c.change == "added" else "was under"
        return (
            f"{mark} {c.change} {shown['kind']} ({shown['points']} points, "
            f"{where} {shown['parent']}, {len(shown['rules'])} rules)"
        )
    if c.what == "node" and c.change == "moved":
        return f"{mark} moved: {c.old} → {c.new}"
    name = "" if c.what == "node" or c.what == "ruleset" else f"{c.id} "
    if c.change == "added":
        return f"{mark} {name}added: {_json(c.new)}"
    if c.change == "removed":
        return f"{mark} {name}removed: {_json(c.old)}"
    return f"{mark} {name}{c.field}: {_json(c.old)} → {_json(c.new)}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _json(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def _side(g: EvaluationGraph) -> dict[str, Any]:
    return {
        "id": g.id,
        "title": g.title,
        "hash": g.ruleset_hash,
        "readings": {r.name: r.alternative for r in g.readings},
    }


def compare_graphs(old: EvaluationGraph, new: EvaluationGraph) -> RulesetDiff:
    """Every change from ``old`` to ``new``."""
    a, b = old.to_dict(), new.to_dict()
    changes = [
        *_header(a["ruleset"], b["ruleset"]),
        *_nodes(a["nodes"], b["nodes"]),
        *_keyed("param", a["params"], b["params"], "name"),
        *_keyed("reading", a.get("readings", []), b.get("readings", []), "name"),
        *_keyed("grade", a["grades"], b["grades"], "name"),
        *_keyed("veto", a["vetoes"], b["vetoes"], "id"),
        *_keyed("conversion", a["conversions"], b["conversions"], "id"),
        *_keyed("group", a.get("groups", []), b.get("groups", []), "name"),
        *_keyed("tag", _tags(old), _tags(new), "name"),
        *_keyed("calendar", _calendars(old), _calendars(new), "year"),
    ]
    return RulesetDiff(old, new, tuple(changes))


def _tags(g: EvaluationGraph) -> list[dict[str, Any]]:
    return [{"name": tag} for tag in g.tags]


def _calendars(g: EvaluationGraph) -> list[dict[str, Any]]:
    """The ruleset's own working-day schedules (``calendar { year … }``)."""
    return [
        {
            "year": s.year,
            "holidays": sorted(d.isoformat() for d in s.holidays),
            "workdays": sorted(d.isoformat() for d in s.workdays),
        }
        for s in g.schedules
    ]


def _header(a: Mapping[str, Any], b: Mapping[str, Any]) -> Iterator[Change]:
    for key in ("id", *_HEADER):
        if a.get(key) != b.get(key):
            yield Change("ruleset", b["id"], "changed", key, a.get(key), b.get(key))


def _nodes(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> Iterator[Change]:
    root_old, root_new = old[0]["id"], new[0]["id"]
    before = {n["id"]: n for n in (_renamed(n, root_old, root_new) for n in old)}
    after = {n["id"]: n for n in new}
    # per node, the changes of the policies it inherits: reported once, where they are
    # declared, not again on every node below that inherits them
    inherited: dict[str, dict[str, tuple[Any, Any]]] = {}
    for node_id, node in after.items():  # parents before children
        was = before.get(node_id)
        if was is None:
            yield Change("node", node_id, "added", new=_summary(node), node=node_id)
            continue
        if was["parent"] != node["parent"]:
            yield Change("node", node_id, "moved", "parent", was["parent"], node["parent"], node_id)
        from_parent = inherited.get(node["parent"] or "", {})
        mine = inherited[node_id] = {}
        for change in _fields("node", node_id, was, node, node_id, skip={"rules"}):
            assert change.field is not None
            if change.field in _INHERITED:
                mine[change.field] = (change.old, change.new)
                if from_parent.get(change.field) == (change.old, change.new):
                    continue
            if change.field == "cap" and _default_cap(was, node):
                continue
            if change.field == "evidence" and None in (change.old, change.new):
                continue  # an item that became a section, or one that became an item
            yield change
        yield from _rules(node_id, was.get("rules", []), node.get("rules", []))
    for node_id, was in before.items():
        if node_id not in after:
            yield Change("node", node_id, "removed", old=_summary(was), node=node_id)


_INHERITED = frozenset({"not_applicable", "evidence", "floor"})


def _renamed(node: Mapping[str, Any], root_old: str, root_new: str) -> dict[str, Any]:
    """An old node with the old root's id read as the new root's: the roots match."""
    out = dict(node)
    if out["id"] == root_old:
        out["id"] = root_new
    if out["parent"] == root_old:
        out["parent"] = root_new
    na = out.get("not_applicable")
    if na is not None and na.get("declared_on") == root_old:
        out["not_applicable"] = {**na, "declared_on": root_new}
    return out


def _default_cap(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Both caps are the default one, the node's points (whose change is reported)."""
    return bool(old.get("cap") == old["points"] and new.get("cap") == new["points"])


def _summary(node: Mapping[str, Any]) -> dict[str, Any]:
    """What a list of changes says of a node added or removed."""
    out = {k: node[k] for k in ("kind", "title", "points", "parent") if k in node}
    out["rules"] = [_plain(r) for r in node.get("rules", [])]
    return out


def _rules(
    node_id: str, old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> Iterator[Change]:
    def by_id(rules: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
        return {r.get("id") or f"{node_id}.{r['type']}": r for r in rules}

    before, after = by_id(old), by_id(new)
    for rule_id, rule in after.items():
        was = before.get(rule_id)
        if was is None:
            yield Change("rule", rule_id, "added", new=_plain(rule), node=node_id)
        else:
            yield from _fields("rule", rule_id, was, rule, node_id)
    for rule_id, was in before.items():
        if rule_id not in after:
            yield Change("rule", rule_id, "removed", old=_plain(was), node=node_id)
    kept = [i for i in after if i in before]
    if kept != [i for i in before if i in after]:  # the same rules, in another order
        yield Change("rule", node_id, "changed", "order", [i for i in before if i in after], kept)


def _keyed(
    what: str, old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], key: str
) -> Iterator[Change]:
    before = {str(item[key]): item for item in old}
    after = {str(item[key]): item for item in new}
    for name, item in after.items():
        was = before.get(name)
        if was is None:
            yield Change(what, name, "added", new=_plain(item))
        else:
            yield from _fields(what, name, was, item, None, skip={key})
    for name, was in before.items():
        if name not in after:
            yield Change(what, name, "removed", old=_plain(was))


def _fields(
    what: str,
    ident: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    node: str | None,
    skip: frozenset[str] | set[str] = frozenset(),
) -> Iterator[Change]:
    for field in dict.fromkeys([*old, *new]):
        if field in _NOT_COMPARED or field in skip:
            continue
        a, b = _plain(old.get(field)), _plain(new.get(field))
        if a != b:
            yield Change(what, ident, "changed", field, a, b, node)


def _plain(value: Any) -> Any:
    """A describe value without its lines (where it stands is not what it means)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
