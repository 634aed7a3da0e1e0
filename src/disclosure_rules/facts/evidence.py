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
from typing import Any, Literal, TypeAlias

from .model import NO_KINDS, Evidence, Shape, described

__all__ = ["EvidenceRead", "common_evidence", "read_evidence"]

Report = Callable[[str, str], None]
"""Report a problem with the cell's evidence: (message, hint)."""

When = Callable[[Any, str], "dt.date | dt.datetime | bool | None"]
"""Read a date at a place (``node.evidence.submitted``): the date, None when null,
False when invalid (already reported)."""

_PIECE_KEYS = frozenset({"ref", "kind", "submitted"})
_FORMS = 'a URL or file name, {"ref": ..., "kind": ...}, or {"link": ..., "screenshot": ...}'


EvidenceRead: TypeAlias = tuple[tuple[Evidence, ...], frozenset[str], Shape]
"""A cell's pieces of evidence, the kinds they name and their :data:`~.model.Shape`."""

_NONE: EvidenceRead = ((), NO_KINDS, ())


def read_evidence(raw: Any, where: str, report: Report, when: When) -> EvidenceRead:
    """The pieces of evidence in ``raw`` (the value of a cell's ``evidence``), the kinds
    they name and their shape."""
    if isinstance(raw, str | dict):
        raw = [raw]
    if not isinstance(raw, list):
        report("evidence must be a list of strings or objects", _FORMS)
        return _NONE
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
    evidence = tuple(out)
    return (evidence, *described(evidence))


_PLAIN: tuple[frozenset[str], Shape] = (NO_KINDS, ((None, None),))


def common_evidence(raw: Any) -> EvidenceRead | None:
    """The evidence of the forms most cells give, read without checks that cannot fail
    for them: one reference, or one typed entry of single references whose keys and
    submission day were met before (:data:`_FORMS_MET`). None for anything else, which
    :func:`read_evidence` reads."""
    if type(raw) is str:
        if raw and not raw[0].isspace() and not raw[-1].isspace():
            return (Evidence(raw),), *_PLAIN
        return None
    if type(raw) is not dict:
        return None
    submitted = raw.get("submitted")
    if submitted is not None and type(submitted) is not str:
        return None
    keys = tuple(raw)
    form = _FORMS_MET.get((keys, submitted)) or _form(keys, submitted)
    if form is None:
        return None
    kinds, day, named, shape = form
    out = []
    for kind in kinds:
        ref = raw[kind]
        if type(ref) is not str or not ref or ref[0].isspace() or ref[-1].isspace():
            return None
        out.append(Evidence(ref, kind, day))
    return tuple(out), named, shape


_Form: TypeAlias = tuple[tuple[str, ...], "dt.date | None", frozenset[str], Shape]

_FORMS_MET: dict[tuple[tuple[str, ...], str | None], _Form] = {}
"""Typed entries met before, by their keys and submission day as written: a cohort
gives a handful of them thousands of times, and reading the day and the kinds is the
costly part of reading evidence."""
_MAX_FORMS = 4096


def _form(keys: tuple[str, ...], submitted: str | None) -> _Form | None:
    """What a typed entry of these keys and this day means, kept in :data:`_FORMS_MET`;
    None when it is not the common form (a piece with ``ref``, a day not yet read)."""
    if "ref" in keys:
        return None
    day = None
    if submitted is not None:
        day = _DAYS.get(submitted)
        if day is None:
            return None
    kinds = tuple(k for k in keys if k != "submitted")
    if not kinds:
        return None
    named, shape = described(tuple(Evidence("", kind, day) for kind in kinds))
    form = (kinds, day, named, shape)
    if len(_FORMS_MET) >= _MAX_FORMS:
        _FORMS_MET.clear()
    _FORMS_MET[(keys, submitted)] = form
    return form


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
