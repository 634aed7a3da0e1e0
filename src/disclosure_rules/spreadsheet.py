"""Spreadsheet plumbing shared by the results workbook and the self-assessment forms
(the ground floor: it imports only ``errors``).

openpyxl is an optional dependency (the ``excel`` extra): it is imported here, when
a workbook is first made or read, never when the package is imported, and its
absence is a DR801 diagnostic that says how to install it. Text taken from the
input (unit ids, titles, notes) is always stored as text: openpyxl would store a
string that begins with ``=`` as a formula.
"""

from __future__ import annotations

import importlib
import io
import re
from types import ModuleType
from typing import Any

from .errors import Diagnostic, DisclosureRulesError
from .i18n import _

__all__ = [
    "BODY_FONT",
    "HEAD_FILL",
    "ExcelMissing",
    "cell",
    "get_column_letter",
    "openpyxl",
    "sheet_title",
    "workbook_bytes",
]

BODY_FONT = "宋体"
"""The font offices print their tables in (SimSun)."""

HEAD_FILL = "DDEBF7"
"""The pale blue of a header row."""

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31


class ExcelMissing(DisclosureRulesError, ModuleNotFoundError):
    """openpyxl, which spreadsheets need, is not installed."""


def openpyxl() -> ModuleType:
    """The openpyxl module, or DR801 when the ``excel`` extra is not installed."""
    try:
        return importlib.import_module("openpyxl")
    except ImportError:
        msg = _("spreadsheets need openpyxl, which is not installed")
        hint = _("pip install 'disclosure-rules[excel]'")
        raise ExcelMissing(Diagnostic("DR801", msg, file="<excel>", hint=hint)) from None


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid sheet title for ``name``, unique among ``taken`` (which it joins): Excel
    forbids ``[]:*?/\\`` and more than 31 characters, and compares titles without case."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'") or "_"
    title = base[:_SHEET_MAX]
    n = 2
    while title.lower() in taken:
        suffix = f"~{n}"
        title = base[: _SHEET_MAX - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def cell(ws: Any, row: int, column: int, value: Any, **style: Any) -> Any:
    """Write ``value`` at (row, column): text always as text, a Decimal as a number written
    exactly (openpyxl writes its digits, never through a binary float); ``style`` sets the
    cell's font, alignment, fill, border or number_format."""
    target = ws.cell(row=row, column=column)
    target.value = value
    if isinstance(value, str) and value.startswith("="):
        target.data_type = "s"  # text from the input is never a formula
    for key, setting in style.items():
        setattr(target, key, setting)
    return target


def get_column_letter(column: int) -> str:
    """A column's letters: 1 → ``A``, 28 → ``AB``."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def workbook_bytes(wb: Any) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
