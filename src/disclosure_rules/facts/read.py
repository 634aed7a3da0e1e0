"""Reading facts files: the first step of loading facts, before validation.

A JSON file or a long CSV file becomes one JSON-shaped document (``{"units":
[...]}``), read in one pass with every number parsed straight to ``Decimal``
(no binary float ever holds a fact). What cannot be a facts document is
refused here with a DR3xx diagnostic naming the file: bytes that are not
UTF-8, malformed JSON, a key repeated in one object, NaN or Infinity, JSON
nested deeper than the reader follows, a CSV without its columns, a row with
more cells than the header, a cell over the CSV field limit. Numbers beyond
the declared limits (:data:`MAX_DIGITS`, :data:`MAX_EXPONENT`) are kept as
:class:`LongNumber` so the validator can name the unit and the fact.

JSON is read by msgspec (several times faster than the standard library's
``json``), with every number that has a fraction or an exponent handed to
``Decimal`` as written. The whole text is checked for well-formedness first, but
each unit is kept as its bytes (:class:`UnitStream`) and read into objects only
when validation reaches it, then released: a large cohort never exists twice in
memory, once as JSON objects and once validated, and the reading runs over one
unit's worth of memory at a time.

msgspec keeps the last of a key repeated in one object silently, so the fast
reading is checked: each unit is taken from it only when the number of keys
written in its text equals the number of keys in the objects read (a repeated
key makes the second smaller), and so is the rest of the document. When the count
cannot be made exactly, or msgspec refuses the text, the standard library's
``json`` reads it again with a hook on every object: it names the repeated key,
and its messages locate any syntax error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from ..errors import Diagnostic, FactsError
from ..files import FileProblem, read_input
from ..i18n import _

__all__ = [
    "MAX_CSV_FIELD",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "FactsFile",
    "LongNumber",
    "NotExact",
    "UnitStream",
    "exact_document",
    "read_facts_document",
    "read_facts_file",
]

MAX_DIGITS = 40
"""Digits a number in the facts may have: every sum and product of scores stays exact
in the engine's 80-digit arithmetic."""

MAX_EXPONENT = 40
"""Largest power of ten a number in the facts may reach (``1e40``; and, for a number
that is not zero, ``1e-40`` the smallest)."""

MAX_CSV_FIELD = 128 * 1024
"""Characters in one CSV cell (the csv module's own limit, declared)."""

MAX_FACTS_BYTES = 1024 * 1024 * 1024
"""The largest facts file read (1 GiB: some million units); read in bounded chunks, so a
file that grows while it is read is caught too."""

_CSV_COLUMNS = ("unit", "tags", "node", "field", "value", "kind")
_TEXT_FIELDS = frozenset({"evidence", "note", "statement"})


class FactsFile(NamedTuple):
    """A facts file as read: the document, the SHA-256 of its bytes, and whether its
    values are text (CSV cells), which lets yes/no facts be written ``true``/``是``."""

    document: dict[str, Any]
    digest: str
    textual: bool


class LongNumber:
    """A number written with more than :data:`MAX_DIGITS` digits, kept as written."""

    __slots__ = ("digits", "text")

    def __init__(self, text: str, digits: int) -> None:
        self.text = text
        self.digits = digits

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text if len(self.text) <= 24 else f"{self.text[:20]}… ({len(self.text)} chars)"


def to_decimal(text: str) -> Decimal | LongNumber:
    """A number as written, exactly; over :data:`MAX_DIGITS` digits, a LongNumber."""
    if len(text) > MAX_DIGITS:  # cheap: only a long literal can have too many digits
        mantissa = text.lower().split("e", 1)[0]
        digits = sum(ch.isdigit() for ch in mantissa)
        if digits > MAX_DIGITS:
            return LongNumber(text, digits)
    return Decimal(text)


def read_facts_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a facts file (``.json`` or ``.csv``) into the raw JSON-shaped document."""
    read = read_facts_file(path)
    doc = read.document
    units = doc.get("units")
    if isinstance(units, UnitStream):
        try:
            doc["units"] = list(units)
        except NotExact:
            return exact_document(units.data, os.fspath(path))
    return doc


def read_facts_file(path: str | os.PathLike[str]) -> FactsFile:
    """The document, the hash of the file's bytes, and whether its values are text."""
    name = os.fspath(path)
    try:
        data = read_input(name, limit=MAX_FACTS_BYTES, what="facts file", unreadable="DR301")
    except FileProblem as exc:  # raised as what it is to a caller of the API: bad facts
        raise FactsError(exc.diagnostics) from None
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    if name.lower().endswith(".csv"):
        return FactsFile(_CsvReader(name).document(_text(data, name)), digest, True)
    return FactsFile(json_document(data, name), digest, False)


def _text(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = _("the facts file is not valid UTF-8 (offset {start})").format(start=exc.start)
        raise FactsError(Diagnostic("DR301", msg, file=file, hint=_("save it as UTF-8"))) from None


# ---------------------------------------------------------------- JSON


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _NotANumber(Exception):
    def __init__(self, word: str) -> None:
        self.word = word


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # rare: find the key that came twice
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _constant(word: str) -> Any:
    raise _NotANumber(word)


_FAST_DEPTH = 64
"""Nesting followed by the fast reading's key count; deeper documents (a facts document
nests seven levels) are left to the exact reading and its limit."""


class NotExact(Exception):
    """The fast reading of a unit (or of the rest of the document) is not provably the
    exact reading's: the caller reads the document again with :func:`exact_document`."""


def _keys_read(node: dict[str, Any] | list[Any], depth: int = 0) -> int:
    """The keys of every object in a document as read (a repeated key counted once);
    on the way, every whole number becomes a ``Decimal``, as the exact reading gives it."""
    if depth > _FAST_DEPTH:
        raise NotExact
    total = 0
    items: Any
    if type(node) is dict:
        total = len(node)
        items = node.items()
    else:
        items = enumerate(node)
    for key, value in items:
        kind = type(value)
        if kind is int:
            node[key] = _WHOLE.get(value) or Decimal(value)
        elif kind is dict or kind is list:
            total += _keys_read(value, depth + 1)
    return total


def _unit_keys_read(unit: Any) -> int:
    """:func:`_keys_read` of one unit, the common shape (facts keyed by node, each an
    object of values) walked without a call per object."""
    if type(unit) is not dict or type(facts := unit.get("facts")) is not dict:
        return _keys_read(unit) if type(unit) is dict or type(unit) is list else 0
    total = len(unit) + len(facts)
    for key, value in unit.items():
        if key == "facts":
            continue
        if type(value) is dict or type(value) is list:
            total += _keys_read(value, 1)
        elif type(value) is int:
            unit[key] = _WHOLE.get(value) or Decimal(value)
    for cell in facts.values():
        if type(cell) is not dict:
            if type(cell) is list:
                total += _keys_read(cell, 2)
            continue
        total += len(cell)
        for field, value in cell.items():
            kind = type(value)
            if kind is int:
                cell[field] = _WHOLE.get(value) or Decimal(value)
            elif kind is dict:  # evidence, typed: an object of references, mostly
                total += len(value)
                for name, inner in value.items():
                    if type(inner) is dict or type(inner) is list:
                        total += _keys_read(inner, 4)
                    elif type(inner) is int:
                        value[name] = _WHOLE.get(inner) or Decimal(inner)
            elif kind is list:
                total += _keys_read(value, 3)
    for node, cell in facts.items():
        if type(cell) is int:
            facts[node] = _WHOLE.get(cell) or Decimal(cell)
    return total


_SPACE_BEFORE_COLON = re.compile(rb'"[ \t\r\n]+:')
_WHOLE = {n: Decimal(n) for n in range(1, 1001)}
"""The whole numbers facts mostly give, one shared ``Decimal`` each (zero, which is
false, and the rest are made as read)."""
_NEGATIVE_ZERO = re.compile(rb"-0(?![.\deE])")
_BOM = b"\xef\xbb\xbf"


class UnitStream:
    """The units of a JSON facts document, each kept as its text until it is read.

    Iterating reads each unit with msgspec, checks its keys (a repeated key raises
    :exc:`NotExact`), hands it over and lets its text go; the rest of the document's
    keys are checked when the last unit has been read. It can be iterated once.
    """

    __slots__ = ("_data", "_keys_left", "_raws")

    def __init__(self, raws: list[Any], data: bytes, keys_left: int) -> None:
        self._raws: list[Any] | None = raws
        self._data = data  # for the exact reading, should a unit need it
        self._keys_left = keys_left  # keys written in the text, less those read so far

    def __len__(self) -> int:
        return len(self._raws) if self._raws is not None else 0

    @property
    def data(self) -> bytes:
        """The document's bytes, for reading it again exactly."""
        return self._data

    def __iter__(self) -> Iterator[Any]:
        raws = self._raws
        if raws is None:
            raise RuntimeError("a UnitStream is read once")
        self._raws = None
        import msgspec

        decode = _decoder().decode
        left = self._keys_left
        for position, raw in enumerate(raws):
            raws[position] = None  # released as it is read
            try:
                unit = decode(raw)
                read = _unit_keys_read(unit)
            except (msgspec.DecodeError, RecursionError, ValueError, ArithmeticError):
                raise NotExact from None
            if read != bytes(raw).count(b'":'):
                raise NotExact
            left -= read
            yield unit
        if left != 0:  # a key of the document's own repeated, or a count not exact
            raise NotExact


def _decoder() -> Any:
    import msgspec  # imported on first use: only reading JSON facts needs it

    return msgspec.json.Decoder(float_hook=to_decimal)


def _fast_document(data: bytes) -> dict[str, Any] | None:
    """The document read by msgspec, its units as a :class:`UnitStream`, when the
    reading can be proved to be the exact one's as it goes; or None."""
    import msgspec

    if _SPACE_BEFORE_COLON.search(data) or _NEGATIVE_ZERO.search(data):
        return None  # a key the count would miss, or a -0, which msgspec reads as 0
    try:
        outline = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
        units = outline.get("units")
        raws = msgspec.json.decode(units, type=list[msgspec.Raw]) if units is not None else None
        doc: dict[str, Any] = {}
        keys = len(outline)
        for key, raw in outline.items():
            if key == "units":
                continue
            value = doc[key] = _decoder().decode(raw)
            if type(value) is dict or type(value) is list:
                keys += _keys_read(value)
            elif type(value) is int:
                doc[key] = _WHOLE.get(value) or Decimal(value)
    except (msgspec.DecodeError, NotExact, RecursionError, ValueError, ArithmeticError):
        return None
    keys_left = data.count(b'":') - keys
    if raws is None:
        return doc if keys_left == 0 else None
    doc["units"] = UnitStream(raws, data, keys_left)
    return doc


def json_document(data: bytes, file: str) -> dict[str, Any]:
    """A JSON facts document: exact numbers, no repeated keys, no NaN or Infinity.

    Every number is a ``Decimal`` (or, over :data:`MAX_DIGITS` digits with a fraction
    or exponent, a :class:`LongNumber`). Its ``units`` may be a :class:`UnitStream`,
    read as it is iterated; should it raise :exc:`NotExact`, read the document again
    with :func:`exact_document`.
    """
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    doc = _fast_document(data)
    if doc is None:
        doc = exact_document(data, file)
    return doc


def exact_document(data: bytes, file: str) -> dict[str, Any]:
    """The document as the standard library's ``json`` reads it (see the module)."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    doc = _exact_document(_text(data, file), file)
    if not isinstance(doc, dict):
        msg = _('a facts file is a JSON object: {"units": [...]}')
        raise FactsError(Diagnostic("DR301", msg, file=file))
    return doc


def _exact_document(text: str, file: str) -> Any:
    """The standard library's reading, which names a repeated key and locates errors."""

    def fail(msg: str, code: str = "DR301", hint: str | None = None) -> FactsError:
        return FactsError(Diagnostic(code, msg, file=file, hint=hint))

    try:
        doc = json.loads(
            text,
            parse_float=to_decimal,
            # an integer's digits are bounded by the exponent limit the validator checks
            parse_int=Decimal,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except _DuplicateKey as exc:
        msg = _("key {key!r} appears twice in one object; the second would hide the first")
        raise fail(msg.format(key=exc.key)) from None
    except _NotANumber as exc:
        raise fail(
            _("{word} is not a number: JSON numbers are finite").format(word=exc.word)
        ) from None
    except json.JSONDecodeError as exc:
        msg = _("not valid JSON: {reason} at line {line}, column {column}")
        raise fail(msg.format(reason=exc.msg, line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        msg = _("the JSON nests deeper than the reader follows (about 900 levels)")
        raise fail(msg, "DR313", _("a facts document nests seven levels at most")) from None
    return doc


# ---------------------------------------------------------------- CSV


def _cell_value(text: str) -> Decimal | LongNumber | str:
    """A CSV value: a finite number read exactly, anything else kept as text."""
    if text and text[0] in "+-.0123456789":
        try:
            number = to_decimal(text)
        except InvalidOperation:
            return text
        if isinstance(number, LongNumber) or number.is_finite():
            return number
    return text


class _CsvReader:
    """Long CSV: one row per (unit, node, field); ``evidence`` rows carry a ref and kind."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.units: dict[str, dict[str, Any]] = {}
        self.problems: list[Diagnostic] = []

    def problem(
        self, code: str, msg: str, unit: str | None = None, fact: str | None = None
    ) -> None:
        self.problems.append(Diagnostic(code, msg, file=self.file, unit=unit, fact=fact))

    def document(self, text: str) -> dict[str, Any]:
        reader = csv.reader(io.StringIO(text))
        try:
            columns = self.header(next(reader, []))
            for row_no, cells in enumerate(reader, start=2):
                if cells:
                    self.row(row_no, columns, cells)
        except csv.Error as exc:
            self.csv_error(exc, reader.line_num)
        if self.problems:
            raise FactsError(self.problems)
        for unit in self.units.values():
            unit["tags"] = unit["tags"] or []
        return {"units": list(self.units.values())}

    def header(self, names: list[str]) -> dict[str, int]:
        missing = [c for c in ("unit", "node", "value") if c not in names]
        extra = [c for c in names if c not in _CSV_COLUMNS]
        expected = ", ".join(_CSV_COLUMNS)
        if missing:
            msg = _("the CSV lacks column(s) {missing}; expected {expected}").format(
                missing=", ".join(missing), expected=expected
            )
            raise FactsError(Diagnostic("DR301", msg, file=self.file))
        if extra:
            msg = _("unknown CSV column(s) {extra}; expected {expected}").format(
                extra=", ".join(extra), expected=expected
            )
            raise FactsError(Diagnostic("DR301", msg, file=self.file))
        return {name: i for i, name in enumerate(names)}

    def csv_error(self, exc: csv.Error, line: int) -> None:
        if "field larger than field limit" in str(exc):
            msg = _(
                "line {line}: a cell is longer than {max_chars:,} characters "
                "({kib} KiB), the limit for one CSV cell"
            ).format(line=line, max_chars=MAX_CSV_FIELD, kib=MAX_CSV_FIELD // 1024)
            self.problem("DR314", msg)
        else:
            self.problem(
                "DR301", _("line {line}: not a readable CSV row ({exc})").format(line=line, exc=exc)
            )

    def row(self, row_no: int, columns: dict[str, int], cells: list[str]) -> None:
        if len(cells) > len(columns):
            msg = _(
                "row {row_no} has {cells} cells but the header names "
                "{columns} columns; the extra cells would be lost"
            ).format(row_no=row_no, cells=len(cells), columns=len(columns))
            self.problem("DR301", msg)
            return

        def cell(name: str) -> str:
            i = columns.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        unit_id = cell("unit")
        if not unit_id:
            self.problem("DR301", _("row {row_no}: no unit id").format(row_no=row_no))
            return
        unit = self.units.setdefault(unit_id, {"id": unit_id, "tags": None, "facts": {}})
        tags = [t.strip() for t in cell("tags").split(";") if t.strip()]
        if tags:
            if unit["tags"] is not None and unit["tags"] != tags:
                msg = _("row {row_no}: tags {tags} differ from an earlier row's").format(
                    row_no=row_no, tags=";".join(tags)
                )
                self.problem("DR305", msg, unit_id)
            unit["tags"] = tags
        self.fact(row_no, unit, cell("node"), cell("field"), cell("value"), cell("kind"))

    def fact(
        self, row_no: int, unit: dict[str, Any], node: str, field: str, value: str, kind: str
    ) -> None:
        unit_id: str = unit["id"]
        if not node:
            if value or field:
                self.problem(
                    "DR301", _("row {row_no}: a value with no node").format(row_no=row_no), unit_id
                )
            return
        facts = unit["facts"]
        if not field:
            if node in facts:
                self.problem(
                    "DR301",
                    _("row {row_no}: {node} is given twice").format(row_no=row_no, node=node),
                    unit_id,
                    node,
                )
            facts[node] = _cell_value(value)
            return
        entry = facts.setdefault(node, {})
        if not isinstance(entry, dict):
            msg = _("row {row_no}: {node} already has a plain value").format(
                row_no=row_no, node=node
            )
            self.problem("DR301", msg, unit_id, node)
        elif field == "evidence":
            entry.setdefault("evidence", []).append({"ref": value, "kind": kind} if kind else value)
        elif field in entry:
            msg = _("row {row_no}: {node}.{field} is given twice").format(
                row_no=row_no, node=node, field=field
            )
            self.problem("DR301", msg, unit_id, f"{node}.{field}")
        else:
            entry[field] = value if field in _TEXT_FIELDS else _cell_value(value)
