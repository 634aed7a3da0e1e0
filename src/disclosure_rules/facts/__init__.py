"""Facts: loading and validating a cohort's facts against a compiled ruleset.

JSON (the format in docs/facts.md) and a long CSV form load into one model,
:class:`Cohort`. Validation collects every problem in the file and raises
them together as a :class:`~disclosure_rules.errors.FactsError`, each naming
the file, the unit and the fact. Numbers are read as ``Decimal`` (JSON floats
never enter); nothing that was given is dropped without a word: unknown
units, nodes and fields are errors, free-text notes are carried to the audit.

A *missing* fact is not an error here: the engine scores it 0 and says so
(or, in strict mode, refuses).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import attrs
from dateutil import parser as dateutil_parser

from ..decimals import ZERO
from ..errors import Diagnostic, FactsError, did_you_mean
from ..model.graph import EvaluationGraph, GraphNode
from ..model.rules import AllOrNothing, Awarded, DeductMissing

__all__ = [
    "Cohort",
    "Evidence",
    "NodeFacts",
    "Unit",
    "load_facts",
    "parse_when",
    "read_facts_document",
]


NA_WORDS = frozenset({"n/a", "na", "不适用"})
_UNIT_KEYS = frozenset({"id", "tags", "facts", "name", "note"})
_DOC_KEYS = frozenset({"units", "description", "synthetic", "ruleset"})


# Evidence and NodeFacts are named tuples, not attrs classes: a cohort holds one per
# unit and item (hundreds of thousands), and tuples are several times cheaper to make.


class Evidence(NamedTuple):
    """A piece of evidence: a URL or file name, with an optional kind (e.g. ``news``)."""

    ref: str
    kind: str | None = None

    def to_dict(self) -> dict[str, str] | str:
        return self.ref if self.kind is None else {"ref": self.ref, "kind": self.kind}


_NO_KINDS: frozenset[str] = frozenset()


class NodeFacts(NamedTuple):
    """What a unit supplied for one node. ``kinds``: the evidence kinds present."""

    values: Mapping[str, Decimal | bool]
    evidence: tuple[Evidence, ...] = ()
    not_applicable: bool = False
    note: str | None = None
    kinds: frozenset[str] = _NO_KINDS


def _kinds(evidence: tuple[Evidence, ...]) -> frozenset[str]:
    if all(e.kind is None for e in evidence):
        return _NO_KINDS
    return frozenset(e.kind for e in evidence if e.kind is not None)


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

    def unit(self, unit_id: str) -> Unit:
        for u in self.units:
            if u.id == unit_id:
                return u
        msg = f"no unit {unit_id!r} in the facts"
        hint = did_you_mean(unit_id, (u.id for u in self.units))
        raise FactsError(Diagnostic("DR302", msg, file=self.source, unit=unit_id, hint=hint))


# ---------------------------------------------------------------- dates

# Year first, then month and day, with -, /, . or 年月日; optionally a time with : or 时分秒.
_WHEN = re.compile(
    r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|\s*T\s*|\s*(?=\d))(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*[:]?\s*(\d{1,2})\s*秒?)?)?\s*"
)
_EXAMPLES = "2020-09-28, 2020/9/28, 2020.9.28, 2020年9月28日, or with a time: 2020-09-28 14:30"


def parse_when(text: str) -> dt.date | dt.datetime:
    """A date or date-time as Chinese offices write them; ValueError says why not.

    ``2020-09-28``, ``2020/9/28``, ``2020.9.28``, ``2020年9月28日`` and the same with a
    time (``2020-09-28 14:30``, ``2020年9月28日14时30分``). The year must come first:
    ``09/10/2020`` is ambiguous (September or October?) and is refused.
    """
    m = _WHEN.fullmatch(text)
    if m is None:
        if re.search(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}", text):
            raise ValueError(f"{text!r} is ambiguous: write the year first ({_EXAMPLES})")
        raise ValueError(f"{text!r} is not a date ({_EXAMPLES})")
    year, month, day, hour, minute, second = m.groups()
    normal = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is not None:
        normal += f"T{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}"
    try:
        parsed = dateutil_parser.isoparse(normal)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None
    return parsed if hour is not None else parsed.date()


# ---------------------------------------------------------------- reading


def read_facts_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a facts file (``.json`` or ``.csv``) into the raw JSON-shaped document."""
    return _read(path)[0]


def _read(path: str | os.PathLike[str]) -> tuple[dict[str, Any], str]:
    """The document and the hash of the file's bytes."""
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        msg = f"cannot read facts file: {exc.strerror or exc}"
        raise FactsError(Diagnostic("DR301", msg, file=name)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"the facts file is not valid UTF-8 (offset {exc.start})"
        raise FactsError(Diagnostic("DR301", msg, file=name, hint="save it as UTF-8")) from None
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    if name.lower().endswith(".csv"):
        return _csv_document(text, name), digest
    return _json_document(text, name), digest


def _json_document(text: str, file: str) -> dict[str, Any]:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise _DuplicateKey(key)
            out[key] = value
        return out

    try:
        doc = json.loads(text, parse_float=Decimal, object_pairs_hook=pairs)
    except _DuplicateKey as exc:
        msg = f"key {exc.key!r} appears twice in one object; the second would hide the first"
        raise FactsError(Diagnostic("DR301", msg, file=file)) from None
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise FactsError(Diagnostic("DR301", msg, file=file)) from None
    if not isinstance(doc, dict):
        msg = 'a facts file is a JSON object: {"units": [...]}'
        raise FactsError(Diagnostic("DR301", msg, file=file))
    return doc


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


_CSV_COLUMNS = ("unit", "tags", "node", "field", "value", "kind")


def _csv_document(text: str, file: str) -> dict[str, Any]:
    """Long CSV: one row per (unit, node, field); ``evidence`` rows carry a ref and kind."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("unit", "node", "value") if c not in (reader.fieldnames or [])]
    if missing:
        msg = f"the CSV lacks column(s) {', '.join(missing)}; expected {', '.join(_CSV_COLUMNS)}"
        raise FactsError(Diagnostic("DR301", msg, file=file))
    extra = [c for c in reader.fieldnames or [] if c not in _CSV_COLUMNS]
    if extra:
        msg = f"unknown CSV column(s) {', '.join(extra)}; expected {', '.join(_CSV_COLUMNS)}"
        raise FactsError(Diagnostic("DR301", msg, file=file))
    units: dict[str, dict[str, Any]] = {}
    problems: list[Diagnostic] = []
    for row_no, row in enumerate(reader, start=2):
        unit_id = (row.get("unit") or "").strip()
        if not unit_id:
            problems.append(Diagnostic("DR301", f"row {row_no}: no unit id", file=file))
            continue
        unit = units.setdefault(unit_id, {"id": unit_id, "tags": None, "facts": {}})
        tags = [t.strip() for t in (row.get("tags") or "").split(";") if t.strip()]
        if tags:
            if unit["tags"] is not None and unit["tags"] != tags:
                msg = f"row {row_no}: tags {';'.join(tags)} differ from an earlier row's"
                problems.append(Diagnostic("DR305", msg, file=file, unit=unit_id))
            unit["tags"] = tags
        node = (row.get("node") or "").strip()
        field = (row.get("field") or "").strip()
        value = (row.get("value") or "").strip()
        if not node:
            if value or field:
                msg = f"row {row_no}: a value with no node"
                problems.append(Diagnostic("DR301", msg, file=file, unit=unit_id))
            continue
        facts = unit["facts"]
        if not field:
            if node in facts:
                msg = f"row {row_no}: {node} is given twice"
                problems.append(Diagnostic("DR301", msg, file=file, unit=unit_id, fact=node))
            facts[node] = value
            continue
        entry = facts.setdefault(node, {})
        if not isinstance(entry, dict):
            msg = f"row {row_no}: {node} already has a plain value"
            problems.append(Diagnostic("DR301", msg, file=file, unit=unit_id, fact=node))
            continue
        if field == "evidence":
            kind = (row.get("kind") or "").strip()
            entry.setdefault("evidence", []).append({"ref": value, "kind": kind} if kind else value)
        elif field in entry:
            msg = f"row {row_no}: {node}.{field} is given twice"
            problems.append(
                Diagnostic("DR301", msg, file=file, unit=unit_id, fact=f"{node}.{field}")
            )
        else:
            entry[field] = value
    if problems:
        raise FactsError(problems)
    for unit in units.values():
        unit["tags"] = unit["tags"] or []
    return {"units": list(units.values())}


# ---------------------------------------------------------------- validating


def load_facts(
    source: str | os.PathLike[str] | Mapping[str, Any] | Cohort,
    graph: EvaluationGraph,
    *,
    file: str | None = None,
) -> Cohort:
    """Load facts from a path, or validate an already-read document, against ``graph``.

    The cohort's hash is the SHA-256 of the file's bytes, or, for a document given as
    data, of its canonical JSON (sorted keys, no spaces, numbers as written).
    """
    if isinstance(source, Cohort):
        return source
    digest = None
    if isinstance(source, Mapping):
        doc = dict(source)
        name = file or "<facts>"
    else:
        name = os.fspath(source)
        doc, digest = _read(name)
    # validation makes a few objects per cell and no cycles: pause the cyclic collector
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Validator(graph, name).cohort(doc, digest)
    finally:
        if collecting:
            gc.enable()


def facts_hash(doc: Mapping[str, Any]) -> str:
    """SHA-256 of a facts document's canonical JSON."""
    canonical = json.dumps(
        doc, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


class _Validator:
    def __init__(self, graph: EvaluationGraph, file: str) -> None:
        self.g = graph
        self.file = file
        self.problems: list[Diagnostic] = []
        self.scored = {n.id: n for n in graph.nodes if n.scoring in ("item", "direct", "survey")}
        self.veto_fields = {v.id: graph.fact_schema.get(v.id, {}) for v in graph.vetoes}
        self.declared_tags = set(graph.tags)

    def problem(
        self,
        code: str,
        msg: str,
        unit: str | None = None,
        fact: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems.append(Diagnostic(code, msg, file=self.file, unit=unit, fact=fact, hint=hint))

    def cohort(self, doc: dict[str, Any], digest: str | None = None) -> Cohort:
        for key in doc:
            if key not in _DOC_KEYS:
                self.problem(
                    "DR305",
                    f"unknown top-level key {key!r}",
                    hint=did_you_mean(key, _DOC_KEYS) or 'expected "units"',
                )
        raw_units = doc.get("units")
        if not isinstance(raw_units, list):
            self.problem("DR301", 'the facts need a list of units: {"units": [...]}')
            raise FactsError(self.problems)
        units: list[Unit] = []
        seen: set[str] = set()
        for position, raw in enumerate(raw_units, start=1):
            unit = self.unit(raw, position)
            if unit is None:
                continue
            if unit.id in seen:
                self.problem(
                    "DR303",
                    f"unit {unit.id!r} appears more than once",
                    unit.id,
                    hint="each unit is listed once, with all its facts",
                )
                continue
            seen.add(unit.id)
            units.append(unit)
        if not units and not self.problems:
            self.problem("DR301", "the facts list no units")
        if self.problems:
            raise FactsError(self.problems)
        description = doc.get("description")
        return Cohort(
            tuple(units),
            self.file,
            digest or facts_hash(doc),
            description=str(description) if description is not None else None,
            synthetic=bool(doc.get("synthetic", False)),
        )

    def unit(self, raw: Any, position: int) -> Unit | None:
        if not isinstance(raw, dict):
            self.problem(
                "DR305", f"unit #{position} is not an object", hint='{"id": ..., "facts": {...}}'
            )
            return None
        unit_id = raw.get("id")
        if not isinstance(unit_id, str) or not unit_id.strip():
            self.problem("DR305", f"unit #{position} has no id (a non-empty string)")
            return None
        for key in raw:
            if key not in _UNIT_KEYS:
                self.problem(
                    "DR305",
                    f"unknown key {key!r} in unit",
                    unit_id,
                    hint=did_you_mean(key, _UNIT_KEYS),
                )
        tags = raw.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.problem("DR305", "tags must be a list of strings", unit_id)
            tags = []
        if self.declared_tags:
            for tag in tags:
                if tag not in self.declared_tags:
                    self.problem(
                        "DR309",
                        f"unknown tag {tag!r}",
                        unit_id,
                        hint=did_you_mean(tag, self.declared_tags)
                        or f"the ruleset's tags are {', '.join(sorted(self.declared_tags))}",
                    )
        raw_facts = raw.get("facts", {})
        if not isinstance(raw_facts, dict):
            self.problem("DR305", "facts must be an object keyed by item id", unit_id)
            raw_facts = {}
        facts: dict[str, NodeFacts] = {}
        for node_id, value in raw_facts.items():
            parsed = self.node_facts(unit_id, node_id, value)
            if parsed is not None:
                facts[node_id] = parsed
        return Unit(unit_id, frozenset(tags), facts, name=raw.get("name"), note=raw.get("note"))

    def node_facts(self, unit: str, node_id: str, value: Any) -> NodeFacts | None:
        node = self.scored.get(node_id)
        if node is None:
            if node_id in self.veto_fields:
                return self.fields(unit, node_id, None, self.veto_fields[node_id], value)
            if node_id in self.g.by_id:
                kind = self.g.node(node_id).kind
                self.problem(
                    "DR302", f"{node_id!r} is a {kind}: facts go on its items", unit, node_id
                )
            else:
                self.problem(
                    "DR302",
                    f"unknown item {node_id!r}",
                    unit,
                    node_id,
                    did_you_mean(node_id, [*self.scored, *self.veto_fields]),
                )
            return None
        if isinstance(value, str) and value.strip().lower() in NA_WORDS:
            return self.not_applicable(unit, node, None)
        if isinstance(value, dict) and value.get("not_applicable") is True:
            evidence = self.evidence(unit, node_id, value.get("evidence", []))
            extra = set(value) - {"not_applicable", "evidence", "note"}
            if extra:
                self.problem(
                    "DR308",
                    f"a not-applicable cell takes only evidence and note, "
                    f"not {', '.join(sorted(extra))}",
                    unit,
                    node_id,
                )
            return self.not_applicable(unit, node, (evidence, value.get("note")))
        schema = dict(node.fields)
        if node.scoring == "direct":
            return self.direct(unit, node, value)
        if isinstance(value, dict):
            return self.fields(unit, node_id, node, schema, value)
        # shorthands: a number for an awarded item, a boolean for an all-or-nothing one
        if (
            isinstance(node.base, Awarded)
            and "awarded" in schema
            and not isinstance(value, bool | dict)
        ):
            return self.fields(unit, node_id, node, schema, {"awarded": value})
        if isinstance(node.base, AllOrNothing) and isinstance(value, bool):
            return self.fields(unit, node_id, node, schema, {"met": value})
        wanted = ", ".join(sorted(schema)) or "evidence"
        self.problem(
            "DR305",
            f"{value!r} is not a valid value for {node_id!r}",
            unit,
            node_id,
            f'give an object with: {wanted} (or "n/a")',
        )
        return None

    def not_applicable(
        self, unit: str, node: GraphNode, extra: tuple[tuple[Evidence, ...], Any] | None
    ) -> NodeFacts | None:
        if node.na is None:
            self.problem(
                "DR306",
                f"{node.id!r} is given as not applicable, but the ruleset has no "
                "not_applicable policy for it",
                unit,
                node.id,
                "give its facts, or add a not_applicable policy to the ruleset",
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
                self.problem(
                    "DR308",
                    f"unknown field(s) {', '.join(sorted(extra))}",
                    unit,
                    node.id,
                    'a score component takes {"score": N}',
                )
            value = value.get("score")
        number = self.number(unit, node.id, value)
        if number is None:
            return None
        low, high = node.direct_range or (Decimal(0), node.points)
        if not low <= number <= high:
            self.problem("DR304", f"score {number} is outside {low}..{high}", unit, node.id)
            return None
        return NodeFacts({"score": number})

    def fields(
        self, unit: str, node_id: str, node: GraphNode | None, schema: Mapping[str, str], value: Any
    ) -> NodeFacts | None:
        if not isinstance(value, dict):
            self.problem(
                "DR305",
                f"facts for {node_id!r} must be an object",
                unit,
                node_id,
                f"fields: {', '.join(sorted(schema))}",
            )
            return None
        values: dict[str, Decimal | bool] = {}
        evidence: tuple[Evidence, ...] = ()
        note = None
        for field, raw in value.items():
            kind = schema.get(field)
            if (  # the common case: a finite decimal for a number field, within range
                kind == "number"
                and type(raw) is Decimal
                and raw.is_finite()
                and (field != "awarded" or node is None or ZERO <= raw <= node.points)
            ):
                values[field] = raw
                continue
            where = f"{node_id}.{field}"
            if field == "evidence":
                evidence = self.evidence(unit, node_id, raw)
                continue
            if field == "note":
                note = str(raw)
                continue
            if kind is None:
                self.problem(
                    "DR308",
                    f"unknown fact {where}",
                    unit,
                    where,
                    did_you_mean(field, schema)
                    or f"{node_id} reads: {', '.join(sorted(schema)) or 'no fields'}",
                )
                continue
            if kind in ("date", "datetime"):  # null: not done (yet)
                when = self.when(unit, where, kind, raw)
                if when is not False:
                    values[field] = when  # type: ignore[assignment]
                continue
            if kind == "records":
                record_fields = dict(dict(node.record_fields)[field]) if node is not None else {}
                records = self.records(unit, where, raw, record_fields)
                if records is not None:
                    values[field] = records  # type: ignore[assignment]
                continue
            parsed = self.typed(unit, where, kind, raw)
            if parsed is None:
                continue
            if field == "awarded" and node is not None and not isinstance(parsed, bool):
                if parsed > node.points:
                    self.problem(
                        "DR304",
                        f"awarded {parsed} is above the item's maximum of {node.points}",
                        unit,
                        where,
                    )
                    continue
                if parsed < 0:
                    self.problem("DR304", f"awarded {parsed} is negative", unit, where)
                    continue
            values[field] = parsed
        if node is not None and node.clauses:
            for clause in node.clauses:
                if isinstance(clause, DeductMissing) and clause.fact in values:
                    present = values[clause.fact]
                    if (
                        isinstance(present, Decimal)
                        and clause.of is not None
                        and present > clause.of
                    ):
                        self.problem(
                            "DR304",
                            f"{node_id}.{clause.fact} is {present}, more than the "
                            f"{clause.of} required elements",
                            unit,
                            f"{node_id}.{clause.fact}",
                        )
        return NodeFacts(values, evidence, False, note, _kinds(evidence))

    def when(
        self, unit: str, where: str, kind: str, raw: Any, nullable: bool = True
    ) -> dt.date | dt.datetime | bool | None:
        """A dated fact; None for null (not done yet); False when invalid (reported)."""
        if raw is None and nullable:
            return None
        if not isinstance(raw, str):
            self.problem(
                "DR310",
                f"{where} must be a date written as text, got {raw!r}",
                unit,
                where,
                hint=_EXAMPLES,
            )
            return False
        try:
            value = parse_when(raw)
        except ValueError as exc:
            self.problem("DR310", f"{where}: {exc}", unit, where)
            return False
        if kind == "datetime" and not isinstance(value, dt.datetime):
            self.problem(
                "DR310",
                f"{where} needs a time of day for an hours deadline, got {raw!r}",
                unit,
                where,
                hint="e.g. 2020-09-28 14:30",
            )
            return False
        return value

    def records(
        self, unit: str, where: str, raw: Any, fields: Mapping[str, str]
    ) -> tuple[Mapping[str, Any], ...] | None:
        if not isinstance(raw, list):
            self.problem(
                "DR305",
                f"{where} must be a list of records",
                unit,
                where,
                hint=f"[{{{', '.join(f'{f!r}: ...' for f in fields)}}}, ...]",
            )
            return None
        out = []
        ok = True
        for i, record in enumerate(raw, start=1):
            spot = f"{where}[{i}]"
            if not isinstance(record, dict):
                self.problem("DR305", f"{spot} must be an object", unit, spot)
                ok = False
                continue
            values: dict[str, Any] = {}
            for field, value in record.items():
                kind = fields.get(field)
                if kind is None:
                    if field in ("title", "id", "ref", "note", "url"):
                        values[field] = value  # labels kept for the audit
                        continue
                    self.problem(
                        "DR308",
                        f"unknown field {field!r} in {spot}",
                        unit,
                        spot,
                        did_you_mean(field, fields)
                        or f"records here have {', '.join(sorted(fields))}",
                    )
                    ok = False
                    continue
                parsed = self.when(unit, f"{spot}.{field}", kind, value)
                if parsed is False:
                    ok = False
                else:
                    values[field] = parsed
            out.append(values)
        return tuple(out) if ok else None

    def typed(self, unit: str, where: str, kind: str, raw: Any) -> Decimal | bool | None:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "是", "否"):
                return raw.strip().lower() in ("true", "是")
            self.problem("DR305", f"{where} must be true or false, got {raw!r}", unit, where)
            return None
        if kind == "rate" and isinstance(raw, str) and raw.strip().endswith("%"):
            number = self.number(unit, where, raw.strip()[:-1])
            number = None if number is None else number / 100
        else:
            number = self.number(unit, where, raw)
        if number is None:
            return None
        if kind == "count":
            if number < 0:
                self.problem(
                    "DR304", f"{where} is a count and cannot be negative, got {number}", unit, where
                )
                return None
            if number != number.to_integral_value():
                self.problem(
                    "DR305",
                    f"{where} is a count and must be a whole number, got {number}",
                    unit,
                    where,
                )
                return None
        if kind == "rate" and not 0 <= number <= 1:
            self.problem(
                "DR304",
                f"{where} is a rate between 0 and 1 (or 0%..100%), got {number}",
                unit,
                where,
            )
            return None
        return number

    def number(self, unit: str, where: str, raw: Any) -> Decimal | None:
        if isinstance(raw, bool) or raw is None:
            self.problem("DR305", f"{where} must be a number, got {json.dumps(raw)}", unit, where)
            return None
        if isinstance(raw, Decimal | int | float):
            number = raw if isinstance(raw, Decimal) else Decimal(str(raw))
            if number.is_finite():
                return number
        if isinstance(raw, str):
            try:
                parsed = Decimal(raw.strip())
            except InvalidOperation:
                parsed = None
            if parsed is not None and parsed.is_finite():
                return parsed
        self.problem("DR305", f"{where} must be a number, got {raw!r}", unit, where)
        return None

    def evidence(self, unit: str, node_id: str, raw: Any) -> tuple[Evidence, ...]:
        if isinstance(raw, str | dict):
            raw = [raw]
        if not isinstance(raw, list):
            self.problem(
                "DR305",
                "evidence must be a list of strings or {ref, kind} objects",
                unit,
                f"{node_id}.evidence",
            )
            return ()
        out: list[Evidence] = []
        for entry in raw:
            if type(entry) is str and entry and not entry[0].isspace() and not entry[-1].isspace():
                out.append(Evidence(entry))
            elif isinstance(entry, str) and entry.strip():
                out.append(Evidence(entry.strip()))
            elif (
                isinstance(entry, dict)
                and isinstance(entry.get("ref"), str)
                and set(entry) <= {"ref", "kind"}
            ):
                kind = entry.get("kind")
                out.append(Evidence(entry["ref"], str(kind) if kind else None))
            else:
                self.problem(
                    "DR305",
                    f"bad evidence entry {entry!r}",
                    unit,
                    f"{node_id}.evidence",
                    'a URL or file name, or {"ref": ..., "kind": ...}',
                )
        return tuple(out)
