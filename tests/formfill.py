"""Filling a self-assessment form as a person would, cell by cell, through openpyxl:
the tests' stand-in for a unit, an assessor and a reviewer at their spreadsheets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import openpyxl

from disclosure_rules.forms.layout import FACTS, LAYERS, META, TABLE

__all__ = ["fill", "header_columns", "table_row"]


def header_columns(ws: Any) -> dict[str, int]:
    """The 评分表's columns by header (row 2)."""
    return {c.value: c.column for c in ws[2] if c.value}


def table_row(ws: Any, node: str) -> int:
    col = header_columns(ws)["编号"]
    for row in range(3, ws.max_row + 1):
        if ws.cell(row=row, column=col).value == node:
            return row
    raise KeyError(node)


def _cell_value(value: Any) -> Any:
    """What a person types: numbers as numbers, dates as dates, yes/no as 是/否."""
    if value is None:
        return "未完成"  # a date not done yet
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        try:
            return Decimal(value)  # a number typed as a number
        except InvalidOperation:
            pass
        try:
            return (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        except ValueError:
            pass
    return value


def _evidence_lines(evidence: Any) -> list[str]:
    """The 附件或链接 lines of a cell's evidence, in any of its forms (docs/facts.md):
    ``ref``, ``[kind] ref``, ``[kind day] ref``."""
    out = []
    for e in evidence if isinstance(evidence, list) else [evidence]:
        if isinstance(e, str):
            out.append(e)
            continue
        pieces = (
            [e]
            if "ref" in e
            else [
                {"ref": ref, "kind": kind, "submitted": e.get("submitted")}
                for kind, refs in e.items()
                if kind != "submitted"
                for ref in ([refs] if isinstance(refs, str) else refs)
            ]
        )
        for piece in pieces:
            tags = " ".join(t for t in (piece.get("kind"), piece.get("submitted")) if t)
            out.append(f"[{tags}] {piece['ref']}" if tags else piece["ref"])
    return out


def fill(form: Path, unit: dict[str, Any], layer: str = LAYERS[0]) -> None:
    """Write ``unit``'s facts (the facts JSON shape) into the form at ``form``, in ``layer``."""
    wb = openpyxl.load_workbook(form)
    table, facts = wb[TABLE], wb[FACTS]
    col = header_columns(table)
    fact_rows = {
        (facts.cell(row=r, column=1).value, facts.cell(row=r, column=3).value): r
        for r in range(2, facts.max_row + 1)
    }
    layer_col = 5 + LAYERS.index(layer)
    records = {}
    for key, value in wb[META].iter_rows(values_only=True):
        if key == "records":
            title, node, field = value.split("\t")
            records[(node, field)] = wb[title]
    for node, value in unit.get("facts", {}).items():
        if isinstance(value, str) and value.lower() in ("n/a", "不适用"):
            value = {"not_applicable": True}
        if isinstance(value, dict) and "na" in value:  # {"na": "statement"} or {"na": true}
            said = value["na"]
            value = {k: v for k, v in value.items() if k != "na"} | {"not_applicable": True}
            if isinstance(said, str):
                value["statement"] = said
        try:
            row = table_row(table, node)
        except KeyError:
            row = None  # a veto's facts: on the 事实 sheet only
        if not isinstance(value, dict):
            field = "met" if isinstance(value, bool) else "awarded"
            value = {field: value}
        if row is not None:
            if value.get("not_applicable"):
                table.cell(row=row, column=col["不适用"]).value = "不适用"
            evidence = value.get("evidence") or []
            if evidence:
                table.cell(row=row, column=col["附件或链接"]).value = "\n".join(
                    _evidence_lines(evidence)
                )
            told = [value["note"]] if value.get("note") else []
            if value.get("statement"):
                told.append(f"说明：{value['statement']}")
            if told:
                table.cell(row=row, column=col["考核填报"]).value = "\n".join(told)
        for field, given in value.items():
            if field in ("evidence", "note", "not_applicable", "statement"):
                continue
            if field in ("awarded", "met", "score") and row is not None:
                table.cell(row=row, column=col[layer]).value = _cell_value(given)
            elif isinstance(given, list):
                facts.cell(row=fact_rows[(node, field)], column=layer_col).value = len(given)
                sheet = records[(node, field)]
                names = [c.value for c in sheet[1]]
                for r, record in enumerate(given, 2):
                    for c, name in enumerate(names, 1):
                        if name in record:
                            sheet.cell(row=r, column=c).value = _cell_value(record[name])
            else:
                facts.cell(row=fact_rows[(node, field)], column=layer_col).value = _cell_value(
                    given
                )
    wb.save(form)
