"""Checking readings: their declarations, and every ``when reading`` block's names.

Part of checking (syntax tree → diagnostics). The other checks see the tree
specialised to the readings in force (:mod:`disclosure_rules.language.readings`);
this one reads the tree as written, so that a block of an alternative not in force
still has its reading and alternative checked, and the parameters it uses count as
used.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from ...errors import Span, did_you_mean
from ...i18n import _
from .. import syntax
from ..readings import blocks
from .context import Context

__all__ = ["check_readings"]


def check_readings(cx: Context, written: syntax.Ruleset) -> None:
    """``reading`` declarations (DR152, DR153), ``when reading`` names (DR150, DR151) and
    readings no block uses (DR250), on the tree as written."""
    declared = _declarations(cx, written.readings)
    used: set[str] = set()
    for block in blocks(written):
        cx.used_params.update(_param_names(block))
        reading = declared.get(block.reading)
        if reading is None:
            cx.report(
                "DR150",
                _("unknown reading {reading!r}").format(reading=block.reading),
                block.span,
                did_you_mean(block.reading, declared)
                or _('declare it: reading NAME "the clause" { alternative … default … }'),
            )
            continue
        used.add(block.reading)
        names = [a.name for a in reading.alternatives]
        if block.alternative not in names:
            cx.report(
                "DR151",
                _("reading {reading!r} has no alternative {alternative!r}").format(
                    reading=block.reading, alternative=block.alternative
                ),
                block.span,
                did_you_mean(block.alternative, names)
                or _("its alternatives: {names}").format(names=", ".join(names)),
            )
    for name, reading in declared.items():
        if name not in used:
            cx.warn(
                "DR250",
                _("reading {name!r} is never used: no clause depends on it").format(name=name),
                reading.span,
                _(
                    "add `when reading {name} = ALTERNATIVE {{ … }}` where the "
                    "reading decides, or remove it"
                ).format(name=name),
            )


def _declarations(cx: Context, readings: tuple[syntax.Reading, ...]) -> dict[str, syntax.Reading]:
    declared: dict[str, syntax.Reading] = {}
    for reading in readings:
        if reading.name in declared:
            first = declared[reading.name].span.line
            msg = _("duplicate reading {name!r} (first on line {first})").format(
                name=reading.name, first=first
            )
            cx.report("DR153", msg, reading.span)
            continue
        declared[reading.name] = reading
        names: list[str] = []
        for alt in reading.alternatives:
            if alt.name in names:
                msg = _("reading {name!r} names alternative {alternative!r} twice").format(
                    name=reading.name, alternative=alt.name
                )
                cx.report("DR153", msg, alt.span)
            names.append(alt.name)
        if len(set(names)) < 2:
            cx.report(
                "DR153",
                _(
                    "reading {name!r} has {count} alternative(s); a reading "
                    "chooses between at least two"
                ).format(name=reading.name, count=len(set(names))),
                reading.span,
                _('add: alternative NAME "what the clause means on this reading"'),
            )
        _check_default(cx, reading, names)
    return declared


def _check_default(cx: Context, reading: syntax.Reading, names: list[str]) -> None:
    if reading.default is None:
        cx.report(
            "DR152",
            _("reading {name!r} has no default").format(name=reading.name),
            reading.span,
            _('add: default ALTERNATIVE "why this reading is the one in force"'),
        )
    elif reading.default not in names:
        cx.report(
            "DR152",
            _(
                "the default of reading {name!r}, {default!r}, is not one of its alternatives"
            ).format(name=reading.name, default=reading.default),
            reading.default_span or reading.span,
            did_you_mean(reading.default, names)
            or _("its alternatives: {names}").format(names=", ".join(names)),
        )


def _param_names(tree: object) -> Iterator[str]:
    """The parameters a block's clauses name, at any depth."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, _LEAVES):
            continue
        if isinstance(node, syntax.ParamRef):
            yield node.name
        elif isinstance(node, tuple | list):
            stack.extend(node)
        elif attrs.has(type(node)):
            stack.extend(getattr(node, f.name) for f in attrs.fields(type(node)))  # type: ignore[arg-type]


_LEAVES = (str, int, Decimal, Span, type(None))
"""What a block holds that names no parameter (texts, flags, numbers, positions)."""
