"""Checking fact defaults: what each ``absent`` declaration covers, and its misuse.

Part of checking (syntax tree → diagnostics). Runs after the rules are checked, when
the type of every fact and which node reads it are known. For every node that reads
facts (an item, a bonus, a survey component, a veto) and every fact it reads, it finds
the declaration in force: the nearest one that covers the fact, walking out from the
node to the ruleset's policy; on one node, a declaration naming the fact (``over``)
before one that does not. ``absent zero`` covers numbers and yes/no facts only, never
dates or record lists; ``absent na`` covers only what can be not applicable (items and
bonuses), never a veto's or a survey's facts. The result goes to the compiler in the
:class:`~disclosure_rules.language.symbols.CheckReport`.
"""

from __future__ import annotations

from typing import assert_never

from ...errors import did_you_mean
from ...i18n import _
from .. import syntax
from ..symbols import ZEROABLE, DefaultInForce, FactType
from .context import Context, walk

__all__ = ["check_defaults"]

Chain = list[tuple[str, tuple[syntax.FactDefault, ...]]]
"""The declarations in force, outermost first: (declaring node id, its declarations)."""

Found = dict[str, dict[tuple[str, str], DefaultInForce]]
Fields = dict[str, set[FactType]]
"""The facts read within a declaration's scope: field name → the types it is read as."""


def check_defaults(cx: Context) -> Found:
    """The default in force for every fact every node reads; DR160–DR163 on the way."""
    r = cx.r
    found: Found = {}
    if not _declares(r):
        return found  # nothing declared: nothing to resolve, and no cost
    chain: Chain = [(r.id, r.policy.absent)]
    has_na = r.policy.not_applicable is not None
    walker = _Walker(cx, found)
    fields: Fields = {}
    for comp in r.components:
        _merge(fields, walker.component(comp, chain, has_na))
    for node in r.children:
        _merge(fields, walker.node(node, chain, has_na))
    for veto in r.vetoes:
        _merge(fields, walker.reader(veto.id, chain, can_be_na=None))
    walker.declarations(r.policy.absent, fields)
    return found


def _declares(r: syntax.Ruleset) -> bool:
    trees = (r.children, *(c.children for c in r.components))
    props = [r.policy, *(c.props for c in r.components)]
    props += [node.props for tree in trees for node in walk(tree)]
    return any(p.absent for p in props)


def _merge(into: Fields, more: Fields) -> None:
    for field, kinds in more.items():
        into.setdefault(field, set()).update(kinds)


class _Walker:
    def __init__(self, cx: Context, found: Found) -> None:
        self.cx = cx
        self.found = found
        self.reported: set[int] = set()  # declarations already given DR161

    def component(self, comp: syntax.Component, chain: Chain, has_na: bool) -> Fields:
        chain = [*chain, (comp.id, comp.props.absent)]
        has_na = has_na or comp.props.not_applicable is not None
        fields: Fields = {}
        if comp.survey is not None:
            answers = {(comp.id, a.name): "count" for a in comp.survey.answers}
            _merge(fields, self.resolve(comp.id, answers, chain, can_be_na=None))
        for child in comp.children:
            _merge(fields, self.node(child, chain, has_na))
        self.declarations(comp.props.absent, fields)
        return fields

    def node(self, node: syntax.Node, chain: Chain, has_na: bool) -> Fields:
        chain = [*chain, (node.id, node.props.absent)]
        has_na = has_na or node.props.not_applicable is not None
        match node:
            case syntax.Section():
                fields: Fields = {}
                for child in node.children:
                    _merge(fields, self.node(child, chain, has_na))
            case syntax.Item() | syntax.Bonus():
                fields = self.reader(node.id, chain, can_be_na=has_na)
            case _:
                assert_never(node)
        self.declarations(node.props.absent, fields)
        return fields

    def reader(self, reader: str, chain: Chain, can_be_na: bool | None) -> Fields:
        """``can_be_na``: None for a veto (never not applicable), else whether an N/A
        policy is in force on the item."""
        kinds = {
            key: self.cx.fact_types[key][0]
            for key in sorted(self.cx.reads.get(reader, ()))
            if key in self.cx.fact_types
        }
        return self.resolve(reader, kinds, chain, can_be_na)

    def resolve(
        self,
        reader: str,
        facts: dict[tuple[str, str], FactType],
        chain: Chain,
        can_be_na: bool | None,
    ) -> Fields:
        fields: Fields = {}
        for key, kind in facts.items():
            fields.setdefault(key[1], set()).add(kind)
            in_force = _in_force(chain, key[1], kind, na=can_be_na is not None)
            if in_force is None:
                continue
            declaration = in_force.declaration
            if declaration.mode == "na" and not can_be_na:
                self.no_na_policy(declaration, reader, key)
                continue
            self.found.setdefault(reader, {})[key] = in_force
        return fields

    def no_na_policy(
        self, declaration: syntax.FactDefault, reader: str, key: tuple[str, str]
    ) -> None:
        if id(declaration) in self.reported:
            return
        self.reported.add(id(declaration))
        fact = key[1] if key[0] == reader else f"{key[0]}.{key[1]}"
        self.cx.report(
            "DR161",
            _(
                "absent na makes {reader!r} not applicable when {fact} is "
                "not supplied, but no not_applicable policy says what "
                "{reader!r} then scores"
            ).format(reader=reader, fact=fact),
            declaration.span,
            _(
                "add a policy (not_applicable average, own_rate, …) on the "
                "node, an ancestor or the ruleset's policy block"
            ),
        )

    def declarations(self, declarations: tuple[syntax.FactDefault, ...], fields: Fields) -> None:
        """One node's declarations against the facts read in their scope."""
        named: set[str] = set()
        general = False
        for d in declarations:
            if not d.over:
                if general:
                    self.twice(d, "this node already says what every absent fact means")
                general = True
            for name in d.over:
                if name in named:
                    self.twice(d, f"fact {name!r} is already named on this node")
                named.add(name)
                self.named(d, name, fields)

    def twice(self, d: syntax.FactDefault, why: str) -> None:
        self.cx.report(
            "DR162",
            _("a second absent declaration for the same facts: {why}").format(why=why),
            d.span,
            _("keep one declaration per fact on a node"),
        )

    def named(self, d: syntax.FactDefault, name: str, fields: Fields) -> None:
        kinds = fields.get(name)
        if kinds is None:
            self.cx.report(
                "DR163",
                _(
                    "absent {mode} names {name!r}, but no rule in its scope "
                    "reads a fact of that name"
                ).format(mode=d.mode, name=name),
                d.span,
                did_you_mean(name, fields) or _("name facts the rules of this node read"),
            )
            return
        others = sorted(kinds - ZEROABLE)
        if d.mode == "zero" and others:
            self.cx.report(
                "DR160",
                _(
                    "absent zero cannot stand in for {name!r}: it is read as "
                    "{kinds}, which has no zero"
                ).format(name=name, kinds=" and ".join(_KIND_WORDS.get(k, k) for k in others)),
                d.span,
                _("absent zero covers numbers and yes/no facts; use absent na or absent error"),
            )


_KIND_WORDS = {"date": "a date", "datetime": "a date and time", "records": "a list of records"}


def _in_force(chain: Chain, field: str, kind: FactType, na: bool) -> DefaultInForce | None:
    """The nearest declaration covering ``field`` (of type ``kind``); ``na``: whether an
    ``absent na`` may cover it (not for a veto's or a survey's facts)."""
    for node_id, declarations in reversed(chain):
        ordered = sorted(declarations, key=lambda d: not d.over)  # named ones first
        for d in ordered:
            if d.over and field not in d.over:
                continue
            if d.mode == "zero" and kind not in ZEROABLE:
                continue
            if d.mode == "na" and not na:
                continue
            return DefaultInForce(d, node_id, kind)
    return None
