"""The canonical form of a ruleset and its hash.

The hash a ruleset is known by (in results, ``describe``, forms; checked by
``verify``) is the SHA-256 of its canonical form: the syntax tree the checker
reads, as plain JSON data, without what does not change what the ruleset means.
Positions are left out (the syntax tree compares equal without them already), so
are comments and layout (the parser drops them); numbers are their exact values
(``70%`` and ``0.70``, ``5`` and ``5.0`` alike); and what has no order of its own
is put in one:

- the children of a section or component, and the components, by id: their order
  is how the table is printed, not what it scores;
- parameters, readings and ``when reading`` blocks, conversions, calendars, the
  source files, the declared tags, the tags a node applies to and the names after
  ``over`` and ``reject evidence``, by name;
- a node's statements other than its rules: each kind of statement apart (a
  node's evidence statements keep their order within each kind, since a later
  one overrides an earlier one of its kind).

Everything else keeps its order: an item's rules (steps apply one after
another), conditions, grade bands, vetoes, groups, readings' alternatives,
survey answers and outcomes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from ..errors import Span
from ..language import syntax

__all__ = ["CANONICAL_VERSION", "canonical_form", "ruleset_hash"]

CANONICAL_VERSION = 1
"""Changes when the canonical form does (every ruleset's hash changes with it)."""


def ruleset_hash(ruleset: syntax.Ruleset) -> str:
    """``sha256:…`` of the ruleset's canonical form."""
    text = json.dumps(
        canonical_form(ruleset), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_form(ruleset: syntax.Ruleset) -> dict[str, Any]:
    """The ruleset as JSON data: what it means, in a fixed order (see the module)."""
    return {"canonical": CANONICAL_VERSION, "ruleset": _value(ruleset)}


def _sorted_values(values: tuple[Any, ...], key: str | None) -> list[Any]:
    """``values`` by the attribute ``key`` (a name or an id), or (None) as values."""
    if key is not None:
        return [_value(v) for v in sorted(values, key=lambda v: str(getattr(v, key)))]
    shown = [_value(v) for v in values]
    return sorted(shown, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))


def _evidence_kind(policy: syntax.EvidencePolicy) -> int:
    if policy.required is not None:
        return 0
    if policy.rejected:
        return 1
    return 2 if policy.kinds else 3


# fields whose tuple is a set (sorted as values) or a collection keyed by a name
_UNORDERED: dict[tuple[type, str], Callable[[tuple[Any, ...]], list[Any]]] = {}


def _unordered(cls: type, field: str, key: str | None = None) -> None:
    _UNORDERED[cls, field] = lambda values: _sorted_values(values, key)


for _cls in (syntax.Section, syntax.Item, syntax.Bonus, syntax.Component, syntax.Ruleset):
    _unordered(_cls, "children", "id")
_unordered(syntax.Ruleset, "components", "id")
_unordered(syntax.Ruleset, "params", "name")
_unordered(syntax.Ruleset, "readings", "name")
_unordered(syntax.Ruleset, "param_blocks")
_unordered(syntax.Ruleset, "conversions", "id")
_unordered(syntax.Ruleset, "calendars", "year")
_unordered(syntax.Ruleset, "source_files", "name")
_unordered(syntax.Ruleset, "tags")
_unordered(syntax.When, "params", "name")
_unordered(syntax.NodeProps, "when")
_unordered(syntax.NodeProps, "bounds")
_unordered(syntax.NodeProps, "absent")
_unordered(syntax.NodeProps, "empty")
_unordered(syntax.AppliesTo, "tags")
_unordered(syntax.NaPolicy, "over")
_unordered(syntax.FactDefault, "over")
_unordered(syntax.EvidencePolicy, "rejected")
_UNORDERED[syntax.NodeProps, "evidence"] = lambda values: [
    _value(v)
    for v in sorted(values, key=_evidence_kind)  # stable: in order within a kind
]


def _value(value: Any) -> Any:
    if isinstance(value, str | int):
        return value  # names, titles, flags: as they are
    if isinstance(value, syntax.Literal):
        return {"number": _decimal(value.value)}
    fields = _fields(type(value))
    if fields is not None:
        return _object(value, fields)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_value(v) for v in value]
    return value


_Fields = tuple[tuple[str, Callable[[tuple[Any, ...]], list[Any]] | None], ...]
_FIELDS: dict[type, _Fields | None] = {}


def _fields(cls: type) -> _Fields | None:
    """The fields of an attrs class that the canonical form shows (not positions or
    the source text, which compare equal anyway), each with its order if it has one;
    None for a class that is not an attrs class. Found once a class."""
    if cls not in _FIELDS:
        _FIELDS[cls] = (
            tuple((f.name, _UNORDERED.get((cls, f.name))) for f in attrs.fields(cls) if f.eq)
            if attrs.has(cls)
            else None
        )
    return _FIELDS[cls]


def _object(value: Any, fields: _Fields) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type(value).__name__}
    for name, order in fields:
        item = getattr(value, name)
        if item is None or (isinstance(item, str | tuple) and not item):
            continue  # absent: the same as not written
        if isinstance(item, Span) or (isinstance(item, tuple) and _spans(item)):
            continue  # where a second block stood, for the checker
        out[name] = order(item) if order is not None else _value(item)
    return out


def _spans(values: tuple[Any, ...]) -> bool:
    return isinstance(values[0], Span) and all(isinstance(v, Span) for v in values)


def _decimal(value: Decimal) -> str:
    """An exact value, one way: ``5``, ``5.0`` and ``5.00`` alike."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")
