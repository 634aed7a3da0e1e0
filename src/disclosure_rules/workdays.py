"""Working days on the official PRC calendar, for deadline rules.

Working days in China are not Monday to Friday: public holidays move, and
weekends become make-up working days (调休). A :class:`Calendar` answers from
the official schedule published by the State Council, as packaged by
``chinesecalendar`` (2004 to its latest data year), plus any years a user
supplies (:class:`Schedule`), and refuses — with :class:`CalendarError`
naming the year — to answer for a year it does not know, rather than guess.

Counting rules, stated once:

- ``add_workdays(start, n)`` is the n-th working day strictly after ``start``,
  whatever ``start`` is (a holiday start does not count itself); ``n = 0``
  gives ``start``.
- ``workdays_between(start, end)`` counts the working days after ``start`` up
  to and including ``end`` (negative when ``end`` is before ``start``), so
  ``workdays_between(d, add_workdays(d, n)) == n``.

(``chinesecalendar``'s own ``find_workday`` first moves a non-working start to
the next working day, one more than "N working days after D" when D is a
holiday; it is not used.)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

import attrs

from .errors import CalendarError, Diagnostic
from .files import read_input
from .i18n import _

__all__ = [
    "MAX_CALENDAR_BYTES",
    "MAX_RANGE_DAYS",
    "Calendar",
    "CalendarError",
    "Schedule",
    "add_hours",
    "add_workdays",
    "default_calendar",
    "hours_between",
    "is_workday",
    "workdays_between",
]

_ONE_DAY = dt.timedelta(days=1)

MAX_CALENDAR_BYTES = 1024 * 1024
"""The largest calendar file read: a year's schedule is a few hundred bytes."""

MAX_RANGE_DAYS = 366
"""The longest range of dates in a schedule: one year's, which it belongs to."""
_HINT = _(
    "supply the year's schedule of holidays and make-up working days: a calendar block "
    "in the ruleset, --calendar FILE on the command line, or calendar= in the API "
    "(see docs/dates.md); or update the chinesecalendar package"
)


@attrs.frozen
class Schedule:
    """One year's official schedule: holidays off, and weekend days worked (调休)."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str = "<schedule>"

    def __attrs_post_init__(self) -> None:
        problems = []
        for day in sorted(self.holidays | self.workdays):
            if day.year != self.year:
                problems.append(
                    _("{day} is not in {year}").format(day=day.isoformat(), year=self.year)
                )
        for day in sorted(self.holidays & self.workdays):
            problems.append(
                _("{day} is both a holiday and a working day").format(day=day.isoformat())
            )
        for day in sorted(self.workdays):
            if day.weekday() < 5:
                problems.append(
                    _(
                        "{day} is a {weekday}: only a weekend day can be a make-up working day"
                    ).format(day=day.isoformat(), weekday=day.strftime("%A"))
                )
        if problems:
            raise CalendarError(
                [
                    Diagnostic(
                        "DR502",
                        _("calendar for {year}: {problem}").format(year=self.year, problem=p),
                        file=self.source,
                    )
                    for p in problems
                ]
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<schedule>") -> Schedule:
        """``{"year": 2027, "holidays": ["2027-01-01", "2027-02-05..2027-02-11"],
        "workdays": ["2027-02-14"]}`` — ranges are inclusive."""
        unknown = set(data) - {"year", "holidays", "workdays"}
        if unknown:
            msg = _("unknown key(s) {keys}; expected year, holidays, workdays").format(
                keys=", ".join(sorted(unknown))
            )
            raise CalendarError(Diagnostic("DR502", msg, file=source))
        year = data.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
            msg = _("a schedule needs its year (a whole number), got {year!r}").format(year=year)
            raise CalendarError(Diagnostic("DR502", msg, file=source))
        return cls(
            year,
            frozenset(_days(data.get("holidays", []), source)),
            frozenset(_days(data.get("workdays", []), source)),
            source,
        )


def _days(items: Any, source: str) -> Iterable[dt.date]:
    if not isinstance(items, list):
        msg = _("holidays and workdays are lists of dates (YYYY-MM-DD) or ranges (A..B)")
        raise CalendarError(Diagnostic("DR502", msg, file=source))
    for item in items:
        first, _dots, last = str(item).partition("..")
        try:
            start = dt.date.fromisoformat(first.strip())
            end = dt.date.fromisoformat(last.strip()) if last else start
        except ValueError:
            msg = _("{item!r} is not a date (YYYY-MM-DD) or a range of dates (A..B)").format(
                item=item
            )
            raise CalendarError(Diagnostic("DR502", msg, file=source)) from None
        if end < start:
            msg = _("range {item!r} ends before it starts").format(item=item)
            raise CalendarError(Diagnostic("DR502", msg, file=source))
        span = (end - start).days + 1
        if span > MAX_RANGE_DAYS:
            msg = _(
                "range {item!r} spans {span:,} days; a schedule covers one "
                "year, so a range is at most {max_days} days"
            ).format(item=item, span=span, max_days=MAX_RANGE_DAYS)
            raise CalendarError(Diagnostic("DR605", msg, file=source))
        # counted, not stepped: stepping past 9999-12-31 would overflow
        for offset in range(span):
            yield start + dt.timedelta(days=offset)


@cache
def _official() -> tuple[frozenset[int], frozenset[dt.date], frozenset[dt.date]]:
    """Years covered, holidays and make-up working days from ``chinesecalendar``."""
    from chinese_calendar import constants

    holidays = frozenset(constants.holidays)
    workdays = frozenset(constants.workdays)
    years = frozenset(range(min(d.year for d in holidays), max(d.year for d in holidays) + 1))
    return years, holidays, workdays


class Calendar:
    """Working days: the official schedule (unless ``official=False``) plus ``schedules``.

    A supplied schedule replaces the official one for its year.
    """

    def __init__(self, schedules: Iterable[Schedule] = (), *, official: bool = True) -> None:
        years, holidays, workdays = (
            _official() if official else (frozenset(), frozenset(), frozenset())
        )
        supplied = {s.year: s for s in schedules}
        self._years = frozenset(years) | frozenset(supplied)
        self._holidays = {d for d in holidays if d.year not in supplied}
        self._workdays = {d for d in workdays if d.year not in supplied}
        for s in supplied.values():
            self._holidays |= s.holidays
            self._workdays |= s.workdays
        self.schedules = tuple(supplied.values())

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Calendar:
        """The official calendar plus the schedule(s) in a JSON file: one schedule object,
        a list of them, or ``{"years": [...]}``."""
        return cls(read_schedules(path))

    def with_schedules(self, schedules: Iterable[Schedule]) -> Calendar:
        return Calendar([*self.schedules, *schedules])

    @property
    def years(self) -> frozenset[int]:
        return self._years

    def _check(self, day: dt.date) -> None:
        if day.year not in self._years:
            first, last = (min(self._years), max(self._years)) if self._years else (0, 0)
            covered = f"{first}-{last}" if self._years else "no years"
            msg = _(
                "no working-day calendar for {year} (needed for {day}); this "
                "calendar covers {covered}"
            ).format(year=day.year, day=day.isoformat(), covered=covered)
            raise CalendarError(Diagnostic("DR501", msg, hint=_HINT))

    def is_workday(self, day: dt.date) -> bool:
        self._check(day)
        if day in self._holidays:
            return False
        return day.weekday() < 5 or day in self._workdays

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after ``start`` (``start`` itself for n = 0)."""
        if n < 0:
            msg = _("cannot count {n} working days: the count must be 0 or more").format(n=n)
            raise CalendarError(Diagnostic("DR502", msg))
        day, counted = start, 0
        while counted < n:
            day += _ONE_DAY
            if self.is_workday(day):
                counted += 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if reversed)."""
        if end < start:
            return -self.workdays_between(end, start)
        count, day = 0, start
        while day < end:
            day += _ONE_DAY
            if self.is_workday(day):
                count += 1
        return count


def read_schedules(path: str | os.PathLike[str]) -> list[Schedule]:
    """The schedules of a calendar file (at most :data:`MAX_CALENDAR_BYTES`; docs/dates.md)."""
    name = os.fspath(path)
    raw = read_input(
        name,
        limit=MAX_CALENDAR_BYTES,
        what=_("calendar file"),
        too_large="DR601",
        unreadable="DR502",
    )
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        msg = _("the calendar file nests deeper than JSON can be read here")
        raise CalendarError(Diagnostic("DR603", msg, file=name)) from None
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise CalendarError(
            Diagnostic("DR502", _("not valid JSON: {exc}").format(exc=exc), file=name)
        ) from None
    if isinstance(data, dict) and "years" in data:
        data = data["years"]
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        msg = _('a calendar file holds {"year": ..., "holidays": [...], "workdays": [...]} objects')
        raise CalendarError(Diagnostic("DR502", msg, file=name))
    return [Schedule.from_dict(item, name) for item in items]


@cache
def default_calendar() -> Calendar:
    """The official calendar alone."""
    return Calendar()


def is_workday(day: dt.date, calendar: Calendar | None = None) -> bool:
    return (calendar or default_calendar()).is_workday(day)


def add_workdays(start: dt.date, n: int, calendar: Calendar | None = None) -> dt.date:
    return (calendar or default_calendar()).add_workdays(start, n)


def workdays_between(start: dt.date, end: dt.date, calendar: Calendar | None = None) -> int:
    return (calendar or default_calendar()).workdays_between(start, end)


def add_hours(start: dt.datetime, hours: int | Decimal) -> dt.datetime:
    """The deadline ``hours`` clock hours after ``start`` (hour rules count every hour)."""
    return start + dt.timedelta(seconds=int(Decimal(hours) * 3600))


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Clock hours from ``start`` to ``end``, exact to the second."""
    return Decimal(int((end - start).total_seconds())) / 3600
