"""``disclosure-rules form``: the self-assessment form (自评表) of a ruleset, as an office
hands it out.

The 评分表 sheet follows the official tables (the Shanghai form's 指标 | 具体项目 | 分值 |
评分说明 | 考核填报 | 附件或链接 | 自评分 …, Yifeng's 自评分表): the indicator levels in
merged cells, one row per item with its points, owner, remark and 评分说明 (each rule in
words with its cite), then the columns to fill. Everything else is protected; each
input cell carries the validation of what it takes (points within the item's, 是/否,
whole numbers, rates, dates). The layout is :mod:`.layout`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from ..decimals import percent
from ..decimals import text as exact
from ..model.graph import EvaluationGraph, GraphNode
from ..model.requirements import kinds_text
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
from .layout import (
    COVER,
    FACT_COLUMNS,
    FACTS,
    FORM_VERSION,
    KIND_WORDS,
    LAYERS,
    META,
    NA_MARK,
    NOT_YET,
    RECORD_LABEL,
    TABLE,
    TABLE_COLUMNS,
    fact_rows,
    levels,
    record_sheets,
    score_field,
    scored_nodes,
)

__all__ = ["RECORD_ROWS", "form_xlsx", "record_sheet_title"]

RECORD_ROWS = 200
"""Blank, validated rows on each record sheet."""

_LEVEL_NAMES = "一二三四五六七八九"
_INPUT_FILL = "FFF9E5"  # the pale yellow of a cell to fill
_LOCKED_FILL = "EDEDED"  # the grey of a cell that does not apply
_EARLIEST = dt.date(2000, 1, 1)


def record_sheet_title(node: str, field: str) -> str:
    """The title of the sheet holding ``node``'s list ``field`` (kept in ``_form``)."""
    return f"记录 {node}.{field}"


def form_xlsx(
    graph: EvaluationGraph,
    unit: str | None = None,
    tags: Sequence[str] = (),
    deadline: dt.date | None = None,
) -> bytes:
    """The form for ``unit`` (blank on the cover when None) as the bytes of an .xlsx."""
    xl = openpyxl()
    wb = xl.Workbook()
    s = _Styles(xl, wb)
    taken = {COVER.lower(), TABLE.lower(), FACTS.lower(), META.lower()}
    meta: list[tuple[str, str]] = [
        ("form", FORM_VERSION),
        ("ruleset", graph.id),
        ("hash", graph.ruleset_hash),
        ("engine", __version__),
    ]
    _cover(wb.active, graph, unit, tags, deadline, s)
    meta += _table(wb.create_sheet(TABLE), graph, s)
    meta += _facts(wb.create_sheet(FACTS), graph, s)
    for sheet in record_sheets(graph):
        title = sheet_title(record_sheet_title(sheet.node, sheet.field), taken)
        _records(wb.create_sheet(title), sheet.columns, s)
        meta.append(("records", f"{title}\t{sheet.node}\t{sheet.field}"))
    s.close()
    hidden = wb.create_sheet(META)
    for row, (key, value) in enumerate(meta, 1):
        cell(hidden, row, 1, key)
        cell(hidden, row, 2, value)
    hidden.sheet_state = "veryHidden"  # not listed by Excel's Unhide: the form's own data
    hidden.protection.sheet = True
    return workbook_bytes(wb)


class _Validation:
    """A data validation whose cells are gathered, then set at once (openpyxl's own
    ``add`` re-checks every range already added: quadratic over a sheet)."""

    def __init__(self, xl: Any, ws: Any, options: dict[str, Any]) -> None:
        self.dv = xl.worksheet.datavalidation.DataValidation(
            allow_blank=True, showErrorMessage=True, errorTitle="填写有误", **options
        )
        self.refs: list[str] = []
        self.xl = xl
        ws.add_data_validation(self.dv)

    def add(self, target: Any) -> None:
        self.refs.append(target if isinstance(target, str) else target.coordinate)

    def close(self) -> None:
        self.dv.sqref = self.xl.worksheet.cell_range.MultiCellRange(" ".join(self.refs))


class _Styles:
    """The form's named styles (one style record each, so cells share them) and its
    validations."""

    def __init__(self, xl: Any, wb: Any) -> None:
        st = xl.styles
        self.xl = xl
        self.bold = st.Font(name=BODY_FONT, size=10, bold=True)
        self.body = st.Font(name=BODY_FONT, size=10)
        self.title = st.Font(name=BODY_FONT, size=16, bold=True)
        self.wrap = st.Alignment(wrap_text=True, vertical="top")
        self.center = st.Alignment(horizontal="center", vertical="center", wrap_text=True)
        thin = st.Side(style="thin", color="808080")
        border = st.Border(left=thin, right=thin, top=thin, bottom=thin)
        locked, unlocked = st.Protection(locked=True), st.Protection(locked=False)
        styles = {
            "dr-head": (self.bold, self.center, _solid(st, HEAD_FILL), locked),
            "dr-text": (self.body, self.wrap, st.PatternFill(), locked),
            "dr-center": (self.body, self.center, st.PatternFill(), locked),
            "dr-input": (
                self.body,
                self.wrap,
                st.PatternFill("solid", fgColor=_INPUT_FILL),
                unlocked,
            ),
            "dr-shut": (
                self.body,
                self.center,
                st.PatternFill("solid", fgColor=_LOCKED_FILL),
                locked,
            ),
        }
        for name, (font, alignment, fill, protection) in styles.items():
            wb.add_named_style(
                st.NamedStyle(
                    name, font=font, alignment=alignment, fill=fill, border=border,
                    protection=protection,
                )
            )  # fmt: skip
        self.validations: list[_Validation] = []

    def head(self, ws: Any, row: int, titles: Iterable[str]) -> None:
        for col, title in enumerate(titles, 1):
            cell(ws, row, col, title).style = "dr-head"

    def text(self, ws: Any, row: int, col: int, value: Any, centred: bool = False) -> Any:
        target = cell(ws, row, col, value)
        target.style = "dr-center" if centred else "dr-text"
        return target

    def field(self, ws: Any, row: int, col: int) -> Any:
        """An input cell: unlocked, pale yellow, bordered."""
        target = ws.cell(row=row, column=col)
        target.style = "dr-input"
        return target

    def shut(self, ws: Any, row: int, col: int, note: str = "") -> Any:
        """A cell that does not apply to this row: grey, locked."""
        target = cell(ws, row, col, note or None)
        target.style = "dr-shut"
        return target

    def validation(self, ws: Any, **options: Any) -> _Validation:
        v = _Validation(self.xl, ws, options)
        self.validations.append(v)
        return v

    def close(self) -> None:
        for v in self.validations:
            v.close()


def _solid(st: Any, colour: str) -> Any:
    return st.PatternFill("solid", fgColor=colour)


def _print_setup(ws: Any, title_rows: str | None = None) -> None:
    """A4 landscape, one page wide, header rows repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows


def _widths(ws: Any, widths: Iterable[float]) -> None:
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


# ---------------------------------------------------------------- cover


def _cover(
    ws: Any,
    graph: EvaluationGraph,
    unit: str | None,
    tags: Sequence[str],
    deadline: dt.date | None,
    s: _Styles,
) -> None:
    ws.title = COVER
    cell(ws, 1, 1, graph.title, font=s.title, alignment=s.center)
    ws.merge_cells("A1:B1")
    cell(ws, 2, 1, "自评表 self-assessment form", font=s.bold, alignment=s.center)
    ws.merge_cells("A2:B2")
    rows: list[tuple[str, Any]] = [
        ("考评方案 scheme", graph.title),
        ("发布单位 issuer", graph.issuer or ""),
        ("发布日期 issued", graph.issued or ""),
        ("规则集 ruleset", graph.id),
        ("满分 max", exact(graph.root.points)),
    ]
    for row, (key, value) in enumerate(rows, 4):
        cell(ws, row, 1, key, font=s.bold, alignment=s.wrap)
        s.text(ws, row, 2, value)
    cell(ws, 9, 1, "被考评单位 unit", font=s.bold)
    s.text(ws, 9, 2, unit) if unit is not None else s.field(ws, 9, 2)
    cell(ws, 10, 1, "单位类别 tags", font=s.bold)
    s.text(ws, 10, 2, ";".join(tags)) if tags else s.field(ws, 10, 2)
    cell(ws, 11, 1, "报送截止 deadline", font=s.bold)
    s.text(ws, 11, 2, deadline.isoformat() if deadline else "")
    cell(ws, 13, 1, "填报说明 instructions", font=s.bold)
    for row, line in enumerate(_instructions(graph), 14):
        cell(ws, row, 1, line, font=s.body, alignment=s.wrap)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.row_dimensions[row].height = 30
    _widths(ws, [24, 90])
    ws.protection.sheet = True
    _print_setup(ws)


def _instructions(graph: EvaluationGraph) -> list[str]:
    lines = [
        f"1. 在「{TABLE}」表中逐项填写黄色单元格：考核填报（情况说明）、"
        "附件或链接（每行一个网址或文件名；注明类别与提交日期写作"
        "「[screenshot 2021-01-18] 截图.png」）、"
        "自评分；考核评分、复核由考核单位填写，以最后填写的一栏为准，各栏均保留备查。",
        f"2. 规则按事实计分的项目，在「{FACTS}」表中填写相应数据（次数、日期、比率等）；"
        "日期清单在各「记录」表中逐条填写。",
        f"3. 不适用的项目在「不适用」栏选「{NA_MARK}」，"
        "并在考核填报栏以「说明：」开头的一行说明理由、附佐证；"
        "日期清单为空（事实表填0）时，同样以「说明：」一行做出说明。",
        "4. 请勿增删行、合并或拆分单元格、填写公式；灰色单元格不需填写。",
    ]
    if graph.assumed_params:
        names = ", ".join(p.name for p in graph.assumed_params)
        lines.append(f"5. 本表部分分值为假设参数（源文件未给出）：{names}。")
    return lines


# ---------------------------------------------------------------- 评分表


def _table(ws: Any, graph: EvaluationGraph, s: _Styles) -> list[tuple[str, str]]:
    nodes = scored_nodes(graph)
    depth = max((len(levels(graph, n)) for n in nodes), default=0)
    head = [f"{_LEVEL_NAMES[i]}级指标" for i in range(depth)] + list(TABLE_COLUMNS)
    cell(ws, 1, 1, f"{graph.title} 自评分表", font=s.title, alignment=s.center)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
    s.head(ws, 2, head)
    col = {name: depth + i + 1 for i, name in enumerate(TABLE_COLUMNS)}
    validations: dict[str, Any] = {}
    yes_no = s.validation(ws, type="list", formula1='"是,否"', error="请选择 是 或 否")
    na = s.validation(ws, type="list", formula1=f'"{NA_MARK}"', error=f"只能填「{NA_MARK}」")
    meta: list[tuple[str, str]] = []
    first = 3
    for row, n in enumerate(nodes, first):
        for i, level in enumerate(levels(graph, n)):
            s.text(ws, row, i + 1, f"{level.title}（{exact(level.points)}分）", centred=True)
        for i in range(len(levels(graph, n)), depth):
            s.text(ws, row, i + 1, None)
        s.text(ws, row, col["具体项目"], n.title)
        s.text(ws, row, col["编号"], n.id, centred=True)
        s.text(ws, row, col["分值"], n.points, centred=True)
        s.text(ws, row, col["责任单位"], n.owner)
        s.text(ws, row, col["备注"], n.remark)
        s.text(ws, row, col["评分说明"], "\n".join(_rules_in_words(graph, n)))
        s.field(ws, row, col["考核填报"])
        s.field(ws, row, col["附件或链接"])
        if n.na is not None:
            na.add(s.field(ws, row, col["不适用"]))
        else:
            s.shut(ws, row, col["不适用"])
        field = score_field(n)
        for layer in LAYERS:
            if field is None:
                s.shut(ws, row, col[layer], f"见「{FACTS}」")
                continue
            target = s.field(ws, row, col[layer])
            if field == "met":
                yes_no.add(target)
            else:
                low, high = n.direct_range or (Decimal(0), n.points)
                key = f"{exact(low)}..{exact(high)}"
                if key not in validations:
                    validations[key] = s.validation(
                        ws,
                        type="decimal",
                        operator="between",
                        formula1=exact(low),
                        formula2=exact(high),
                        error=f"分值应在 {exact(low)} 至 {exact(high)} 之间",
                    )
                validations[key].add(target)
        meta.append(("row", f"{row}\t{n.id}\t{field or ''}"))
    for at in range(depth):
        _merge_runs(ws, at + 1, first, [_level_id(graph, n, at) for n in nodes])
    meta += [("merge", str(r)) for r in sorted(ws.merged_cells.ranges, key=str)]
    _widths(ws, [12] * depth + [34, 14, 6, 12, 12, 40, 28, 28, 8, 8, 8, 8])
    ws.freeze_panes = ws.cell(row=3, column=depth + 2)
    ws.protection.sheet = True
    _print_setup(ws, "2:2")
    return meta


def _merge_runs(ws: Any, column: int, first: int, ids: Sequence[str | None]) -> None:
    """Merge each run of rows under the same indicator in ``column`` (``ids``: the
    indicator of each row at this level, None where the row has no such level)."""
    start = 0
    for i in range(1, len(ids) + 1):
        if i < len(ids) and ids[i] == ids[start]:
            continue
        if i - 1 > start and ids[start] is not None:
            ws.merge_cells(
                start_row=first + start,
                start_column=column,
                end_row=first + i - 1,
                end_column=column,
            )
        start = i


def _level_id(graph: EvaluationGraph, n: GraphNode, level: int) -> str | None:
    ancestry = levels(graph, n)
    return ancestry[level].id if level < len(ancestry) else None


def _rules_in_words(graph: EvaluationGraph, n: GraphNode) -> list[str]:
    """评分说明: the node's rules, each with its cite and line, then its policies."""
    out = []
    if n.scoring == "direct" and n.direct_range:
        low, high = n.direct_range
        out.append(_with_cite(f"直接评分 score {exact(low)}–{exact(high)}", n.direct_cite, None))
    elif n.scoring == "survey":
        answers = ", ".join(f"{a} ×{exact(w)}" for a, w in n.answers)
        out.append(f"问卷 survey: {answers}")
    else:
        clauses = n.clauses or (n.base,)
        out += [
            _with_cite(str(c), getattr(c, "cite", None), getattr(c, "line", None)) for c in clauses
        ]
    if n.evidence_required:
        out.append(_with_cite("须提供佐证材料 evidence required", n.evidence_cite, n.evidence_line))
        needs = n.evidence_needs
        if needs.kinds:
            kinds = kinds_text(needs.kinds)
            out.append(_with_cite(f"佐证须含 kinds: {kinds}", needs.kinds_cite, needs.kinds_line))
        if needs.by is not None:
            by = needs.by.isoformat()
            out.append(
                _with_cite(f"佐证须于{by}前提交 submitted by {by}", needs.by_cite, needs.by_line)
            )
    if n.na_statement is not None:
        rule = n.na_statement
        out.append(_with_cite("不适用须做出说明 n/a requires a statement", rule.cite, rule.line))
    if n.rejected:
        kinds = ", ".join(sorted(n.rejected))
        out.append(_with_cite(f"不予认定的佐证 rejected: {kinds}", n.rejected_cite, None))
    if n.na is not None:
        out.append(_with_cite(f"不适用 n/a: {n.na.policy}", n.na.cite, n.na.line))
    if n.weight is not None:
        out.append(f"权重 weight {percent(n.weight)}")
    return out


def _with_cite(text: str, cite: str | None, line: int | None) -> str:
    where = f"（第{line}行）" if line is not None else ""
    return f"• {text}{where}" + (f"「{cite}」" if cite else "")


# ---------------------------------------------------------------- 事实


def _facts(ws: Any, graph: EvaluationGraph, s: _Styles) -> list[tuple[str, str]]:
    s.head(ws, 1, FACT_COLUMNS)
    rules = {
        "count": s.validation(
            ws, type="whole", operator="greaterThanOrEqual", formula1="0", error="应为不小于0的整数"
        ),
        "number": s.validation(
            ws, type="decimal", operator="greaterThanOrEqual", formula1="0", error="应为不小于0的数"
        ),
        "rate": s.validation(
            ws,
            type="decimal",
            operator="between",
            formula1="0",
            formula2="1",
            error="应为0至1之间的比率",
        ),
        "bool": s.validation(ws, type="list", formula1='"是,否"', error="请选择 是 或 否"),
        "date": _date_validation(s, ws),
        "datetime": _date_validation(s, ws),
    }
    rules["records"] = rules["count"]
    meta = []
    for row, fact in enumerate(fact_rows(graph), 2):
        s.text(ws, row, 1, fact.node, centred=True)
        s.text(ws, row, 2, fact.title)
        s.text(ws, row, 3, fact.field, centred=True)
        s.text(ws, row, 4, KIND_WORDS.get(fact.kind, fact.kind), centred=True)
        for layer in range(len(LAYERS)):
            target = s.field(ws, row, 5 + layer)
            rules[fact.kind].add(target)
            if fact.kind == "date":
                target.number_format = "yyyy-mm-dd"
            elif fact.kind == "datetime":
                target.number_format = "yyyy-mm-dd hh:mm"
        meta.append(("fact", f"{row}\t{fact.node}\t{fact.field}\t{fact.kind}"))
    _widths(ws, [18, 40, 18, 16, 14, 14, 14])
    ws.freeze_panes = "E2"
    ws.protection.sheet = True
    _print_setup(ws, "1:1")
    return meta


def _date_validation(s: _Styles, ws: Any) -> _Validation:
    """A date from 2000 on; a warning, not a refusal, so that 未完成 can be typed."""
    return s.validation(
        ws,
        type="date",
        operator="greaterThanOrEqual",
        formula1=str((_EARLIEST - dt.date(1899, 12, 30)).days),
        errorStyle="warning",
        error=f"应为日期，如 2020-03-02；尚未完成的填「{NOT_YET}」",
    )


def _records(ws: Any, fields: Sequence[tuple[str, str]], s: _Styles) -> None:
    columns = [*fields, (RECORD_LABEL, "label")]
    s.head(ws, 1, [name for name, _ in columns])
    dates = _date_validation(s, ws)
    for col, (_, kind) in enumerate(columns, 1):
        letter = get_column_letter(col)
        if kind in ("date", "datetime"):
            dates.add(f"{letter}2:{letter}{RECORD_ROWS + 1}")
        for row in range(2, RECORD_ROWS + 2):
            target = s.field(ws, row, col)
            if kind in ("date", "datetime"):
                target.number_format = "yyyy-mm-dd" if kind == "date" else "yyyy-mm-dd hh:mm"
    _widths(ws, [20] * len(columns))
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    _print_setup(ws, "1:1")
