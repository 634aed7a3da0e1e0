"""``score --format xlsx``: the results workbook an assessment office publishes from.

Sheets, in order: 排名 (the ranking: total, grade, rank, each component, by group),
失分矩阵 (points lost, units × items), 说明 (the assumptions: ruleset and facts
hashes, parameters — assumed ones marked —, readings in force when the results carry
them), then one sheet per unit with every node: max, score, status, 失分原因 (the
audit's entries that cost points, each with its line and cite) and the evidence.
Scores are numbers, written exactly (the ruleset's rounding for display); text from
the input is always text, never a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..decimals import round_half_up
from ..decimals import text as exact
from ..errors import line_text
from ..evaluation.audit import Entry
from ..evaluation.engine import Results, UnitResult
from ..evaluation.results import NodeResult
from ..evaluation.tables import node_rows
from ..facts import Evidence
from ..spreadsheet import (
    BODY_FONT,
    HEAD_FILL,
    cell,
    get_column_letter,
    openpyxl,
    sheet_title,
    workbook_bytes,
)
from ..version import __version__

__all__ = ["lost_reasons", "results_xlsx"]

_STATUS = {
    "scored": "",
    "na": "不适用",
    "missing": "未提供",
    "not_credited": "不予认定",
    "skipped": "上级不适用",
}


def results_xlsx(results: Results) -> bytes:
    """The results workbook as the bytes of an .xlsx file."""
    xl = openpyxl()
    wb = xl.Workbook()
    styles = _Styles(xl)
    taken = {"排名", "失分矩阵", "说明"}
    _ranking(wb.active, results, styles)
    _lost_matrix(wb.create_sheet("失分矩阵"), results, styles)
    _assumptions(wb.create_sheet("说明"), results, styles)
    for u in results.units:
        _unit_sheet(wb.create_sheet(sheet_title(u.id, taken)), results, u, styles)
    return workbook_bytes(wb)


class _Styles:
    def __init__(self, xl: Any) -> None:
        st = xl.styles
        self.body = st.Font(name=BODY_FONT, size=10)
        self.bold = st.Font(name=BODY_FONT, size=10, bold=True)
        self.fill = st.PatternFill("solid", fgColor=HEAD_FILL)
        self.wrap = st.Alignment(wrap_text=True, vertical="top")
        self.center = st.Alignment(horizontal="center", vertical="center", wrap_text=True)
        thin = st.Side(style="thin", color="999999")
        self.border = st.Border(left=thin, right=thin, top=thin, bottom=thin)

    def head(self, ws: Any, row: int, titles: Iterable[str]) -> None:
        for col, title in enumerate(titles, 1):
            cell(ws, row, col, title, font=self.bold, fill=self.fill, alignment=self.center)
            ws.cell(row=row, column=col).border = self.border

    def line(self, ws: Any, row: int, values: Iterable[Any], places: int | None = None) -> None:
        fmt = None if places is None else ("0" if places == 0 else "0." + "0" * places)
        for col, value in enumerate(values, 1):
            c = cell(ws, row, col, value, font=self.body, alignment=self.wrap, border=self.border)
            if fmt is not None and isinstance(value, Decimal):
                c.number_format = fmt


def _widths(ws: Any, widths: Iterable[float]) -> None:
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _ranking(ws: Any, results: Results, s: _Styles) -> None:
    ws.title = "排名"
    g = results.graph
    places = g.rounding
    components = [n for n in g.nodes if n.kind == "component"]
    grouped = bool(g.groups)
    head = (["组 group"] if grouped else []) + ["排名 rank", "单位 unit", "总分 total"]
    head += ["等次 grade", "单项否决 veto"]
    head += [f"{c.title} ({c.id})" for c in g.conversions]
    head += [f"{n.title} ({n.id})" for n in components]
    head += ["满分 max"]
    s.head(ws, 1, head)
    for row, u in enumerate(results.ranking(), 2):
        values: list[Any] = [g.group_title(u.group or "")] if grouped else []
        values += [u.rank, u.id, round_half_up(u.total, places), u.grade or "", ";".join(u.vetoes)]
        values += [round_half_up(u.conversions[c.id], places) for c in g.conversions]
        values += [round_half_up(u.score(n.id), places) for n in components]
        values.append(g.root.points)
        s.line(ws, row, values, places)
    _widths(ws, [14] * grouped + [8, 24, 10, 10, 14] + [14] * (len(head) - 5 - grouped))
    ws.freeze_panes = "A2"


def _lost_matrix(ws: Any, results: Results, s: _Styles) -> None:
    """Units down, items across: the points each unit lost on each item (max − score,
    rounded as the ruleset rounds)."""
    g = results.graph
    items = [n for n in g.nodes if n.kind == "item"]
    s.head(ws, 1, ["单位 unit", "失分合计 lost", *[n.title for n in items]])
    s.line(ws, 2, ["编号 id", "", *[n.id for n in items]])
    s.line(ws, 3, ["分值 max", g.root.points, *[n.points for n in items]])
    lost: dict[tuple[str, str], Decimal] = {
        (r["unit"], r["node"]): r["lost"] for r in node_rows(results) if r["kind"] == "item"
    }
    for row, u in enumerate(results.units, 4):
        values: list[Any] = [u.id, g.root.points - u.total]
        values += [lost[(u.id, n.id)] for n in items]
        values = values[:1] + [round_half_up(v, g.rounding) for v in values[1:]]
        s.line(ws, row, values, g.rounding)
    _widths(ws, [24, 10] + [12] * len(items))
    ws.freeze_panes = "C4"


def _assumptions(ws: Any, results: Results, s: _Styles) -> None:
    g = results.graph
    rows: list[tuple[str, Any]] = [
        ("规则集 ruleset", g.id),
        ("标题 title", g.title),
        ("规则集哈希 ruleset hash", g.ruleset_hash),
        ("事实来源 facts", results.facts_source),
        ("事实哈希 facts hash", results.facts_hash),
        ("事实说明 description", results.facts_description or ""),
        ("合成数据 synthetic", "是 yes" if results.synthetic else "否 no"),
        ("引擎 engine", f"disclosure_rules {__version__}"),
    ]
    for row, (key, value) in enumerate(rows, 1):
        cell(ws, row, 1, key, font=s.bold)
        cell(ws, row, 2, value, font=s.body)
    row = len(rows) + 2
    s.head(ws, row, ["参数 parameter", "取值 value", "假设 assumed", "覆盖 overridden", "说明"])
    for p in g.params:
        row += 1
        s.line(
            ws,
            row,
            [
                p.name,
                exact(p.value),
                "假设 assumed" if p.assumed else "",
                "是 yes" if p.overridden else "",
                p.description,
            ],
        )
    readings = getattr(results, "readings", None)  # the readings in force, when carried
    if readings:
        row += 2
        s.head(ws, row, ["解读 reading", "内容"])
        for reading in readings:
            row += 1
            s.line(ws, row, _reading_cells(reading))
    _widths(ws, [26, 40, 14, 12, 60])


def _reading_cells(reading: Any) -> list[str]:
    if isinstance(reading, Mapping):
        name = str(reading.get("id") or reading.get("name") or "")
        return [name, "; ".join(f"{k}={v}" for k, v in reading.items() if k not in ("id", "name"))]
    return [str(getattr(reading, "id", reading)), str(reading)]


def _unit_sheet(ws: Any, results: Results, u: UnitResult, s: _Styles) -> None:
    g = results.graph
    places = g.rounding
    cell(ws, 1, 1, f"{u.id}  {g.title}", font=s.bold)
    summary = f"总分 {round_half_up(u.total, places)} / {exact(g.root.points)}   "
    summary += f"等次 {u.grade or '—'}   排名 {u.rank}" + (
        f"（{g.group_title(u.group)}）" if u.group else ""
    )
    cell(ws, 2, 1, summary, font=s.body)
    head = ["编号 id", "指标 indicator", "分值 max", "得分 score", "状态 status"]
    head += ["失分原因 why points were lost", "佐证材料 evidence"]
    s.head(ws, 4, head)
    depth: dict[int, int] = {}
    for row, n in enumerate(g.nodes, 5):
        depth[n.index] = 0 if n.parent is None else depth[n.parent] + 1
        node = u.node(n.id)
        leaf = n.is_leaf
        values = [
            n.id,
            "  " * depth[n.index] + n.title,
            n.points,
            round_half_up(node.score, places),
            _STATUS.get(node.status, node.status),
            "\n".join(lost_reasons(node)) if leaf else "",
            "\n".join(_evidence(node.entries)) if leaf else "",
        ]
        s.line(ws, row, values, places)
        if not leaf:
            ws.cell(row=row, column=2).font = s.bold
    if not results.detail:
        cell(ws, 3, 1, "（未保留审计明细：失分原因从略 — run without --no-detail）", font=s.body)
    _widths(ws, [18, 60, 8, 8, 10, 60, 40])
    ws.freeze_panes = "C5"


def lost_reasons(node: NodeResult) -> list[str]:
    """Why an item scored below its max: each audit entry that took points or explains
    the shortfall (base below max, deductions, clamps, N/A, missing, evidence rejected),
    with its rule's line and its cite. Empty for a node that lost nothing."""
    if node.score >= node.max:
        return []
    return [_reason(e) for e in node.entries if _costs(e)]


def _costs(entry: Entry) -> bool:
    if entry.kind == "child":
        return False
    accepted_only = entry.kind == "evidence" and entry.delta == 0
    return not (accepted_only and "rejected" not in (entry.inputs or {}))


def _reason(e: Entry) -> str:
    parts = [f"{e.rule or e.kind} {_signed(e.delta)}"]
    if e.inputs:
        parts.append(", ".join(f"{k}={_plain(v)}" for k, v in e.inputs.items()))
    if e.note:
        parts.append(e.note)
    if e.line is not None:
        parts.append(line_text(e.line))
    text = "; ".join(parts)
    return text + (f"「{e.cite}」" if e.cite else "")


def _evidence(entries: Iterable[Entry]) -> list[str]:
    out: list[str] = []
    for e in entries:
        if e.kind != "evidence" or not e.inputs:
            continue
        for key, given in e.inputs.items():
            if isinstance(given, list | tuple):
                mark = "（不予认定）" if key == "rejected" else ""
                out.extend(_plain(piece) + mark for piece in given)
    return out


def _signed(value: Decimal) -> str:
    text = exact(value)
    return text if text.startswith("-") else "+" + text


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return exact(value)
    if isinstance(value, Evidence):
        return str(value.ref) + (f" [{value.kind}]" if value.kind else "")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)
