"""Reading a cell's evidence: part of validating facts (:mod:`.validate`).

Evidence is given in any of these forms, alone or in a list:

- a string: a web address or file name, of no named kind (it counts as a
  ``link`` where a ruleset requires kinds: :data:`~disclosure_rules.model.requirements.PLAIN_KIND`);
- ``{"ref": …, "kind": …, "submitted": …}``: one piece, its kind and the day it
  was submitted both optional;
- typed evidence, ``{"link": …, "screenshot": …, "submitted": …}``: each key but
  ``submitted`` is a kind naming one reference (or a list of them), all submitted
  on the day given.

Problems are reported through the validator's callbacks; what is good is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from .model import NO_KINDS, Evidence, shared_set

__all__ = ["common_evidence", "read_evidence"]

Report = Callable[[str, str], None]
"""Report a problem with the cell's evidence: (message, hint)."""

When = Callable[[Any, str], "dt.date | dt.datetime | bool | None"]
"""Read a date at a place (``node.evidence.submitted``): the date, None when null,
False when invalid (already reported)."""

_PIECE_KEYS = frozenset({"ref", "kind", "submitted"})
_FORMS = 'a URL or file name, {"ref": ..., "kind": ...}, or {"link": ..., "screenshot": ...}'


def read_evidence(
    raw: Any, where: str, report: Report, when: When
) -> tuple[tuple[Evidence, ...], frozenset[str]]:
    """The pieces of evidence in ``raw`` (the value of a cell's ``evidence``), and the
    kinds they name."""
    if isinstance(raw, str | dict):
        raw = [raw]
    if not isinstance(raw, list):
        report("evidence must be a list of strings or objects", _FORMS)
        return (), NO_KINDS
    out: list[Evidence] = []
    for entry in raw:
        if type(entry) is str and entry and not entry[0].isspace() and not entry[-1].isspace():
            out.append(Evidence(entry))  # the common case, checked cheaply
        elif isinstance(entry, str) and entry.strip():
            out.append(Evidence(entry.strip()))
        elif isinstance(entry, dict) and "ref" in entry:
            out.extend(_piece(entry, where, report, when))
        elif isinstance(entry, dict) and entry and set(entry) != {"submitted"}:
            out.extend(_typed(entry, where, report, when))
        else:
            report(f"bad evidence entry {_shown(entry)}", _FORMS)
    return tuple(out), shared_set(e.kind for e in out if e.kind is not None)


def common_evidence(raw: Any) -> tuple[tuple[Evidence, ...], frozenset[str]] | None:
    """The evidence of the forms most cells give, read without checks that cannot fail
    for them: one reference, or one typed entry of single references whose submission
    day was read before. None for anything else, which :func:`read_evidence` reads."""
    if type(raw) is str:
        if raw and not raw[0].isspace() and not raw[-1].isspace():
            return (Evidence(raw),), NO_KINDS
        return None
    if type(raw) is not dict or "ref" in raw:
        return None
    submitted = raw.get("submitted")
    day = _DAYS.get(submitted) if type(submitted) is str else None
    if day is None and submitted is not None:
        return None
    out: list[Evidence] = []
    for kind, ref in raw.items():
        if kind == "submitted":
            continue
        if type(ref) is not str or not ref or ref[0].isspace() or ref[-1].isspace():
            return None
        out.append(Evidence(ref, kind, day))
    if not out:
        return None
    return tuple(out), shared_set([e.kind for e in out if e.kind is not None])


def _piece(entry: dict[str, Any], where: str, report: Report, when: When) -> list[Evidence]:
    """``{"ref": …, "kind": …, "submitted": …}``."""
    ref, kind = entry.get("ref"), entry.get("kind")
    if not isinstance(ref, str) or not ref.strip() or not set(entry) <= _PIECE_KEYS:
        report(f"bad evidence entry {_shown(entry)}", _FORMS)
        return []
    if kind is not None and not isinstance(kind, str):
        report(f"an evidence kind is a word such as link or news, not {_shown(kind)}", _FORMS)
        return []
    submitted = _submitted(entry, where, when)
    if submitted is False:
        return []
    return [Evidence(ref.strip(), kind or None, submitted)]


def _typed(entry: dict[str, Any], where: str, report: Report, when: When) -> list[Evidence]:
    """``{"link": …, "screenshot": …, "submitted": …}``: one piece per reference."""
    submitted = _submitted(entry, where, when)
    if submitted is False:
        return []
    out: list[Evidence] = []
    for kind, refs in entry.items():
        if kind == "submitted":
            continue
        if type(refs) is str and refs and not refs[0].isspace() and not refs[-1].isspace():
            out.append(Evidence(refs, kind, submitted))  # the common case, checked cheaply
            continue
        listed = [refs] if isinstance(refs, str) else refs
        if not isinstance(listed, list) or not all(
            isinstance(r, str) and r.strip() for r in listed
        ):
            report(
                f"evidence {kind!r} must name a URL or file (or a list of them), "
                f"not {_shown(refs)}",
                f'e.g. {{"{kind}": "https://…", "submitted": "2021-01-18"}}',
            )
            continue
        out.extend(Evidence(r.strip(), kind, submitted) for r in listed)
    return out


_DAYS: dict[str, dt.date] = {}
"""Submission days already read, by their text: a cohort's evidence repeats a handful of
days thousands of times, and reading a date is the costly part of reading evidence."""
_MAX_DAYS = 4096


def _submitted(entry: dict[str, Any], where: str, when: When) -> dt.date | Literal[False] | None:
    """The day of ``entry``'s ``submitted``: a date, None when not given, False when bad."""
    raw = entry.get("submitted")
    if raw is None:
        return None
    known = _DAYS.get(raw) if isinstance(raw, str) else None
    if known is not None:
        return known
    day = when(raw, f"{where}.submitted")
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        return False
    if isinstance(raw, str):
        if len(_DAYS) >= _MAX_DAYS:
            _DAYS.clear()
        _DAYS[raw] = day
    return day


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:36]}… ({len(text)} characters)"
