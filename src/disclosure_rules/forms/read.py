"""Reading filled self-assessment forms back: workbooks → one facts document.

Each form is checked against the layout its hidden ``_form`` sheet records, then its
cells become the unit's facts, in the JSON shape of docs/facts.md (numbers as exact
decimal text, dates as ISO text), so a cohort read from forms is validated, hashed and
scored exactly as a facts file is. Of the three score layers — 自评分, 考核评分, 复核 —
the last one filled counts; when more than one is filled, every one is kept in the
node's note (after the unit's 考核填报 statement), which the audit records.

Every problem is a diagnostic that names the file, the sheet and the cell
(``FILE:SHEET!CELL``), the unit and the item, and all problems of all forms are
reported together (DR811–DR819): nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..decimals import text as exact
from ..errors import Diagnostic, FactsError
from ..files import read_input
from ..i18n import _
from ..model.graph import EvaluationGraph
from ..spreadsheet import get_column_letter, openpyxl
from .layout import (
    COVER,
    FACTS,
    FORM_VERSION,
    LAYERS,
    META,
    NA_MARK,
    NOT_YET,
    RECORD_LABEL,
    TABLE,
    TABLE_COLUMNS,
)

__all__ = ["MAX_FORM_BYTES", "form_paths", "read_forms"]

MAX_FORM_BYTES = 64 * 1024 * 1024
"""The largest form workbook read (a filled form is some hundred KiB)."""

_UNIT_CELL = "B9"
_TAGS_CELL = "B10"
_YES = {"是": True, "否": False}
_NOT_YET = object()  # a date cell saying 未完成: null in the facts, unlike an empty cell
_KINDED = re.compile(r"^\[(?P<tags>[^\]]*)\]\s*(?P<ref>\S.*)$")
_DAY = re.compile(r"^\d")  # a day (2021-01-18, 2021年1月18日), not a kind
_STATEMENT = re.compile(r"^说明[:：]\s*")
_SEPARATORS = re.compile(r"[;,；，、\s]+")


def form_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The form workbooks named: files as given, folders as their ``*.xlsx`` (sorted;
    Excel's ``~$`` lock files skipped)."""
    out: list[str] = []
    for p in paths:
        if Path(p).is_dir():
            out += sorted(str(f) for f in Path(p).glob("*.xlsx") if not f.name.startswith("~$"))
        else:
            out.append(os.fspath(p))
    return out


def read_forms(graph: EvaluationGraph, paths: Sequence[str | os.PathLike[str]]) -> dict[str, Any]:
    """The facts document of the filled forms at ``paths`` (files or folders of them),
    one unit per form, in order; :class:`FactsError` with every problem found."""
    files = form_paths(paths)
    problems: list[Diagnostic] = []
    units = []
    if not files:
        where = ", ".join(os.fspath(p) for p in paths) or "<forms>"
        problems.append(Diagnostic("DR811", _("no form workbooks (*.xlsx) found"), file=where))
    for path in files:
        unit = _Form(graph, path, problems).read()
        if unit is not None:
            units.append(unit)
    if problems:
        raise FactsError(problems)
    return {"description": f"自评表 {len(units)} form(s)", "units": units}


class _Form:
    """One form being read; its problems go to the shared list."""

    def __init__(self, graph: EvaluationGraph, path: str, problems: list[Diagnostic]) -> None:
        self.g = graph
        self.path = path
        self.problems = problems
        self.unit: str | None = None
        self.counts: dict[tuple[str, str], int] = {}  # records listed, as the 事实 sheet says

    def problem(
        self, code: str, message: str, sheet: str | None = None, ref: str | None = None,
        fact: str | None = None, hint: str | None = None,
    ) -> None:  # fmt: skip
        where = self.path if sheet is None else f"{self.path}:{sheet}" + (f"!{ref}" if ref else "")
        self.problems.append(
            Diagnostic(code, message, file=where, unit=self.unit, fact=fact, hint=hint)
        )

    # ------------------------------------------------------------ the workbook

    def read(self) -> dict[str, Any] | None:
        wb = self.open()
        if wb is None:
            return None
        meta = self.meta(wb)
        if meta is None:
            return None
        before = len(self.problems)
        self.unit = self.text(wb[COVER][_UNIT_CELL].value) or None
        if not self.unit:
            self.problem("DR818", _("the form names no unit"), COVER, _UNIT_CELL)
        tags = [t for t in _SEPARATORS.split(self.text(wb[COVER][_TAGS_CELL].value)) if t]
        facts: dict[str, Any] = {}
        notes: dict[str, list[str]] = {}
        self.table(wb[TABLE], meta, facts, notes)
        self.facts_sheet(wb[FACTS], meta, facts, notes)
        self.records(wb, meta, facts)
        for node, lines in notes.items():
            cell = facts.setdefault(node, {})
            if isinstance(cell, dict):
                cell["note"] = "\n".join(lines)
        if len(self.problems) > before or not self.unit:
            return None
        out: dict[str, Any] = {"id": self.unit}
        if tags:
            out["tags"] = tags
        out["facts"] = facts
        return out

    def open(self) -> Any:
        data = read_input(self.path, limit=MAX_FORM_BYTES, what=_("form workbook"))
        xl = openpyxl()  # with defusedxml installed, openpyxl parses the XML safely
        try:
            return xl.load_workbook(io.BytesIO(data), data_only=False)
        except Exception as exc:  # zipfile, XML and openpyxl errors alike: not a workbook
            self.problem(
                "DR811",
                _("not an Excel workbook ({type}: {exc})").format(type=type(exc).__name__, exc=exc),
            )
            return None

    def meta(self, wb: Any) -> dict[str, list[str]] | None:
        if META not in wb.sheetnames:
            hint = _("disclosure-rules form {id} -o FORM.xlsx writes one").format(id=self.g.id)
            self.problem(
                "DR811", _("not a disclosure-rules form: it has no _form sheet"), hint=hint
            )
            return None
        meta: dict[str, list[str]] = {}
        for key, value in wb[META].iter_rows(min_col=1, max_col=2, values_only=True):
            if isinstance(key, str):
                meta.setdefault(key, []).append(str(value or ""))
        ruleset, digest = meta.get("ruleset", [""])[0], meta.get("hash", [""])[0]
        if meta.get("form", [""])[0] != FORM_VERSION:
            self.problem(
                "DR811",
                _("a form of layout {form}, not {expected}").format(
                    form=meta.get("form"), expected=FORM_VERSION
                ),
            )
            return None
        if ruleset != self.g.id:
            msg = _("a form of ruleset {ruleset!r}, not of {id!r}").format(
                ruleset=ruleset, id=self.g.id
            )
            self.problem("DR812", msg, hint=_("score it with its own ruleset"))
            return None
        if digest != self.g.ruleset_hash:
            msg = _(
                "a form of another version of {ruleset} ({form_hash}…, the "
                "ruleset is {ruleset_hash}…)"
            ).format(ruleset=ruleset, form_hash=digest[:19], ruleset_hash=self.g.ruleset_hash[:19])
            hint = _("hand out new forms (disclosure-rules form), or score with that version")
            self.problem("DR812", msg, hint=hint)
            return None
        missing = [s for s in (COVER, TABLE, FACTS) if s not in wb.sheetnames]
        for sheet in missing:
            self.problem("DR813", _("the sheet {sheet} was deleted").format(sheet=sheet), sheet)
        return None if missing else meta

    # ------------------------------------------------------------ 评分表

    def table(
        self, ws: Any, meta: dict[str, list[str]], facts: dict[str, Any],
        notes: dict[str, list[str]],
    ) -> None:  # fmt: skip
        rows = [r.split("\t") for r in meta.get("row", [])]
        if not rows:
            return
        depth = self.depth(ws)
        col = {name: depth + i + 1 for i, name in enumerate(TABLE_COLUMNS)}
        id_col = col["编号"]
        if not self.rows_intact(ws, TABLE, id_col, [(int(r), node) for r, node, _ in rows]):
            return
        self.merges_intact(ws, set(meta.get("merge", [])))
        for r, node, field in rows:
            row = int(r)
            told = self.text(self.value(ws, row, col["考核填报"], node)).splitlines()
            said = [_STATEMENT.sub("", t).strip() for t in told if _STATEMENT.match(t.strip())]
            statement = "\n".join(t for t in told if not _STATEMENT.match(t.strip())).strip()
            given = self.text(self.value(ws, row, col["附件或链接"], node))
            where = f"{get_column_letter(col['附件或链接'])}{row}"
            evidence = [self.evidence(line, where, node) for line in given.splitlines()]
            evidence = [e for e in evidence if e]
            na = self.text(self.value(ws, row, col["不适用"], node))
            if na and na != NA_MARK:
                ref = f"{get_column_letter(col['不适用'])}{row}"
                msg = _("不适用 holds {na!r}; it takes only {mark!r} or nothing").format(
                    na=na, mark=NA_MARK
                )
                self.problem("DR817", msg, TABLE, ref, node)
            layers = []
            if field:
                for layer in LAYERS:
                    value = self.score_cell(ws, row, col[layer], node, field)
                    if value is not None:
                        layers.append((layer, value))
            lines = [statement] if statement else []
            if len(layers) > 1 or (layers and na == NA_MARK):  # else the value says it all
                lines.append(_layers_note(layers, counted=na != NA_MARK))
            if na == NA_MARK:
                cell: dict[str, Any] = {"not_applicable": True}
                if evidence:
                    cell["evidence"] = evidence
                facts[node] = cell
            elif layers or evidence or said:
                cell = facts.setdefault(node, {})
                if layers:
                    cell[field] = layers[-1][1]
                if evidence:
                    cell["evidence"] = evidence
            if said:
                facts[node]["statement"] = "\n".join(said)
            if lines:
                notes.setdefault(node, []).extend(lines)

    def depth(self, ws: Any) -> int:
        """The indicator level columns before 具体项目 (header row 2)."""
        for col in range(1, ws.max_column + 1):
            if ws.cell(row=2, column=col).value == TABLE_COLUMNS[0]:
                return col - 1
        return 0

    def rows_intact(
        self, ws: Any, sheet: str, id_col: int, expected: list[tuple[int, str]]
    ) -> bool:
        """Every recorded row still holds its id, and no row was added after them."""
        letter = get_column_letter(id_col)
        for row, node in expected:
            found = ws.cell(row=row, column=id_col).value
            if found == node:
                continue
            moved = found is not None and found in {n for _row, n in expected}
            what = "rows were moved, added or deleted" if moved else "a row was added or deleted"
            msg = _("row {row} should be {node!r} but holds {found!r}: {what}").format(
                row=row, node=node, found=found, what=what
            )
            hint = _("fill a fresh form; never add, delete or move rows")
            self.problem("DR813", msg, sheet, f"{letter}{row}", node, hint)
            return False
        last = expected[-1][0] if expected else 1
        for row in range(last + 1, ws.max_row + 1):
            if any(c.value not in (None, "") for c in ws[row]):
                self.problem(
                    "DR813",
                    _("row {row} was added below the form's rows").format(row=row),
                    sheet,
                    f"A{row}",
                )
                return False
        return True

    def merges_intact(self, ws: Any, expected: set[str]) -> None:
        found = {str(r) for r in ws.merged_cells.ranges}
        for broken in sorted(expected - found):
            msg = _("the merged cell {broken} was unmerged or changed").format(broken=broken)
            self.problem(
                "DR814", msg, TABLE, broken, hint=_("fill a fresh form; keep merged cells")
            )
        for added in sorted(found - expected):
            self.problem("DR814", _("cells {added} were merged").format(added=added), TABLE, added)

    def score_cell(self, ws: Any, row: int, col: int, node: str, field: str) -> str | bool | None:
        raw = self.value(ws, row, col, node)
        if raw is None or raw == "":
            return None
        ref = f"{get_column_letter(col)}{row}"
        if field == "met":
            return self.yes_no(raw, TABLE, ref, node)
        number = self.number(raw, TABLE, ref, node)
        if number is None:
            return None
        n = self.g.node(node)
        low, high = n.direct_range or (Decimal(0), n.points)
        if not low <= number <= high:
            msg = _("{number} is outside {low}..{high}, the item's points").format(
                number=exact(number), low=exact(low), high=exact(high)
            )
            self.problem("DR817", msg, TABLE, ref, node)
            return None
        return exact(number)

    # ------------------------------------------------------------ 事实 and records

    def facts_sheet(
        self, ws: Any, meta: dict[str, list[str]], facts: dict[str, Any],
        notes: dict[str, list[str]],
    ) -> None:  # fmt: skip
        rows = [r.split("\t") for r in meta.get("fact", [])]
        if not rows or not self.rows_intact(ws, FACTS, 1, [(int(r[0]), r[1]) for r in rows]):
            return
        for r, node, field, kind in rows:
            row = int(r)
            if ws.cell(row=row, column=3).value != field:
                found = ws.cell(row=row, column=3).value
                msg = _("row {row} should be the fact {field!r} but holds {found!r}").format(
                    row=row, field=field, found=found
                )
                self.problem("DR813", msg, FACTS, f"C{row}", node)
                continue
            layers = []
            for i, layer in enumerate(LAYERS):
                value = self.fact_cell(ws, row, 5 + i, node, kind)
                if value is not None:
                    layers.append((layer, value))
            if layers and kind == "records":
                self.counts[(node, field)] = int(layers[-1][1])
            elif layers:
                cell = facts.setdefault(node, {})
                na = isinstance(cell, dict) and bool(cell.get("not_applicable"))
                if isinstance(cell, dict) and not na:
                    cell[field] = None if layers[-1][1] is _NOT_YET else layers[-1][1]
                if len(layers) > 1 or na:  # an N/A item's facts are kept in its note
                    note = _layers_note(layers, counted=not na)
                    notes.setdefault(node, []).append(f"{field}: {note}")

    def fact_cell(self, ws: Any, row: int, col: int, node: str, kind: str) -> Any:
        raw = self.value(ws, row, col, node)
        if raw is None or raw == "":
            return None
        ref = f"{get_column_letter(col)}{row}"
        if kind == "bool":
            return self.yes_no(raw, FACTS, ref, node)
        if kind in ("date", "datetime"):
            if self.text(raw) == NOT_YET:
                return _NOT_YET
            return self.when(raw, kind, FACTS, ref, node)
        if kind == "rate" and isinstance(raw, str) and raw.strip().endswith("%"):
            return raw.strip()  # the facts format reads "95%" itself
        number = self.number(raw, FACTS, ref, node)
        if number is None:
            return None
        whole = kind in ("count", "records")
        if number < 0 or (whole and number != number.to_integral_value()):
            what = "a whole number ≥ 0" if whole else "a number ≥ 0"
            self.problem(
                "DR817",
                _("{number} is not {what}").format(number=exact(number), what=what),
                FACTS,
                ref,
                node,
            )
            return None
        if kind == "rate" and number > 1:
            self.problem(
                "DR817",
                _("{number} is not a rate 0–1").format(number=exact(number)),
                FACTS,
                ref,
                node,
            )
            return None
        return exact(number)

    def records(self, wb: Any, meta: dict[str, list[str]], facts: dict[str, Any]) -> None:
        """Each record sheet's rows as the node's list, given when rows are listed or
        their count is filled on the 事实 sheet (0: none), and then of that count."""
        for entry in meta.get("records", []):
            title, node, field = entry.split("\t")
            if title not in wb.sheetnames:
                self.problem(
                    "DR813",
                    _("the sheet {title} was deleted").format(title=title),
                    title,
                    fact=node,
                )
                continue
            ws = wb[title]
            n = self.g.node(node)
            kinds = dict(dict(n.record_fields)[field])
            kinds[RECORD_LABEL] = "label"
            names = [ws.cell(row=1, column=c + 1).value for c in range(len(kinds))]
            if names != list(kinds):
                self.problem(
                    "DR813",
                    _("the header should be {list}, not {names}").format(
                        list=list(kinds), names=names
                    ),
                    title,
                    "A1",
                    node,
                )
                continue
            records = []
            for row in range(2, ws.max_row + 1):
                values = [self.value(ws, row, c + 1, node) for c in range(len(kinds))]
                if all(v in (None, "") for v in values):
                    continue
                record: dict[str, Any] = {}
                for c, (name, value) in enumerate(zip(names, values, strict=True)):
                    ref = f"{get_column_letter(c + 1)}{row}"
                    if value in (None, ""):
                        if name != RECORD_LABEL:
                            record[name] = None  # not done yet
                    elif self.text(value) == NOT_YET and name != RECORD_LABEL:
                        record[name] = None
                    elif kinds[name] in ("date", "datetime"):
                        record[name] = self.when(value, kinds[name], title, ref, node)
                    else:
                        record[name] = self.text(value)
                records.append(record)
            cell = facts.get(node)
            if isinstance(cell, dict) and cell.get("not_applicable"):
                continue
            count = self.counts.get((node, field))
            if count is not None and count != len(records):
                msg = _("{records} record(s) listed, but the count on {sheet} says {count}").format(
                    records=len(records), sheet=FACTS, count=count
                )
                self.problem("DR817", msg, title, "A2", node)
            elif records or count is not None:
                facts.setdefault(node, {})[field] = records

    # ------------------------------------------------------------ cells

    def evidence(self, line: str, ref: str, node: str) -> str | dict[str, str] | None:
        """A line of 附件或链接: a URL or file name, or ``[kind] ref``, ``[kind day] ref``
        or ``[day] ref`` naming its kind and the day it was submitted (2021-01-18); a
        tag that starts with a digit is the day."""
        line = line.strip()
        match = _KINDED.match(line)
        if not line or match is None:
            return line or None
        piece = {"ref": match["ref"].strip()}
        for tag in match["tags"].split():
            if not _DAY.match(tag):
                if "kind" in piece:
                    msg = _("{line!r} names two kinds; write one line per piece").format(line=line)
                    self.problem("DR817", msg, TABLE, ref, node, "[screenshot 2021-01-18] x.png")
                    return None
                piece["kind"] = tag
                continue
            piece["submitted"] = tag  # checked with the facts, in any of their date forms
        return piece

    def value(self, ws: Any, row: int, col: int, node: str) -> Any:
        c = ws.cell(row=row, column=col)
        if c.data_type == "f":
            msg = _("a formula ({formula}): forms take values, not formulas").format(
                formula=c.value
            )
            self.problem("DR815", msg, ws.title, c.coordinate, node, _("type the value itself"))
            return None
        return c.value

    def number(self, raw: Any, sheet: str, ref: str, node: str) -> Decimal | None:
        if isinstance(raw, bool | dt.datetime | dt.date):
            self.problem("DR816", _("{raw!r} is not a number").format(raw=raw), sheet, ref, node)
            return None
        if isinstance(raw, float):
            raw = repr(raw)  # the shortest decimal that is the spreadsheet's number
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            self.problem(
                "DR816", _("text {raw!r} in a number cell").format(raw=raw), sheet, ref, node
            )
            return None
        if not number.is_finite():
            self.problem("DR816", _("{raw!r} is not a number").format(raw=raw), sheet, ref, node)
            return None
        return number

    def yes_no(self, raw: Any, sheet: str, ref: str, node: str) -> bool | None:
        if isinstance(raw, bool):
            return raw
        answer = _YES.get(self.text(raw))
        if answer is None:
            self.problem("DR817", _("{raw!r} is not 是 or 否").format(raw=raw), sheet, ref, node)
        return answer

    def when(self, raw: Any, kind: str, sheet: str, ref: str, node: str) -> str | None:
        if isinstance(raw, dt.datetime):
            if kind == "date" and raw.time() == dt.time(0):
                return raw.date().isoformat()
            return raw.isoformat() if kind == "datetime" else raw.date().isoformat()
        if isinstance(raw, dt.date):
            return raw.isoformat()
        text = self.text(raw)
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            self.problem(
                "DR817", _("{raw!r} is not a date (2020-03-02)").format(raw=raw), sheet, ref, node
            )
            return None
        return parsed.date().isoformat() if kind == "date" else parsed.isoformat()

    @staticmethod
    def text(raw: Any) -> str:
        return "" if raw is None else str(raw).strip()


def _layers_note(layers: Sequence[tuple[str, Any]], counted: bool = True) -> str:
    """Every layer filled, and which counts (none, for an item marked 不适用)."""
    shown = "；".join(f"{layer} {_shown(value)}" for layer, value in layers)
    return shown + (f"（以{layers[-1][0]}为准）" if counted else f"（{NA_MARK}，不计分）")


def _shown(value: Any) -> str:
    if value is _NOT_YET:
        return NOT_YET
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
