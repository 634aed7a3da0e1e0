"""Dates and date-times as Chinese offices write them: read for dated facts and
for the day evidence was submitted."""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateutil_parser

from ..i18n import _

__all__ = ["WHEN_EXAMPLES", "parse_when"]

# Year first, then month and day, with -, /, . or 年月日; optionally a time with : or 时分秒.
_WHEN = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|\s*T\s*|\s*(?=\d))(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*[:]?\s*(\d{1,2})\s*秒?)?)?"
)
_MAX_WHEN = 64  # characters: the longest date-time written any accepted way is ~30
WHEN_EXAMPLES = _(
    "2020-09-28, 2020/9/28, 2020.9.28, 2020年9月28日, or with a time: 2020-09-28 14:30"
)


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
            raise ValueError(f"{text!r} is ambiguous: write the year first ({WHEN_EXAMPLES})")
        shown = text if len(text) <= _MAX_WHEN else f"{text[:_MAX_WHEN]}…"
        raise ValueError(f"{shown!r} is not a date ({WHEN_EXAMPLES})")
    year, month, day, hour, minute, second = m.groups()
    normal = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is not None:
        normal += f"T{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}"
    try:
        parsed = dateutil_parser.isoparse(normal)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None
    return parsed if hour is not None else parsed.date()
