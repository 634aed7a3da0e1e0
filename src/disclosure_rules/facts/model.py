"""The facts model: what a validated cohort holds, as the engine reads it.

Reading (:mod:`.read`) turns a file into a JSON-shaped document; validating
(:mod:`.validate`) turns that document into these classes. The engine never
sees a raw document, only :class:`Cohort`, :class:`Unit` and :class:`NodeFacts`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple, TypeAlias

import attrs

from ..errors import Diagnostic, FactsError, did_you_mean
from ..i18n import _

__all__ = [
    "NO_KINDS",
    "Cohort",
    "Evidence",
    "FactValue",
    "NodeFacts",
    "Record",
    "RecordValue",
    "Shape",
    "Unit",
    "described",
    "facts_hash",
    "shared_set",
]

RecordValue: TypeAlias = dt.date | dt.datetime | str | Decimal | bool | None
"""A field of a dated record: a date (None: not done yet) or a label kept for the audit."""

Record: TypeAlias = Mapping[str, RecordValue]

FactValue: TypeAlias = Decimal | bool | dt.date | dt.datetime | tuple[Record, ...] | None
"""A validated fact: a number, a yes/no, a date (None: not done yet) or a list of records."""


# Evidence and NodeFacts are named tuples, not attrs classes: a cohort holds one per
# unit and item (hundreds of thousands), and tuples are several times cheaper to make.


class Evidence(NamedTuple):
    """A piece of evidence: a URL or file name, with an optional kind (``link``,
    ``screenshot``, ``news`` …) and the day it was submitted, when known."""

    ref: str
    kind: str | None = None
    submitted: dt.date | None = None

    def to_dict(self) -> dict[str, str] | str:
        if self.submitted is not None:
            out = {"ref": self.ref, "kind": self.kind} if self.kind else {"ref": self.ref}
            return {**out, "submitted": self.submitted.isoformat()}
        return self.ref if self.kind is None else {"ref": self.ref, "kind": self.kind}


NO_KINDS: frozenset[str] = frozenset()
"""The kinds of evidence that names none (one shared set)."""

_SHARED_SETS: dict[frozenset[str], frozenset[str]] = {}
_MAX_SHARED_SETS = 4096


def shared_set(items: Iterable[str]) -> frozenset[str]:
    """``frozenset(items)``, one object for every equal set: a cohort repeats a handful
    of evidence kinds and tags in every unit, and a set costs some 200 bytes."""
    made = frozenset(items)
    if not made:
        return NO_KINDS
    known = _SHARED_SETS.get(made)
    if known is not None:
        return known
    if len(_SHARED_SETS) < _MAX_SHARED_SETS:
        _SHARED_SETS[made] = made
    return made


Shape: TypeAlias = tuple[tuple[str | None, dt.date | None], ...]
"""The kind and submission day of each piece of a cell's evidence, in order: all that
judging the evidence reads (the references are for the audit), so a verdict can be
kept for each shape. Equal shapes are one object (:func:`described`)."""

_SHAPES: dict[Shape, tuple[frozenset[str], Shape]] = {}
_MAX_SHAPES = 4096


def described(evidence: tuple[Evidence, ...]) -> tuple[frozenset[str], Shape]:
    """The kinds ``evidence`` names and its :data:`Shape`, one object each for equal ones."""
    made = tuple([(e.kind, e.submitted) for e in evidence])
    known = _SHAPES.get(made)
    if known is not None:
        return known
    out = shared_set(kind for kind, _day in made if kind is not None), made
    if len(_SHAPES) < _MAX_SHAPES:
        _SHAPES[made] = out
    return out


class NodeFacts(NamedTuple):
    """What a unit supplied for one node. ``kinds``: the evidence kinds present;
    ``shape``: the kind and day of each piece (:data:`Shape`). ``statement``: the
    unit's statement (说明) of why the node does not apply to it."""

    values: Mapping[str, FactValue]
    evidence: tuple[Evidence, ...] = ()
    not_applicable: bool = False
    note: str | None = None
    kinds: frozenset[str] = NO_KINDS
    statement: str | None = None
    shape: Shape = ()

    @property
    def evidence_shape(self) -> Shape:
        """The shape of the evidence: ``shape`` as the loader made it, or, for facts made
        by hand without one, worked out from the pieces."""
        shape = self.shape
        return shape if len(shape) == len(self.evidence) else described(self.evidence)[1]

    @property
    def has_statement(self) -> bool:
        """A statement was made: as text, or as material given with a cell declared not
        applicable (a 情况说明 file)."""
        return bool(self.statement) or (self.not_applicable and bool(self.evidence))


@attrs.frozen
class Unit:
    id: str
    tags: frozenset[str]
    facts: Mapping[str, NodeFacts]
    name: str | None = None
    note: str | None = None


@attrs.frozen
class Cohort:
    """A validated cohort: units in the order given, and the facts' provenance."""

    units: tuple[Unit, ...]
    source: str
    hash: str
    description: str | None = None
    synthetic: bool = False
    # facts the ruleset does not read, left out on purpose (``load_facts(set_aside=…)``):
    # each item id or ``node.field`` given, with the units that gave it
    set_aside: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, eq=False)

    def unit(self, unit_id: str) -> Unit:
        for u in self.units:
            if u.id == unit_id:
                return u
        msg = _("no unit {unit_id!r} in the facts").format(unit_id=unit_id)
        hint = did_you_mean(unit_id, (u.id for u in self.units))
        raise FactsError(Diagnostic("DR302", msg, file=self.source, unit=unit_id, hint=hint))


def facts_hash(doc: Mapping[str, Any]) -> str:
    """SHA-256 of a facts document's canonical JSON."""
    canonical = json.dumps(
        doc, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
