"""Reading the values of facts: numbers, yes/no, dates, records and evidence.

The part of validating facts (:mod:`.validate`) that checks one value against its
kind: exact numbers within the declared limits, counts and rates in range, yes/no
as JSON booleans (or, in CSV, ``true``/``是``), dates written year first, dated
records, evidence (:mod:`.evidence`). Each reader reports a problem naming the
unit and the fact, and returns None (False for a date, whose None means "not done
yet") so the caller skips the value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import Diagnostic, did_you_mean
from ..i18n import _
from .dates import WHEN_EXAMPLES, parse_when
from .evidence import EvidenceRead, common_evidence, read_evidence
from .model import Record, RecordValue
from .read import MAX_DIGITS, MAX_EXPONENT, LongNumber, to_decimal

__all__ = ["ValueReader", "digits_fit", "shown"]

_LABELS = frozenset({"title", "id", "ref", "note", "url"})
_TEXT_BOOLEANS = {"true": True, "false": False, "是": True, "否": False}


def shown(value: object) -> str:
    """A value as a message quotes it: short, numbers as written."""
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else f"{text[:36]}… ({len(text)} characters)"


def digits_fit(number: Decimal) -> bool:
    return len(number.as_tuple().digits) <= MAX_DIGITS


class ValueReader:
    """Reads single values for a validator, collecting problems about ``file``.

    ``textual``: the values are CSV text, so yes/no facts may be written ``true`` or
    ``是``; in JSON they are JSON booleans.
    """

    def __init__(self, file: str, *, textual: bool) -> None:
        self.file = file
        self.textual = textual
        self.problems: list[Diagnostic] = []

    def problem(
        self,
        code: str,
        msg: str,
        unit: str | None = None,
        fact: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems.append(Diagnostic(code, msg, file=self.file, unit=unit, fact=fact, hint=hint))

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
                where=where, shown=shown(raw)
            )
            self.problem("DR310", msg, unit, where, hint=WHEN_EXAMPLES)
            return False
        if kind == "datetime" and not isinstance(value, dt.datetime):
            msg = _("{where} needs a time of day for an hours deadline, got {shown}").format(
                where=where, shown=shown(raw)
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
            _("{where} must be true or false, got {shown}").format(where=where, shown=shown(raw)),
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
            got = json.dumps(raw) if raw is None or isinstance(raw, bool) else shown(raw)
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
                shown=shown(number),
                exponent=MAX_EXPONENT,
                top_exponent=MAX_EXPONENT + 1,
            )
            self.problem("DR312", msg, unit, where, _("see the limits on facts files"))
            return None
        return number

    def evidence(self, unit: str, node_id: str, raw: Any) -> EvidenceRead:
        """The evidence entries, the kinds they name and their shape (see :mod:`.evidence`)."""
        common = common_evidence(raw)
        if common is not None:
            return common
        where = f"{node_id}.evidence"

        def report(msg: str, hint: str) -> None:
            self.problem("DR305", msg, unit, where, hint)

        def when(raw_day: Any, spot: str) -> dt.date | dt.datetime | bool | None:
            return self.when(unit, spot, "date", raw_day)

        return read_evidence(raw, where, report, when)
