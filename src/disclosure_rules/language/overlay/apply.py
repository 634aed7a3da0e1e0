"""Applying an overlay's changes to its base's syntax tree (what an overlay is: the package).

:class:`Apply` sorts the changes out (each naming a node the base has, once), then
rebuilds the base's tree with them: nodes dropped, blocks changed, nodes and rules
added, the sections above a moved node recomputed; it notes what it did to each node
for ``describe`` and reports the problems of the changes (DR180–DR184).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from ...errors import Diagnostic, Span, did_you_mean
from ...i18n import _
from .. import syntax

__all__ = ["WEIGHTS", "Apply", "Note", "walk"]

WEIGHTS = "component weights"
"""Where a change that moves a component's weight is noted among the moves (no id has a
space, so this is no node's)."""

_SINGLE = frozenset(
    {"points", "weight", "title", "rules", "owner", "applies_to", "not_applicable"}
    | {"na_statement", "resolve"}
)
"""What a change block may state once (the rest, like evidence or floors, are lists)."""


@attrs.frozen
class Note:
    """One thing an overlay did to a node (or a parameter), and where it says so."""

    what: str  # "points, rules", "added", "dropped", "points recomputed", "set"
    span: Span
    reason: str | None = None  # the change's assumption, or the passage it cites

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"change": self.what, "file": self.span.file, "line": self.span.line}
        if self.reason is not None:
            out["reason"] = self.reason
        return out


# ---------------------------------------------------------------- applying the changes


Tree = syntax.Node | syntax.Component


def walk(
    nodes: Iterable[Tree], above: tuple[str, ...] = ()
) -> Iterator[tuple[Tree, tuple[str, ...]]]:
    for node in nodes:
        yield node, above
        yield from walk(node.children, (*above, node.id))


def _worth(children: Iterable[syntax.Node]) -> Decimal | None:
    """What the parts add up to (a bonus adds nothing); None when a part's points name
    a parameter."""
    total = Decimal(0)
    for child in children:
        if isinstance(child, syntax.Bonus):
            continue
        points = child.points
        if points is None and isinstance(child, syntax.Section):
            part = _worth(child.children)
        elif isinstance(points, syntax.Literal):
            part = points.value
        else:
            part = None
        if part is None:
            return None
        total += part
    return total


class Apply:
    """One overlay applied to its (effective, re-spanned) base."""

    def __init__(self, base: syntax.Ruleset, overlay: syntax.Ruleset):
        assert overlay.extends is not None
        self.base = base
        self.overlay = overlay
        self.changes = overlay.extends.changes
        self.problems: list[Diagnostic] = []
        self.notes: dict[str, list[Note]] = {}
        self.moves: list[tuple[tuple[str, ...], Span]] = []
        self.lines = overlay.text.splitlines()
        self.where = {n.id: above for n, above in walk((*base.components, *base.children))}
        self.dropped: dict[str, syntax.Change] = {}
        self.changed: dict[str, syntax.Change] = {}
        self.added: dict[str | None, list[syntax.Change]] = {}
        self.sets: dict[str, syntax.Change] = {}

    # -- reporting

    def report(self, code: str, msg: str, span: Span, hint: str | None = None) -> None:
        line = self.lines[span.line - 1] if 0 < span.line <= len(self.lines) else None
        self.problems.append(Diagnostic(code, msg, span=span, hint=hint, source_line=line))

    def note(self, key: str, kind: str, change: syntax.Change) -> None:
        reason = change.assumption.reason if change.assumption else None
        if reason is None and change.cite is not None:
            reason = change.cite.text
        self.notes.setdefault(key, []).append(Note(kind, change.span, reason))

    # -- sorting the changes out

    def sort(self) -> None:
        params = {p.name for p in self.base.params}
        for change in self.changes:
            if change.kind == "set":
                self.sort_set(change, params)
            elif change.kind == "add":
                self.sort_add(change)
            else:
                self.sort_node_change(change)

    def known(self, change: syntax.Change) -> bool:
        target = change.target
        assert target is not None
        if target in self.where:
            return True
        self.report(
            "DR180",
            _("the base has no node {target!r}").format(target=target),
            change.span,
            did_you_mean(target, self.where) or _("a change names a node of the base by its id"),
        )
        return False

    def under_dropped(self, change: syntax.Change, target: str) -> bool:
        for ident in (*self.where.get(target, ()), target):
            drop = self.dropped.get(ident)
            if drop is not None and drop is not change:
                self.report(
                    "DR181",
                    _("this changes {target!r}, which this overlay drops (line {line})").format(
                        target=target, line=drop.span.line
                    ),
                    change.span,
                    _("drop the node, or change it: not both"),
                )
                return True
        return False

    def sort_set(self, change: syntax.Change, params: set[str]) -> None:
        name = change.target
        assert name is not None
        if name not in params:
            hint = did_you_mean(name, params) or _("declare a new parameter with param")
            self.report(
                "DR180",
                _("the base has no parameter {name!r}").format(name=name),
                change.span,
                hint,
            )
        elif name in self.sets:
            first = self.sets[name].span.line
            self.report(
                "DR181",
                _("parameter {name!r} is set twice (first on line {first})").format(
                    name=name, first=first
                ),
                change.span,
            )
        else:
            self.sets[name] = change

    def sort_node_change(self, change: syntax.Change) -> None:
        target = change.target
        assert target is not None
        if not self.known(change):
            return
        earlier = self.dropped.get(target) or self.changed.get(target)
        if earlier is not None:
            self.report(
                "DR181",
                _("{target!r} is changed twice (first on line {line})").format(
                    target=target, line=earlier.span.line
                ),
                change.span,
                _("state every change of a node in one change block"),
            )
            return
        if change.kind == "drop":
            self.dropped[target] = change
            return
        self.changed[target] = change
        self.check_stated(change)

    def check_stated(self, change: syntax.Change) -> None:
        seen: set[str] = set()
        for what, span in zip(change.stated, change.stated_spans, strict=True):
            if what in _SINGLE and what in seen:
                self.report(
                    "DR181", _("{what} is stated twice in one change").format(what=what), span
                )
            seen.add(what)
        if change.weight is not None and not self.is_component(change.target):
            self.report(
                "DR184",
                _("{target!r} is not a component: only a component has a weight").format(
                    target=change.target
                ),
                change.span,
                _("change its points instead"),
            )

    def is_component(self, ident: str | None) -> bool:
        return any(c.id == ident for c in self.base.components)

    def sort_add(self, change: syntax.Change) -> None:
        if change.target is not None and not self.known(change):
            return
        ids = {*self.where, *(n.id for c in self.all_added() for n, _depth in walk(c.children))}
        for node, _depth in walk(change.children):
            if node.id in ids and node.id not in self.dropped:
                self.report(
                    "DR182",
                    _("{id!r} is already a node of the base").format(id=node.id),
                    node.span,
                    _("give the new node its own id, or change the base's node"),
                )
                return
        self.added.setdefault(change.target, []).append(change)

    def all_added(self) -> Iterator[syntax.Change]:
        for changes in self.added.values():
            yield from changes

    def check_order(self) -> None:
        """Changes under a node this overlay drops (known only once all are sorted)."""
        for change in (*self.changed.values(), *self.all_added()):
            if change.target is not None and self.under_dropped(change, change.target):
                self.changed.pop(change.target, None)
                for changes in self.added.values():
                    if change in changes:
                        changes.remove(change)

    # -- the effective tree

    def run(self) -> syntax.Ruleset:
        self.sort()
        self.check_order()
        base, overlay = self.base, self.overlay
        components = tuple(c for c in (self.component(c) for c in base.components) if c)
        children = self.nodes(base.children, (), None)
        for change in self.added.get(None, []):
            self.note_added(change, ())
            for new in change.children:
                new = self.origin_of(new, change)
                if isinstance(new, syntax.Component):
                    components += (new,)
                    self.moves.append(((WEIGHTS,), change.span))
                else:
                    children += (new,)
        headers = {
            name: getattr(overlay, name)
            for key in overlay.lines
            if key != "policy"
            for name in _header_fields(key)
        }
        return attrs.evolve(
            base,
            id=overlay.id,
            span=overlay.span,
            text=overlay.text,
            lines=dict(overlay.lines),
            **headers,
            params=self.params(),
            policy=_merge_props(base.policy, overlay.policy, _stated_props(overlay.policy)),
            components=components,
            children=children,
            grades=overlay.grades or base.grades,
            calendars=(*base.calendars, *overlay.calendars),
            duplicates=(*base.duplicates, *overlay.duplicates),
            extends=None,
        )

    def params(self) -> tuple[syntax.Param, ...]:
        out = []
        for p in self.base.params:
            change = self.sets.get(p.name)
            if change is not None:
                assert isinstance(change.value, syntax.Literal)
                p = attrs.evolve(
                    p,
                    default=change.value,
                    assumed=p.assumed or change.assumption is not None,
                    cite=change.cite,
                )
                self.note(f"param {p.name}", "set", change)
            out.append(p)
        return (*out, *self.overlay.params)

    def component(self, comp: syntax.Component) -> syntax.Component | None:
        if comp.id in self.dropped:
            self.note(comp.id, "dropped", self.dropped[comp.id])
            self.moves.append(((WEIGHTS,), self.dropped[comp.id].span))
            return None
        kids = self.nodes(comp.children, (comp.id,), comp.id)
        new = attrs.evolve(comp, children=kids)
        change = self.changed.get(comp.id)
        if change is not None:
            new = self.apply_change(new, change, (comp.id,))
            if change.weight is not None:
                new = attrs.evolve(new, weight=change.weight)
                self.moves.append(((WEIGHTS,), change.span))
        return new

    def nodes(
        self, children: tuple[syntax.Node, ...], above: tuple[str, ...], parent: str | None
    ) -> tuple[syntax.Node, ...]:
        out = []
        for child in children:
            if child.id in self.dropped:
                self.note(child.id, "dropped", self.dropped[child.id])
                self.moves.append(((*above, child.id), self.dropped[child.id].span))
                continue
            out.append(self.node(child, above))
        if parent is not None:
            for change in self.added.get(parent, []):
                self.note_added(change, above)
                for new in change.children:
                    if not isinstance(new, syntax.Component):  # the grammar has none here
                        out.append(self.origin_of(new, change))
        return tuple(out)

    def note_added(self, change: syntax.Change, above: tuple[str, ...]) -> None:
        for node, _depth in walk(change.children):
            self.note(node.id, "added", change)
        if change.children:
            self.moves.append(((*above, change.target or ""), change.span))
        if change.rules and change.target is not None:
            self.note(change.target, "rules added", change)

    def origin_of(self, node: Any, change: syntax.Change) -> Any:
        """An added node without a cite or assumption of its own takes its change's."""
        if node.cite is None and node.assumption is None:
            return attrs.evolve(node, cite=change.cite, assumption=change.assumption)
        return node

    def node(self, node: syntax.Node, above: tuple[str, ...]) -> syntax.Node:
        path = (*above, node.id)
        kids = self.nodes(node.children, path, node.id)
        new: syntax.Node = attrs.evolve(node, children=kids)
        added_rules = tuple(r for c in self.added.get(node.id, []) for r in c.rules)
        if added_rules:
            new = attrs.evolve(new, rules=(*new.rules, *added_rules))
        change = self.changed.get(node.id)
        if change is not None:
            new = self.apply_change(new, change, path)
        if isinstance(new, syntax.Section) and (change is None or change.value is None):
            new = self.recompute(node, new)
        return new

    def recompute(self, old: syntax.Node, new: syntax.Section) -> syntax.Section:
        """A section's points moved by what its parts' points moved."""
        if not isinstance(old, syntax.Section) or not isinstance(old.points, syntax.Literal):
            return new
        if new.children == old.children:
            return new
        before, after = _worth(old.children), _worth(new.children)
        if before is None or after is None or before == after:
            return new
        points = attrs.evolve(old.points, value=old.points.value + after - before)
        cause = next((span for above, span in self.moves if new.id in above), self.overlay.span)
        self.notes.setdefault(new.id, []).append(Note("points recomputed", cause))
        return attrs.evolve(new, points=points)

    def apply_change(self, node: Any, change: syntax.Change, path: tuple[str, ...]) -> Any:
        stated = set(change.stated)
        updates: dict[str, Any] = {}
        if change.value is not None:
            updates["cap" if isinstance(node, syntax.Bonus) else "points"] = change.value
            self.moves.append((path, change.span))
        if change.title is not None:
            updates["title"] = change.title
        if "rules" in stated:
            updates["rules"] = change.rules
        if change.cite is not None or change.assumption is not None:
            updates["cite"] = change.cite
            updates["assumption"] = change.assumption
        updates["props"] = _merge_props(node.props, change.props, stated)
        self.note(node.id, ", ".join(dict.fromkeys(change.stated)) or "origin", change)
        return attrs.evolve(node, **updates)


def _header_fields(key: str) -> tuple[str, ...]:
    """The fields of a ruleset a header the overlay states replaces: ``total`` its value
    and cite, ``tags`` the tags and their span (and whatever else a tag carries) …"""
    stems = (f"{key}_", f"{key.removesuffix('s')}_")
    fields = attrs.fields(syntax.Ruleset)
    return tuple(f.name for f in fields if f.name == key or f.name.startswith(stems))


def _stated_props(props: syntax.NodeProps) -> set[str]:
    """The fields of a policy block that say something."""
    empty = syntax.NodeProps()
    return {
        f.name
        for f in attrs.fields(syntax.NodeProps)
        if getattr(props, f.name) != getattr(empty, f.name)
    }


def _merge_props(
    base: syntax.NodeProps, new: syntax.NodeProps, stated: set[str]
) -> syntax.NodeProps:
    """The base's statements, those of each kind ``stated`` replaced by ``new``'s."""
    fields = {f.name for f in attrs.fields(syntax.NodeProps)} & stated
    return attrs.evolve(base, **{name: getattr(new, name) for name in fields})
