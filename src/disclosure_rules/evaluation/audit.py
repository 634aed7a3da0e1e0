"""The audit ledger: plain data and reconciliation.

For each unit and node the engine writes the ordered :class:`Entry` list that
produced the node's score: the base (awarded, full, rate), each deduction,
each clamp (a floor or cap that absorbed something is an entry of its own),
each child's contribution, N/A provenance, evidence accepted or rejected.
Entries sum exactly to the score.

:func:`reconcile` verifies that from the JSON form alone, so results stored
by another system can be re-checked years later;
:func:`~disclosure_rules.evaluation.explain.render_text` turns the same JSON form
into the readable explanation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any, NamedTuple

from ..decimals import ARITHMETIC, divide
from ..decimals import text as exact
from ..errors import line_file
from ..i18n import _

__all__ = [
    "AUDIT_SCHEMA_VERSION",
    "READABLE_SCHEMA_VERSIONS",
    "STATUSES",
    "Entry",
    "decimal_text",
    "file_of",
    "plain",
    "reconcile",
    "shape_problems",
]

AUDIT_SCHEMA_VERSION = "2"
"""Version of the full audit layout of the results JSON documented in docs/audit.md (2:
presented numbers are decimal strings, like every other number). The compact layout is
schema 4 (:data:`~disclosure_rules.evaluation.compact.COMPACT_SCHEMA`)."""

READABLE_SCHEMA_VERSIONS = ("1", "2", "3", "4")
"""Results schema versions ``verify`` and ``explain --results`` read: 1 (presented
numbers were JSON numbers), 2 (the full layout), 3 and 4 (the compact layout as
earlier versions wrote it and as this one does, read expanded to 2)."""


class Entry(NamedTuple):
    """One line of a node's ledger. ``delta`` is exact; entries sum to the node's score."""

    kind: str  # one of the kinds in docs/audit.md: base, deduct, clamp, child, na, …
    delta: Decimal
    rule: str | None = None
    line: int | None = None
    cite: str | None = None
    inputs: Mapping[str, Any] | None = None
    note: str | None = None
    child: str | None = None
    factor: Decimal | None = None
    divisor: Decimal | None = None  # a child's contribution is divide(score × factor, divisor)
    assumption: str | None = None  # why the step's rule (or child) is assumed, if it is

    def to_dict(self, rule_id: str | None = None) -> dict[str, Any]:
        """The entry's JSON form, with the id of the rule that wrote it (see
        :func:`disclosure_rules.model.ids.entry_rule_id`) when it has one."""
        out: dict[str, Any] = {"kind": self.kind, "delta": exact(self.delta)}
        if rule_id is not None:
            out["id"] = rule_id
        if self.rule is not None:
            out["rule"] = self.rule
        if self.line is not None:
            out["line"] = self.line
            out.update(file_of(self.line))
        if self.cite is not None:
            out["cite"] = self.cite
        if self.inputs:
            out["inputs"] = {k: plain(v) for k, v in self.inputs.items()}
        if self.note is not None:
            out["note"] = self.note
        if self.child is not None:
            out["child"] = self.child
        if self.factor is not None:
            out["factor"] = exact(self.factor)
        if self.divisor is not None:
            out["divisor"] = exact(self.divisor)
        if self.assumption is not None:
            out["assumption"] = self.assumption
        return out


def file_of(line: int | None) -> dict[str, str]:
    """``{"file": …}`` for a line of a base an overlay extends (the ruleset's own: empty)."""
    file = line_file(line)
    return {} if file is None else {"file": file}


def plain(value: Any) -> Any:
    """An entry's input as JSON data (exact decimals as text, evidence as written)."""
    if isinstance(value, Decimal):
        return exact(value)
    if hasattr(value, "to_dict"):  # evidence entries, kept as given until rendered
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- reconcile

STATUSES = ("scored", "na", "missing", "not_credited", "skipped")
"""A node's status in the audit (docs/audit.md)."""

_HASH = re.compile(r"sha256:[0-9a-f]{64}")
_MAX_EXPONENT = 1000  # exact values are scores: nothing near 10^1000 is a real number here
_STATUS_ENTRY = {"na": "na", "missing": "missing", "not_credited": "evidence"}


def reconcile(unit: Mapping[str, Any], *, facts_hash: str | None = None) -> list[str]:
    """Problems found re-adding one unit's audit (its JSON form); empty when it reconciles.

    First the shape: every field the audit needs, of its type, every exact value a
    finite decimal, the facts hash well-formed. Then, for every node: the entries sum
    exactly to its score; every child contribution equals the child's own score times
    the recorded factor (divided by the recorded divisor, as :func:`divide` does); each
    child is counted once and in the tree's order; clamps leave the running value at the
    bound; a node's status has its entry (``na``, ``missing``, not credited); the nodes
    follow the tree (each listed child right below its parent, depth by depth); the
    ``nodes`` summary agrees with the audit; and the root's score is the unit's exact
    total. With ``facts_hash`` (the results' own), the unit's facts hash must equal it.
    Each message names the unit once.
    """
    if not isinstance(unit, Mapping):
        msg = _("reconcile() takes one unit's JSON form (a mapping), not {type}").format(
            type=type(unit).__name__
        )
        raise TypeError(msg)
    if facts_hash is not None and not isinstance(facts_hash, str):
        raise TypeError(f"facts_hash is a 'sha256:…' string, not {type(facts_hash).__name__}")
    with localcontext(ARITHMETIC):
        problems = shape_problems(unit) or _reconcile(unit, facts_hash)
    label = (
        _("unit {id!r}").format(id=unit["id"])
        if isinstance(unit.get("id"), str)
        else _("unit (no id)")
    )
    return [_("{label}: {problem}").format(label=label, problem=p) for p in problems]


def decimal_text(value: Any) -> Decimal | None:
    """An exact value of the JSON form (a string of a finite decimal), or None if it is not."""
    if not isinstance(value, str) or len(value) > 2 * _MAX_EXPONENT:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number.adjusted()) > _MAX_EXPONENT:
        return None
    return number


def shape_problems(unit: Mapping[str, Any]) -> list[str]:
    """What a unit's JSON form lacks for its audit to be re-added (empty when it has all)."""
    if "scores" in unit and "nodes" not in unit:  # a unit of a compact results file
        return [
            "this unit is in the compact layout (results schema 3 or 4); the audit is re-added "
            "from the full layout (schema 2): expand the document first with "
            "disclosure_rules.evaluation.compact.expand()"
        ]
    problems: list[str] = []
    if not isinstance(unit.get("id"), str):
        problems.append(_("id {id!r} is not text").format(id=unit.get("id")))
    if decimal_text(unit.get("total_exact")) is None:
        problems.append(
            _("total_exact {total_exact!r} is not an exact decimal").format(
                total_exact=unit.get("total_exact")
            )
        )
    if not isinstance(unit.get("facts_hash"), str) or not _HASH.fullmatch(unit["facts_hash"]):
        problems.append(
            _("facts_hash {facts_hash!r} is not a 'sha256:' hash").format(
                facts_hash=unit.get("facts_hash")
            )
        )
    summary = unit.get("nodes")
    if not isinstance(summary, Mapping) or not all(
        isinstance(v, Mapping) for v in summary.values()
    ):
        problems.append(_("nodes is not an object of node summaries"))
    audit = unit.get("audit")
    if not isinstance(audit, list) or not audit:
        return [*problems, "no audit to reconcile (scored with --no-detail?)"]
    for position, node in enumerate(audit):
        problems.extend(_node_shape(node, position))
    return problems


def _node_shape(node: Any, position: int) -> list[str]:
    if not isinstance(node, Mapping) or not isinstance(node.get("node"), str):
        return [_("audit[{position}] is not a node with an id").format(position=position)]
    where = _("node {node}").format(node=node["node"])
    problems: list[str] = []
    for key in ("score", "max"):
        if decimal_text(node.get(key)) is None:
            problems.append(
                _("{where}: {key} {value!r} is not an exact decimal").format(
                    where=where, key=key, value=node.get(key)
                )
            )
    depth = node.get("depth")
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        problems.append(
            _("{where}: depth {depth!r} is not a whole number").format(where=where, depth=depth)
        )
    if node.get("status") not in STATUSES:
        problems.append(
            _("{where}: status {status!r} is not one of {statuses}").format(
                where=where, status=node.get("status"), statuses=STATUSES
            )
        )
    children = node.get("children", [])
    if not isinstance(children, list) or not all(isinstance(c, str) for c in children):
        problems.append(_("{where}: children is not a list of node ids").format(where=where))
    entries = node.get("entries")
    if not isinstance(entries, list):
        return [*problems, _("{where}: entries is not a list").format(where=where)]
    for i, entry in enumerate(entries, start=1):
        problems.extend(
            _("{where}: entry {i}: {problem}").format(where=where, i=i, problem=p)
            for p in _entry_shape(entry)
        )
    return problems


def _entry_shape(entry: Any) -> list[str]:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("kind"), str):
        return ["not an entry with a kind"]
    problems: list[str] = []
    if decimal_text(entry.get("delta")) is None:
        problems.append(
            _("delta {delta!r} is not an exact decimal").format(delta=entry.get("delta"))
        )
    for key in ("factor", "divisor"):
        if key in entry and decimal_text(entry[key]) is None:
            problems.append(
                _("{key} {value!r} is not an exact decimal").format(key=key, value=entry[key])
            )
    if "divisor" in entry and decimal_text(entry["divisor"]) == 0:
        problems.append(_("divisor is 0"))
    if entry["kind"] == "grade" and decimal_text(entry.get("delta")) not in (None, 0):
        # a quota or a veto moves a grade, never a score
        problems.append(
            _("a grade entry changes the score by {delta!r}, not 0").format(
                delta=entry.get("delta")
            )
        )
    for key in ("child", "rule", "cite", "note", "reading", "assumption"):
        if key in entry and not isinstance(entry[key], str):
            problems.append(_("{key} {value!r} is not text").format(key=key, value=entry[key]))
    line = entry.get("line")
    if line is not None and (not isinstance(line, int) or isinstance(line, bool)):
        problems.append(_("line {line!r} is not a line number").format(line=line))
    inputs = entry.get("inputs", {})
    if not isinstance(inputs, Mapping):
        problems.append(_("inputs is not an object"))
    elif entry["kind"] == "clamp" and decimal_text(inputs.get("bound")) is None:
        problems.append(
            _("a clamp's bound {bound!r} is not an exact decimal").format(bound=inputs.get("bound"))
        )
    return problems


def _reconcile(unit: Mapping[str, Any], facts_hash: str | None) -> list[str]:
    """The arithmetic and the tree, on a unit whose shape is known to be right."""
    audit: list[Mapping[str, Any]] = unit["audit"]
    problems = _tree_problems(audit)
    nodes = {node["node"]: node for node in audit}
    scores = {name: Decimal(node["score"]) for name, node in nodes.items()}
    for node in audit:
        problems.extend(_reconcile_node(node, scores, nodes))
    summary = unit["nodes"]
    for name, node in nodes.items():
        shown = summary.get(name)
        if shown is None:
            problems.append(_("node {name} is missing from the nodes summary").format(name=name))
        elif (
            decimal_text(shown.get("exact")) != scores[name]
            or shown.get("status") != node["status"]
        ):
            problems.append(
                _(
                    "node {name}: the nodes summary says {summary!r} "
                    "({summary_status}), its audit says {score} ({status})"
                ).format(
                    name=name,
                    summary=shown.get("exact"),
                    summary_status=shown.get("status"),
                    score=node["score"],
                    status=node["status"],
                )
            )
    root = audit[0]
    if Decimal(unit["total_exact"]) != scores[root["node"]]:
        problems.append(
            _("total {total_exact} differs from the root's score {score}").format(
                total_exact=unit["total_exact"], score=root["score"]
            )
        )
    if facts_hash is not None and unit["facts_hash"] != facts_hash:
        problems.append(
            _("facts hash {facts_hash} differs from the results' facts hash {expected}").format(
                facts_hash=unit["facts_hash"], expected=facts_hash
            )
        )
    return problems


def _tree_problems(audit: Sequence[Mapping[str, Any]]) -> list[str]:
    """The nodes must be the tree in depth-first order: each node once, its listed children
    right below it, one level deeper, in their order."""
    problems: list[str] = []
    seen: set[str] = set()
    for node in audit:
        if node["node"] in seen:
            problems.append(_("node {node} appears twice in the audit").format(node=node["node"]))
        seen.add(node["node"])
    if problems:
        return problems
    by_id = {node["node"]: node for node in audit}
    expected: list[tuple[str, int]] = []
    stack = [(audit[0]["node"], 0)]
    while stack:
        name, depth = stack.pop()
        expected.append((name, depth))
        children = by_id[name].get("children", [])
        for child in children:
            if child not in by_id:
                problems.append(
                    _("node {name}: its child {child} has no audit node").format(
                        name=name, child=child
                    )
                )
        stack.extend((c, depth + 1) for c in reversed(children) if c in by_id)
    actual = [(node["node"], node["depth"]) for node in audit]
    if len(expected) == len(actual) and len(set(expected)) == len(expected) == len(seen):
        for position, (want, got) in enumerate(zip(expected, actual, strict=True)):
            if want != got:
                problems.append(
                    _(
                        "the audit is not in the tree's order: position {position} "
                        "holds node {node} at depth {depth}, the tree puts "
                        "{expected} at depth {expected_depth} there"
                    ).format(
                        position=position,
                        node=got[0],
                        depth=got[1],
                        expected=want[0],
                        expected_depth=want[1],
                    )
                )
                break
    else:
        reached = {name for name, _ in expected}
        for name in by_id:
            if name not in reached:
                problems.append(
                    _("node {name} is not reached from the root {node}").format(
                        name=name, node=audit[0]["node"]
                    )
                )
    return problems


def _reconcile_node(
    node: Mapping[str, Any],
    scores: Mapping[str, Decimal],
    nodes: Mapping[str, Mapping[str, Any]],
) -> list[str]:
    problems: list[str] = []
    name = node["node"]
    children = node.get("children", [])
    # bonus children are added after the cap, so their entries follow the others
    order = [c for c in children if _kind(nodes, c) != "bonus"]
    order += [c for c in children if _kind(nodes, c) == "bonus"]
    running = Decimal(0)
    counted: list[str] = []
    for entry in node["entries"]:
        delta = Decimal(entry["delta"])
        running += delta
        child = entry.get("child")
        if child is not None:
            problems.extend(_child_problems(name, entry, delta, scores, counted, order))
            counted.append(child)
        if entry["kind"] == "clamp":
            bound = Decimal(entry["inputs"]["bound"])
            if running != bound:
                line = (
                    _(" (line {line})").format(line=entry["line"])
                    if entry.get("line") is not None
                    else ""
                )
                problems.append(
                    _(
                        "node {name}: the {rule} at {bound}{line} leaves {running}, not its bound"
                    ).format(
                        name=name,
                        rule=entry.get("rule", "clamp"),
                        bound=exact(bound),
                        line=line,
                        running=exact(running),
                    )
                )
    for child in children:
        skipped_bonus = _kind(nodes, child) == "bonus" and _status(nodes, child) == "skipped"
        if child not in counted and not skipped_bonus:
            problems.append(
                _("node {name}: child {child} is not counted").format(name=name, child=child)
            )
    if running != Decimal(node["score"]):
        problems.append(
            _("node {name}: entries add up to {running}, score is {score}").format(
                name=name, running=exact(running), score=node["score"]
            )
        )
    problems.extend(_status_problems(node))
    return problems


def _child_problems(
    name: str,
    entry: Mapping[str, Any],
    delta: Decimal,
    scores: Mapping[str, Decimal],
    counted: Sequence[str],
    order: Sequence[str],
) -> list[str]:
    child = entry["child"]
    if child in counted:
        return [_("node {name}: child {child} counted twice").format(name=name, child=child)]
    score = scores.get(child)
    if score is None or child not in order:
        return [_("node {name}: entry for unknown child {child}").format(name=name, child=child)]
    problems: list[str] = []
    if counted and counted[-1] in order and order.index(counted[-1]) > order.index(child):
        problems.append(
            _("node {name}: child {child} is counted after {previous}").format(
                name=name, child=child, previous=counted[-1]
            )
        )
    factor = Decimal(entry.get("factor", "1"))
    divisor = entry.get("divisor")
    expected = score * factor
    if divisor is not None:
        expected = divide(expected, Decimal(divisor))
    if expected != delta:
        by = f" / {divisor}" if divisor is not None else ""
        problems.append(
            _(
                "node {name}: child {child} contributes {delta} but scored {score} × {factor}{by}"
            ).format(
                name=name,
                child=child,
                delta=exact(delta),
                score=exact(score),
                factor=exact(factor),
                by=by,
            )
        )
    return problems


def _status_problems(node: Mapping[str, Any]) -> list[str]:
    """A node that was not scored the ordinary way says why in an entry of its own."""
    status = node["status"]
    kinds = {entry["kind"] for entry in node["entries"]}
    needed = _STATUS_ENTRY.get(status)
    if needed is not None and needed not in kinds:
        return [
            _("node {node}: status {status} but no {needed} entry says why").format(
                node=node["node"], status=status, needed=needed
            )
        ]
    if status == "skipped" and (node["entries"] or Decimal(node["score"]) != 0):
        return [
            _("node {node}: skipped (its parent does not apply) but not empty").format(
                node=node["node"]
            )
        ]
    return []


def _kind(nodes: Mapping[str, Mapping[str, Any]], name: str) -> Any:
    return nodes.get(name, {}).get("kind")


def _status(nodes: Mapping[str, Mapping[str, Any]], name: str) -> Any:
    return nodes.get(name, {}).get("status")
