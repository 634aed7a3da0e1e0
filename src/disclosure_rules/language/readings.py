"""Readings: the alternative in force of each reading, and the tree specialised to them.

Part of checking and compiling. A ruleset declares a ``reading`` for each clause of
its source that can be read more than one way, and ``when reading NAME = ALTERNATIVE
{ … }`` blocks hold the clauses that follow from one alternative. The checker and the
compiler both work on the tree :func:`specialise` makes for the readings in force: a
block of an alternative in force joins its node's own clauses, every other block is
dropped. The compiled graph keeps no trace of the alternatives not taken, so scoring
under a reading costs nothing; :func:`decided_lines` tells the audit which of its
entries a reading decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from ..errors import Diagnostic, ParameterError, did_you_mean
from ..i18n import _
from . import syntax
from .symbols import ReadingValue

__all__ = ["blocks", "choose", "decided_lines", "specialise"]


def choose(ruleset: syntax.Ruleset, selected: Mapping[str, str] | None) -> tuple[ReadingValue, ...]:
    """Every reading of ``ruleset`` with the alternative in force: the one ``selected``
    names, else the default. A name or alternative the ruleset does not declare is a
    :class:`ParameterError` (DR154) naming what it does declare."""
    selected = dict(selected or {})
    problems = [_unknown(ruleset, name, alt) for name, alt in selected.items()]
    found = [p for p in problems if p is not None]
    if found:
        raise ParameterError(found)
    out: dict[str, ReadingValue] = {}
    for r in ruleset.readings:
        names = [a.name for a in r.alternatives]
        if r.name in out or not names:
            continue  # a repeated or empty reading: the checker reports it
        default = r.default if r.default in names else names[0]
        out[r.name] = ReadingValue(
            r.name,
            r.title,
            selected.get(r.name, default),
            default,
            r.name in selected,
            tuple((a.name, a.meaning, a.cite.text if a.cite else None) for a in r.alternatives),
            r.cite.text if r.cite else None,
            r.reason,
            r.span.line,
        )
    return tuple(out.values())


def _unknown(ruleset: syntax.Ruleset, name: str, alternative: str) -> Diagnostic | None:
    file = ruleset.span.file
    readings = {r.name: r for r in ruleset.readings}
    if name not in readings:
        hint = did_you_mean(name, readings) or (
            _("this ruleset's readings: {readings}").format(readings=", ".join(readings))
            if readings
            else _("this ruleset declares no readings")
        )
        msg = _("unknown reading {name!r} for ruleset {id}").format(name=name, id=ruleset.id)
        return Diagnostic("DR154", msg, file=file, hint=hint)
    names = [a.name for a in readings[name].alternatives]
    if alternative in names:
        return None
    hint = did_you_mean(alternative, names) or _("its alternatives: {names}").format(
        names=", ".join(names)
    )
    msg = _("reading {name!r} has no alternative {alternative!r}").format(
        name=name, alternative=alternative
    )
    return Diagnostic("DR154", msg, file=file, hint=hint)


# ---------------------------------------------------------------- specialising


def specialise(ruleset: syntax.Ruleset, readings: Iterable[ReadingValue]) -> syntax.Ruleset:
    """``ruleset`` with the ``when`` blocks of the alternatives in force joined to their
    nodes' clauses and every other block dropped."""
    force = {r.name: r.alternative for r in readings}
    if not any(True for _ in blocks(ruleset)):
        return ruleset
    policy, _ = _joined(ruleset.policy, (), force)
    chosen = [
        p for b in ruleset.param_blocks if force.get(b.reading) == b.alternative for p in b.params
    ]
    named = {p.name for p in chosen}
    return attrs.evolve(
        ruleset,
        params=tuple(p for p in ruleset.params if p.name not in named) + tuple(chosen),
        param_blocks=(),
        policy=policy,
        components=tuple(_specialised(c, force) for c in ruleset.components),
        children=tuple(_specialised(n, force) for n in ruleset.children),
    )


_N = TypeVar("_N", bound=syntax.Component | syntax.Node)


def _specialised(n: _N, force: Mapping[str, str]) -> _N:
    """``n`` with its blocks in force joined, or ``n`` itself where it and the nodes
    below it have none (most nodes: no copy of them is made)."""
    props, rules = _joined(n.props, n.rules, force)
    children = tuple(_specialised(child, force) for child in n.children)
    if props is n.props and all(new is old for new, old in zip(children, n.children, strict=True)):
        return n
    return attrs.evolve(n, props=props, rules=rules, children=children)


def _joined(
    props: syntax.NodeProps, rules: tuple[syntax.Rule, ...], force: Mapping[str, str]
) -> tuple[syntax.NodeProps, tuple[syntax.Rule, ...]]:
    """A node's own clauses with those of its blocks in force: a block's rules apply
    after the node's own; a block's bound replaces the node's of its kind, its other
    single clauses (a policy, an owner) replace the node's, and its lists of clauses
    (evidence, defaults, empty lists) add to the node's. Every field of
    :class:`~disclosure_rules.language.syntax.NodeProps` is joined, so a clause kind
    added to the language is never dropped here."""
    if not props.when:
        return props, rules
    for block in props.when:
        if force.get(block.reading) != block.alternative:
            continue
        inner, inner_rules = _joined(block.props, block.rules, force)
        joined: dict[str, Any] = {}
        for field in attrs.fields(syntax.NodeProps):
            name = field.name
            mine, theirs = getattr(props, name), getattr(inner, name)
            if name == "when":
                continue
            if name == "bounds":
                kinds = {(b.kind, b.below) for b in theirs}
                joined[name] = tuple(b for b in mine if (b.kind, b.below) not in kinds) + theirs
            elif isinstance(mine, tuple):
                joined[name] = mine + theirs
            else:
                joined[name] = theirs if theirs is not None else mine
        props = attrs.evolve(props, **joined)
        rules += inner_rules
    return attrs.evolve(props, when=()), rules


# ---------------------------------------------------------------- finding blocks


def blocks(ruleset: syntax.Ruleset) -> Iterator[syntax.When]:
    """Every ``when reading`` block of the ruleset, nested ones after their parent."""
    yield from ruleset.param_blocks
    for props in _every_props(ruleset):
        yield from _nested(props.when)


def _every_props(ruleset: syntax.Ruleset) -> Iterator[syntax.NodeProps]:
    """The policy block's and every node's clauses."""
    yield ruleset.policy
    nodes: list[syntax.Component | syntax.Node] = [*ruleset.components, *ruleset.children]
    while nodes:
        node = nodes.pop()
        yield node.props
        nodes.extend(node.children)


def _nested(found: tuple[syntax.When, ...]) -> Iterator[syntax.When]:
    for block in found:
        yield block
        yield from _nested(block.props.when)


def decided_lines(ruleset: syntax.Ruleset, readings: Iterable[ReadingValue]) -> dict[int, str]:
    """The source lines of the blocks in force, each with the ``NAME=ALTERNATIVE`` that
    put it there (the innermost block's, for nested ones): an audit entry from a clause
    on one of these lines was decided by that reading."""
    force = {r.name: r.alternative for r in readings}
    lines: dict[int, str] = {}

    def mark(found: tuple[syntax.When, ...]) -> None:
        for block in found:
            if force.get(block.reading) != block.alternative:
                continue
            end = block.span.end_line or block.span.line
            for line in range(block.span.line, end + 1):
                lines[line] = f"{block.reading}={block.alternative}"
            mark(block.props.when)  # after the parent's: the innermost block's choice wins

    mark(ruleset.param_blocks)
    for props in _every_props(ruleset):
        mark(props.when)
    return lines
