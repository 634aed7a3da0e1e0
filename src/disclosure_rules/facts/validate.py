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

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil import parser as dateutil_parser

from .. import collector
from ..errors import Diagnostic, FactsError, did_you_mean
from ..i18n import _
from ..model.graph import EvaluationGraph, GraphNode
from ..model.rules import AllOrNothing, Awarded, DeductMissing
from .evidence import read_evidence
from .model import NO_KINDS, Cohort, Evidence, FactValue, NodeFacts, Record, RecordValue, Unit
from .model import facts_hash as _facts_hash
from .read import MAX_DIGITS, MAX_EXPONENT, LongNumber, read_facts_file, to_decimal

__all__ = ["NA_WORDS", "load_facts", "parse_when"]

NA_WORDS = frozenset({"n/a", "na", "不适用"})
_UNIT_KEYS = frozenset({"id", "tags", "facts", "name", "note"})
_DOC_KEYS = frozenset({"units", "description", "synthetic", "ruleset"})
_LABELS = frozenset({"title", "id", "ref", "note", "url"})

_PROGRESS_EVERY = 100  # units validated between two reports of progress

_TEXT_BOOLEANS = {"true": True, "false": False, "是": True, "否": False}


# ---------------------------------------------------------------- dates

# Year first, then month and day, with -, /, . or 年月日; optionally a time with : or 时分秒.
_WHEN = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|\s*T\s*|\s*(?=\d))(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*[:]?\s*(\d{1,2})\s*秒?)?)?"
)
_MAX_WHEN = 64  # characters: the longest date-time written any accepted way is ~30
_EXAMPLES = _("2020-09-28, 2020/9/28, 2020.9.28, 2020年9月28日, or with a time: 2020-09-28 14:30")


def parse_when(text: str) -> dt.date | dt.datetime:
    """A date or date-time as Chinese offices write them; ValueError says why not.

    ``2020-09-28``, ``2020/9/28``, ``2020.9.28``, ``2020年9月28日`` and the same with a
    time (``2020-09-28 14:30``, ``2020年9月28日14时30分``). The year must come first:
    ``09/10/2020`` is ambiguous (September or October?) and is refused.
    """
    trimmed = text.strip()
    # bounded before matching: the pattern's optional spaces must not meet a long input
    m = _WHEN.fullmatch(trimmed) if len(trimmed) <= _MAX_WHEN else None
    if m is None:
        if re.search(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}", trimmed[:_MAX_WHEN]):
            raise ValueError(f"{text!r} is ambiguous: write the year first ({_EXAMPLES})")
        shown = text if len(text) <= _MAX_WHEN else f"{text[:_MAX_WHEN]}…"
        raise ValueError(f"{shown!r} is not a date ({_EXAMPLES})")
    year, month, day, hour, minute, second = m.groups()
    normal = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is not None:
        normal += f"T{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}"
    try:
        parsed = dateutil_parser.isoparse(normal)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None
    return parsed if hour is not None else parsed.date()


# ---------------------------------------------------------------- loading


def load_facts(
    source: str | os.PathLike[str] | Mapping[str, Any] | Cohort,
    graph: EvaluationGraph,
    *,
    file: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Cohort:
    """Load facts from a path, or validate an already-read document, against ``graph``.

    The cohort's hash is the SHA-256 of the file's bytes, or, for a document given as
    data, of its canonical JSON (sorted keys, no spaces, numbers as written).
    ``progress`` is called with the number of units validated since its last call.
    """
    if isinstance(source, Cohort):
        return source
    with collector.paused():  # everything made here is kept: nothing to collect
        if isinstance(source, Mapping):
            validator = _Validator(graph, file or "<facts>", textual=False, from_reader=False)
            validator.progress = progress
            return validator.cohort(dict(source), None)
        read = read_facts_file(source)
        validator = _Validator(graph, os.fspath(source), textual=read.textual, from_reader=True)
        validator.progress = progress
        return validator.cohort(read.document, read.digest)


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else f"{text[:36]}… ({len(text)} characters)"


def _digits_fit(number: Decimal) -> bool:
    return len(number.as_tuple().digits) <= MAX_DIGITS


class _Validator:
    """One pass over a document: every unit, every cell, every value, problems collected.

    ``textual``: the values are CSV text, so yes/no facts may be written ``true`` or
    ``是``; in JSON they are JSON booleans. ``from_reader``: the document's numbers were
    read by :mod:`.read`, which has already bounded their digits.
    """

    def __init__(
        self, graph: EvaluationGraph, file: str, *, textual: bool, from_reader: bool
    ) -> None:
        self.g = graph
        self.file = file
        self.textual = textual
        self.digits_checked = from_reader
        self.problems: list[Diagnostic] = []
        self.scored = {n.id: n for n in graph.nodes if n.scoring in ("item", "direct", "survey")}
        self.schemas = {n.id: dict(n.fields) for n in self.scored.values()}
        self.veto_fields = {v.id: graph.fact_schema.get(v.id, {}) for v in graph.vetoes}
        self.declared_tags = set(graph.tags)
        self.progress: Callable[[int], None] | None = None

    def problem(
        self,
        code: str,
        msg: str,
        unit: str | None = None,
        fact: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems.append(Diagnostic(code, msg, file=self.file, unit=unit, fact=fact, hint=hint))

    # ------------------------------------------------------------ document and units

    def cohort(self, doc: dict[str, Any], digest: str | None) -> Cohort:
        for key in doc:
            if key not in _DOC_KEYS:
                hint = did_you_mean(key, _DOC_KEYS) or _('expected "units"')
                self.problem("DR305", _("unknown top-level key {key!r}").format(key=key), hint=hint)
        raw_units = doc.get("units")
        if not isinstance(raw_units, list):
            self.problem("DR301", _('the facts need a list of units: {"units": [...]}'))
            raise FactsError(self.problems)
        synthetic = doc.get("synthetic", False)
        if not isinstance(synthetic, bool):
            msg = _("synthetic must be true or false, got {shown}").format(shown=_shown(synthetic))
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
        )

    def units(self, raw_units: list[Any]) -> list[Unit]:
        units: list[Unit] = []
        seen: set[str] = set()
        progress = self.progress
        release = self.digits_checked  # the document is the reader's: nobody else holds it
        for position, raw in enumerate(raw_units, start=1):
            if progress is not None and position % _PROGRESS_EVERY == 0:
                progress(_PROGRESS_EVERY)
            if release:  # freed as the validated unit is made: the peak is one of the two
                raw_units[position - 1] = None
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
        for node_id, value in raw_facts.items():
            parsed = self.node_facts(unit_id, node_id, value)
            if parsed is not None:
                facts[node_id] = parsed
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
        return frozenset(tags)

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
            shown=_shown(value), node_id=node_id
        )
        self.problem(
            "DR305",
            msg,
            unit,
            node_id,
            _('give an object with: {wanted} (or "n/a")').format(wanted=wanted),
        )
        return None

    def unknown_node(self, unit: str, node_id: str) -> None:
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
        evidence, _kinds = self.evidence(unit, node.id, value.get("evidence", []))
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
        return parsed._replace(statement=statement) if parsed is not None else None

    def statement(self, unit: str, node_id: str, said: Any) -> str | None:
        """A statement of why a node does not apply (做出说明): non-blank text, or none."""
        if said is None:
            return None
        if isinstance(said, str) and said.strip():
            return said.strip()
        msg = _("a statement is the unit's explanation as text, got {shown}").format(
            shown=_shown(said)
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
                and (checked or _digits_fit(raw))
                and (field != "awarded" or most is None or 0 <= raw <= most)
            ):
                values[field] = raw
            elif field == "evidence":
                evidence, kinds = self.evidence(unit, node_id, raw)
            elif field == "note":
                note = str(raw)
            elif field == "statement" and node is not None:
                statement = self.statement(unit, node_id, raw)
            else:
                self.field(unit, node_id, node, schema, field, raw, values)
        if node is not None and node.clauses:
            self.elements_within_required(unit, node, values)
        return NodeFacts(values, evidence, False, note, kinds, statement)

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

    # ------------------------------------------------------------ values

    def when(
        self, unit: str, where: str, kind: str, raw: Any
    ) -> dt.date | dt.datetime | bool | None:
        """A dated fact; None for null (not done yet); False when invalid (reported)."""
        if raw is None:
            return None
        if isinstance(raw, dt.date):  # given as data through the API
            value: dt.date | dt.datetime = raw
        elif isinstance(raw, str):
            try:
                value = parse_when(raw)
            except ValueError as exc:
                self.problem("DR310", _("{where}: {exc}").format(where=where, exc=exc), unit, where)
                return False
        else:
            msg = _("{where} must be a date written as text, got {shown}").format(
                where=where, shown=_shown(raw)
            )
            self.problem("DR310", msg, unit, where, hint=_EXAMPLES)
            return False
        if kind == "datetime" and not isinstance(value, dt.datetime):
            msg = _("{where} needs a time of day for an hours deadline, got {shown}").format(
                where=where, shown=_shown(raw)
            )
            self.problem("DR310", msg, unit, where, hint=_("e.g. 2020-09-28 14:30"))
            return False
        return value

    def records(
        self, unit: str, where: str, raw: Any, fields: Mapping[str, str]
    ) -> tuple[Record, ...] | None:
        if not isinstance(raw, list):
            hint = _("[{{{fields}}}, ...]").format(fields=", ".join(f"{f!r}: ..." for f in fields))
            self.problem(
                "DR305",
                _("{where} must be a list of records").format(where=where),
                unit,
                where,
                hint,
            )
            return None
        out = [self.record(unit, f"{where}[{i}]", r, fields) for i, r in enumerate(raw, start=1)]
        good = [r for r in out if r is not None]
        return tuple(good) if len(good) == len(out) else None

    def record(self, unit: str, spot: str, record: Any, fields: Mapping[str, str]) -> Record | None:
        if not isinstance(record, dict):
            self.problem("DR305", _("{spot} must be an object").format(spot=spot), unit, spot)
            return None
        values: dict[str, RecordValue] = {}
        ok = True
        for field, value in record.items():
            kind = fields.get(field)
            if kind is None and field in _LABELS:  # labels kept for the audit
                if isinstance(value, str | Decimal | bool) or value is None:
                    values[field] = value
                    continue
                self.problem(
                    "DR305",
                    _("{spot}.{field} must be text").format(spot=spot, field=field),
                    unit,
                    spot,
                )
            elif kind is None:
                hint = did_you_mean(field, fields) or (
                    _("records here have {fields}").format(fields=", ".join(sorted(fields)))
                )
                self.problem(
                    "DR308",
                    _("unknown field {field!r} in {spot}").format(field=field, spot=spot),
                    unit,
                    spot,
                    hint,
                )
            else:
                parsed = self.when(unit, f"{spot}.{field}", kind, value)
                if parsed is not False:
                    values[field] = parsed
                    continue
            ok = False
        return values if ok else None

    def typed(self, unit: str, where: str, kind: str, raw: Any) -> Decimal | bool | None:
        if kind == "bool":
            return self.boolean(unit, where, raw)
        if kind == "rate" and isinstance(raw, str) and raw.strip().endswith("%"):
            number = self.number(unit, where, raw.strip()[:-1])
            number = None if number is None else number / 100
        else:
            number = self.number(unit, where, raw)
        if number is None:
            return None
        if kind == "count" and number < 0:
            msg = _("{where} is a count and cannot be negative, got {number}").format(
                where=where, number=number
            )
            self.problem("DR304", msg, unit, where)
            return None
        if kind == "count" and number != number.to_integral_value():
            msg = _("{where} is a count and must be a whole number, got {number}").format(
                where=where, number=number
            )
            self.problem("DR305", msg, unit, where)
            return None
        if kind == "rate" and not 0 <= number <= 1:
            msg = _("{where} is a rate between 0 and 1 (or 0%..100%), got {number}").format(
                where=where, number=number
            )
            self.problem("DR304", msg, unit, where)
            return None
        return number

    def boolean(self, unit: str, where: str, raw: Any) -> bool | None:
        """A yes/no fact: a JSON boolean; in a CSV cell, true/false or 是/否."""
        if isinstance(raw, bool):
            return raw
        if self.textual and isinstance(raw, str) and raw.strip().lower() in _TEXT_BOOLEANS:
            return _TEXT_BOOLEANS[raw.strip().lower()]
        hint = (
            _("true or false, without quotes") if not self.textual else _("true, false, 是 or 否")
        )
        self.problem(
            "DR305",
            _("{where} must be true or false, got {shown}").format(where=where, shown=_shown(raw)),
            unit,
            where,
            hint,
        )
        return None

    def number(self, unit: str, where: str, raw: Any) -> Decimal | None:
        """An exact number within the declared limits; None (reported) otherwise."""
        number: Decimal | LongNumber | None = None
        if isinstance(raw, float):
            msg = _("{where} is the binary float {raw!r}, which is not exact").format(
                where=where, raw=raw
            )
            hint = _('pass a string ("{raw!r}") or a Decimal').format(raw=raw)
            self.problem("DR305", msg, unit, where, hint)
            return None
        if isinstance(raw, Decimal | LongNumber):
            number = raw
        elif isinstance(raw, int) and not isinstance(raw, bool):
            number = Decimal(raw)
        elif isinstance(raw, str):
            try:
                number = to_decimal(raw.strip())
            except InvalidOperation:
                number = None
        if number is None or (isinstance(number, Decimal) and not number.is_finite()):
            got = json.dumps(raw) if raw is None or isinstance(raw, bool) else _shown(raw)
            self.problem(
                "DR305",
                _("{where} must be a number, got {got}").format(where=where, got=got),
                unit,
                where,
            )
            return None
        return self.within_limits(unit, where, number)

    def within_limits(self, unit: str, where: str, number: Decimal | LongNumber) -> Decimal | None:
        digits = number.digits if isinstance(number, LongNumber) else len(number.as_tuple().digits)
        if digits > MAX_DIGITS:
            msg = _("{where} has {digits} digits, over the limit of {max_digits}").format(
                where=where, digits=digits, max_digits=MAX_DIGITS
            )
            self.problem("DR312", msg, unit, where, _("see the limits on facts files"))
            return None
        assert isinstance(number, Decimal)
        if not number.is_zero() and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
            msg = _(
                "{where} is {shown}, out of range: numbers in the facts are "
                "0 or between 1e-{exponent} and 1e{top_exponent} in size"
            ).format(
                where=where,
                shown=_shown(number),
                exponent=MAX_EXPONENT,
                top_exponent=MAX_EXPONENT + 1,
            )
            self.problem("DR312", msg, unit, where, _("see the limits on facts files"))
            return None
        return number

    def evidence(
        self, unit: str, node_id: str, raw: Any
    ) -> tuple[tuple[Evidence, ...], frozenset[str]]:
        """The evidence entries, and the kinds they name (see :mod:`.evidence`)."""
        where = f"{node_id}.evidence"

        def report(msg: str, hint: str) -> None:
            self.problem("DR305", msg, unit, where, hint)

        def when(raw_day: Any, spot: str) -> dt.date | dt.datetime | bool | None:
            return self.when(unit, spot, "date", raw_day)

        return read_evidence(raw, where, report, when)
