"""Validating facts against a compiled ruleset: the step between reading and scoring.

A document (read by :mod:`.read`, or given as data through the API) becomes a
:class:`~.model.Cohort`. Validation collects every problem in the document and
raises them together as a :class:`~disclosure_rules.errors.FactsError`, each
naming the file, the unit and the fact. Nothing that was given is dropped
without a word: unknown units, nodes and fields are errors, free-text notes
are carried to the audit. Numbers are exact: a binary ``float`` given through
the API is refused (pass a string or a ``Decimal``), never converted.

A *missing* fact is not an error here: the engine scores it 0 and says so
(or, in strict mode, refuses).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Any

from .. import collector
from ..errors import FactsError, did_you_mean
from ..i18n import _
from ..model.graph import EvaluationGraph, GraphNode
from ..model.rules import AllOrNothing, Awarded, DeductMissing
from .dates import parse_when
from .model import NO_KINDS, Cohort, Evidence, FactValue, NodeFacts, Shape, Unit, shared_set
from .model import facts_hash as _facts_hash
from .read import MAX_EXPONENT, NotExact, UnitStream, exact_document, read_facts_file
from .values import ValueReader, digits_fit, shown

__all__ = ["NA_WORDS", "load_facts", "parse_when"]

NA_WORDS = frozenset({"n/a", "na", "不适用"})
_UNIT_KEYS = frozenset({"id", "tags", "facts", "name", "note"})
_DOC_KEYS = frozenset({"units", "description", "synthetic", "ruleset"})

_PROGRESS_EVERY = 100  # units validated between two reports of progress


def load_facts(
    source: str | os.PathLike[str] | Mapping[str, Any] | Cohort,
    graph: EvaluationGraph,
    *,
    file: str | None = None,
    progress: Callable[[int], None] | None = None,
    set_aside: Collection[str] = (),
) -> Cohort:
    """Load facts from a path, or validate an already-read document, against ``graph``.

    The cohort's hash is the SHA-256 of the file's bytes, or, for a document given as
    data, of its canonical JSON (sorted keys, no spaces, numbers as written).
    ``progress`` is called with the number of units validated since its last call.
    ``set_aside``: item ids (``node``) and facts (``node.field``) the ruleset does not
    know but that are not errors (another ruleset, compared with this one, reads them):
    they are left out, and the cohort's :attr:`~.model.Cohort.set_aside` says which
    units gave them.
    """
    if isinstance(source, Cohort):
        return source
    with collector.paused():  # everything made here is kept: nothing to collect
        validator = functools.partial(_Validator, graph, progress=progress, set_aside=set_aside)
        if isinstance(source, Mapping):
            given = validator(file or "<facts>", textual=False, from_reader=False)
            return given.cohort(dict(source), None)
        read = read_facts_file(source)
        name = os.fspath(source)
        units = read.document.get("units")
        try:
            return validator(name, textual=read.textual, from_reader=True).cohort(
                read.document, read.digest
            )
        except NotExact:  # a unit the fast reading cannot vouch for: read it all exactly
            assert isinstance(units, UnitStream)
            document = exact_document(units.data, name)
        return validator(name, textual=read.textual, from_reader=True).cohort(document, read.digest)


class _Validator(ValueReader):
    """One pass over a document: every unit, every cell, every value, problems collected.

    ``from_reader``: the document's numbers were read by :mod:`.read`, which has
    already bounded their digits.
    """

    def __init__(
        self,
        graph: EvaluationGraph,
        file: str,
        *,
        textual: bool,
        from_reader: bool,
        progress: Callable[[int], None] | None = None,
        set_aside: Collection[str] = (),
    ) -> None:
        super().__init__(file, textual=textual)
        self.g = graph
        self.digits_checked = from_reader
        self.scored = {n.id: n for n in graph.nodes if n.scoring in ("item", "direct", "survey")}
        self.schemas = {n.id: dict(n.fields) for n in self.scored.values()}
        self.veto_fields = {v.id: graph.fact_schema.get(v.id, {}) for v in graph.vetoes}
        self.ids = {node_id: node_id for node_id in [*self.scored, *self.veto_fields]}
        self.declared_tags = set(graph.tags)
        self.progress = progress
        self.set_aside = frozenset(set_aside)
        self.aside: dict[str, list[str]] = {}  # a name set aside → the units that gave it

    # ------------------------------------------------------------ document and units

    def cohort(self, doc: dict[str, Any], digest: str | None) -> Cohort:
        for key in doc:
            if key not in _DOC_KEYS:
                hint = did_you_mean(key, _DOC_KEYS) or _('expected "units"')
                self.problem("DR305", _("unknown top-level key {key!r}").format(key=key), hint=hint)
        raw_units = doc.get("units")
        if not isinstance(raw_units, list | UnitStream):
            self.problem("DR301", _('the facts need a list of units: {"units": [...]}'))
            raise FactsError(self.problems)
        synthetic = doc.get("synthetic", False)
        if not isinstance(synthetic, bool):
            msg = _("synthetic must be true or false, got {shown}").format(shown=shown(synthetic))
            self.problem("DR305", msg, hint=_("a JSON boolean, without quotes"))
        units = self.units(raw_units)
        if not units and not self.problems:
            self.problem("DR301", _("the facts list no units"))
        if self.problems:
            raise FactsError(self.problems)
        description = doc.get("description")
        return Cohort(
            tuple(units),
            self.file,
            digest or _facts_hash(doc),
            description=str(description) if description is not None else None,
            synthetic=synthetic is True,
            set_aside={name: tuple(units) for name, units in self.aside.items()},
        )

    def units(self, raw_units: list[Any] | UnitStream) -> list[Unit]:
        units: list[Unit] = []
        seen: set[str] = set()
        progress = self.progress
        # the document is the reader's, nobody else holds it: each unit is freed as its
        # validated unit is made (a stream does so itself), so the peak is one of the two
        release = self.digits_checked and isinstance(raw_units, list)
        for position, raw in enumerate(raw_units, start=1):
            if progress is not None and position % _PROGRESS_EVERY == 0:
                progress(_PROGRESS_EVERY)
            if release:
                raw_units[position - 1] = None  # type: ignore[index]
            unit = self.unit(raw, position)
            if unit is None:
                continue
            if unit.id in seen:
                hint = _("each unit is listed once, with all its facts")
                self.problem(
                    "DR303",
                    _("unit {id!r} appears more than once").format(id=unit.id),
                    unit.id,
                    hint=hint,
                )
                continue
            seen.add(unit.id)
            units.append(unit)
        return units

    def unit(self, raw: Any, position: int) -> Unit | None:
        if not isinstance(raw, dict):
            hint = _('{"id": ..., "facts": {...}}')
            self.problem(
                "DR305", _("unit #{position} is not an object").format(position=position), hint=hint
            )
            return None
        unit_id = raw.get("id")
        if not isinstance(unit_id, str) or not unit_id.strip():
            self.problem(
                "DR305",
                _("unit #{position} has no id (a non-empty string)").format(position=position),
            )
            return None
        for key in raw:
            if key not in _UNIT_KEYS:
                suggestion = did_you_mean(key, _UNIT_KEYS)
                self.problem(
                    "DR305",
                    _("unknown key {key!r} in unit").format(key=key),
                    unit_id,
                    hint=suggestion,
                )
        tags = self.tags(unit_id, raw.get("tags", []))
        raw_facts = raw.get("facts", {})
        if not isinstance(raw_facts, dict):
            self.problem("DR305", _("facts must be an object keyed by item id"), unit_id)
            raw_facts = {}
        facts: dict[str, NodeFacts] = {}
        ids = self.ids
        for node_id, value in raw_facts.items():
            parsed = self.node_facts(unit_id, node_id, value)
            if parsed is not None:
                facts[ids[node_id]] = parsed  # the graph's string: one for the cohort
        return Unit(unit_id, tags, facts, name=raw.get("name"), note=raw.get("note"))

    def tags(self, unit_id: str, tags: Any) -> frozenset[str]:
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.problem("DR305", _("tags must be a list of strings"), unit_id)
            return frozenset()
        if self.declared_tags:
            for tag in tags:
                if tag not in self.declared_tags:
                    hint = did_you_mean(tag, self.declared_tags) or (
                        _("the ruleset's tags are {tags}").format(
                            tags=", ".join(sorted(self.declared_tags))
                        )
                    )
                    self.problem(
                        "DR309", _("unknown tag {tag!r}").format(tag=tag), unit_id, hint=hint
                    )
        return shared_set(tags)

    # ------------------------------------------------------------ cells

    def node_facts(self, unit: str, node_id: str, value: Any) -> NodeFacts | None:
        node = self.scored.get(node_id)
        if node is None:
            if node_id in self.veto_fields:
                return self.fields(unit, node_id, None, self.veto_fields[node_id], value)
            self.unknown_node(unit, node_id)
            return None
        if isinstance(value, str) and value.strip().lower() in NA_WORDS:
            return self.not_applicable(unit, node, None)
        if isinstance(value, dict) and (value.get("not_applicable") is True or "na" in value):
            return self.not_applicable_cell(unit, node, value)
        if node.scoring == "direct":
            return self.direct(unit, node, value)
        schema = self.schemas[node_id]
        if isinstance(value, dict):
            return self.fields(unit, node_id, node, schema, value)
        # shorthands: a number for an awarded item, a boolean for an all-or-nothing one
        if isinstance(node.base, Awarded) and "awarded" in schema and not isinstance(value, bool):
            return self.fields(unit, node_id, node, schema, {"awarded": value})
        if isinstance(node.base, AllOrNothing) and isinstance(value, bool):
            return self.fields(unit, node_id, node, schema, {"met": value})
        wanted = ", ".join(sorted(schema)) or "evidence"
        msg = _("{shown} is not a valid value for {node_id!r}").format(
            shown=shown(value), node_id=node_id
        )
        self.problem(
            "DR305",
            msg,
            unit,
            node_id,
            _('give an object with: {wanted} (or "n/a")').format(wanted=wanted),
        )
        return None

    def put_aside(self, unit: str, name: str) -> bool:
        """True when facts for ``name`` are set aside (and recorded as given by ``unit``)."""
        if name not in self.set_aside:
            return False
        self.aside.setdefault(name, []).append(unit)
        return True

    def unknown_node(self, unit: str, node_id: str) -> None:
        if self.put_aside(unit, node_id):
            return
        if node_id in self.g.by_id:
            kind = self.g.node(node_id).kind
            self.problem(
                "DR302",
                _("{node_id!r} is a {kind}: facts go on its items").format(
                    node_id=node_id, kind=kind
                ),
                unit,
                node_id,
            )
            return
        hint = did_you_mean(node_id, [*self.scored, *self.veto_fields])
        self.problem(
            "DR302", _("unknown item {node_id!r}").format(node_id=node_id), unit, node_id, hint
        )

    def not_applicable_cell(
        self, unit: str, node: GraphNode, value: dict[str, Any]
    ) -> NodeFacts | None:
        """``{"na": "statement"}`` or ``{"not_applicable": true, "statement": …}``, with
        optional evidence and note."""
        evidence, _kinds, shape = self.evidence(unit, node.id, value.get("evidence", []))
        extra = set(value) - {"not_applicable", "na", "statement", "evidence", "note"}
        if extra:
            msg = _(
                "a not-applicable cell takes only a statement, evidence and note, not {extra}"
            ).format(extra=", ".join(sorted(extra)))
            self.problem("DR308", msg, unit, node.id)
        said = value.get("na")
        if said is True or "na" not in value:
            said = value.get("statement")
        statement = self.statement(unit, node.id, said)
        parsed = self.not_applicable(unit, node, (evidence, value.get("note")))
        return parsed._replace(statement=statement, shape=shape) if parsed is not None else None

    def statement(self, unit: str, node_id: str, said: Any) -> str | None:
        """A statement of why a node does not apply (做出说明): non-blank text, or none."""
        if said is None:
            return None
        if isinstance(said, str) and said.strip():
            return said.strip()
        msg = _("a statement is the unit's explanation as text, got {shown}").format(
            shown=shown(said)
        )
        hint = _('{"na": "本单位无行政执法权"}, or "n/a" for no statement')
        self.problem("DR305", msg, unit, f"{node_id}.statement", hint)
        return None

    def not_applicable(
        self, unit: str, node: GraphNode, extra: tuple[tuple[Evidence, ...], Any] | None
    ) -> NodeFacts | None:
        if node.na is None:
            self.problem(
                "DR306",
                _(
                    "{id!r} is given as not applicable, but the ruleset has no "
                    "not_applicable policy for it"
                ).format(id=node.id),
                unit,
                node.id,
                _("give its facts, or add a not_applicable policy to the ruleset"),
            )
            return None
        evidence, note = extra if extra is not None else ((), None)
        return NodeFacts(
            {}, evidence, not_applicable=True, note=str(note) if note is not None else None
        )

    def direct(self, unit: str, node: GraphNode, value: Any) -> NodeFacts | None:
        if isinstance(value, dict):
            extra = set(value) - {"score", "evidence", "note"}
            if extra:
                msg = _("unknown field(s) {extra}").format(extra=", ".join(sorted(extra)))
                self.problem("DR308", msg, unit, node.id, _('a score component takes {"score": N}'))
            value = value.get("score")
        number = self.number(unit, node.id, value)
        if number is None:
            return None
        low, high = node.direct_range or (Decimal(0), node.points)
        if not low <= number <= high:
            self.problem(
                "DR304",
                _("score {number} is outside {low}..{high}").format(
                    number=number, low=low, high=high
                ),
                unit,
                node.id,
            )
            return None
        return NodeFacts({"score": number})

    def fields(
        self, unit: str, node_id: str, node: GraphNode | None, schema: Mapping[str, str], value: Any
    ) -> NodeFacts | None:
        if not isinstance(value, dict):
            hint = _("fields: {fields}").format(fields=", ".join(sorted(schema)))
            self.problem(
                "DR305",
                _("facts for {node_id!r} must be an object").format(node_id=node_id),
                unit,
                node_id,
                hint,
            )
            return None
        values: dict[str, FactValue] = {}
        evidence: tuple[Evidence, ...] = ()
        kinds = NO_KINDS
        shape: Shape = ()
        note = statement = None
        most = node.points if node is not None else None
        checked = self.digits_checked
        for field, raw in value.items():
            kind = schema.get(field)
            if (  # the common case: a finite decimal for a number field, within range
                kind == "number"
                and type(raw) is Decimal
                and raw.is_finite()
                and -MAX_EXPONENT <= raw.adjusted() <= MAX_EXPONENT
                and (checked or digits_fit(raw))
                and (field != "awarded" or most is None or 0 <= raw <= most)
            ):
                values[field] = raw
            elif field == "evidence":
                evidence, kinds, shape = self.evidence(unit, node_id, raw)
            elif field == "note":
                note = str(raw)
            elif field == "statement" and node is not None:
                statement = self.statement(unit, node_id, raw)
            else:
                self.field(unit, node_id, node, schema, field, raw, values)
        if node is not None and node.clauses:
            self.elements_within_required(unit, node, values)
        return NodeFacts(values, evidence, False, note, kinds, statement, shape)

    def field(
        self,
        unit: str,
        node_id: str,
        node: GraphNode | None,
        schema: Mapping[str, str],
        field: str,
        raw: Any,
        values: dict[str, FactValue],
    ) -> None:
        """One field off the common path: validated, then added to ``values`` if good."""
        where = f"{node_id}.{field}"
        kind = schema.get(field)
        if kind is None:
            if self.put_aside(unit, where):
                return
            hint = did_you_mean(field, schema) or (
                _("{node_id} reads: {fields}").format(
                    node_id=node_id, fields=", ".join(sorted(schema)) or "no fields"
                )
            )
            self.problem("DR308", _("unknown fact {where}").format(where=where), unit, where, hint)
            return
        if kind in ("date", "datetime"):  # null: not done (yet)
            when = self.when(unit, where, kind, raw)
            if when is not False:
                values[field] = when
            return
        if kind == "records":
            record_fields = dict(dict(node.record_fields)[field]) if node is not None else {}
            records = self.records(unit, where, raw, record_fields)
            if records is not None:
                values[field] = records
            return
        typed = self.typed(unit, where, kind, raw)
        if typed is None:
            return
        if (
            field == "awarded"
            and node is not None
            and isinstance(typed, Decimal)
            and not self.awarded_in_range(unit, where, node, typed)
        ):
            return
        values[field] = typed

    def awarded_in_range(self, unit: str, where: str, node: GraphNode, points: Decimal) -> bool:
        """Awarded points within ``[0, the item's points]``; False (reported) outside."""
        if points > node.points:
            msg = _("awarded {points} is above the item's maximum of {max}").format(
                points=points, max=node.points
            )
            self.problem("DR304", msg, unit, where)
            return False
        if points < 0:
            self.problem(
                "DR304", _("awarded {points} is negative").format(points=points), unit, where
            )
            return False
        return True

    def elements_within_required(
        self, unit: str, node: GraphNode, values: dict[str, FactValue]
    ) -> None:
        """No more elements present than the rule requires (``deduct N per missing X of M``)."""
        node_id = node.id
        for clause in node.clauses:
            if isinstance(clause, DeductMissing) and clause.fact in values:
                present = values[clause.fact]
                if isinstance(present, Decimal) and present > clause.of:
                    self.problem(
                        "DR304",
                        _(
                            "{node_id}.{fact} is {present}, more than the {of} required elements"
                        ).format(node_id=node_id, fact=clause.fact, present=present, of=clause.of),
                        unit,
                        f"{node_id}.{clause.fact}",
                    )
