"""The self-assessment form's layout: what the writer lays out and the reader expects.

A form is one workbook per unit. Its sheets: 封面 (the cover: scheme, unit, deadline,
instructions), 评分表 (one row per scored item, the official table's columns), 事实
(one row per named fact an item's rules read, with its kind's validation), one sheet
per list of dated records, and the hidden ``_form`` sheet that names the ruleset, its
hash and every row, so a form of another ruleset, or with rows added or deleted, is
recognised when it is read back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from ..model.graph import EvaluationGraph, GraphNode

__all__ = [
    "COVER",
    "FACTS",
    "FORM_VERSION",
    "LAYERS",
    "META",
    "NA_MARK",
    "NOT_YET",
    "RECORD_LABEL",
    "SCORE_FIELDS",
    "TABLE",
    "TABLE_COLUMNS",
    "FactRow",
    "RecordSheet",
    "fact_rows",
    "levels",
    "record_sheets",
    "score_field",
    "scored_nodes",
]

FORM_VERSION = "1"
"""Version of the form layout, kept in the hidden sheet."""

COVER = "封面"
TABLE = "评分表"
FACTS = "事实"
META = "_form"

LAYERS = ("自评分", "考核评分", "复核")
"""The score layers, in the order they are filled: the unit's own, the assessor's, the
review's. The last one filled counts; all are kept in the audit (the node's note)."""

RECORD_LABEL = "title"
"""The last column of a record sheet: the record's name, kept in the audit."""

NOT_YET = "未完成"
"""What a date cell holds for what is not done yet (null in the facts)."""

NA_MARK = "不适用"
"""What the N/A column holds for an item the unit is not assessed on."""

SCORE_FIELDS = ("awarded", "met", "score")
"""The fields the score columns give: awarded points, met (是/否), a component's score."""

TABLE_COLUMNS = (
    "具体项目",
    "编号",
    "分值",
    "责任单位",
    "备注",
    "评分说明",
    "考核填报",
    "附件或链接",
    "不适用",
    *LAYERS,
)
"""The 评分表 columns after the indicator levels (一级指标, 二级指标, …)."""

FACT_COLUMNS = ("编号", "具体项目", "事实", "类型", *LAYERS)
"""The 事实 sheet's columns: one row per (node, fact), a value per layer."""

KIND_WORDS = {
    "number": "数值 number ≥ 0",
    "count": "整数 count ≥ 0",
    "rate": "比率 rate 0–1",
    "bool": "是/否",
    "date": "日期 date",
    "datetime": "日期时间 date and time",
    "records": "条数 records listed (0: none)",
}


def scored_nodes(graph: EvaluationGraph) -> list[GraphNode]:
    """The nodes a unit fills a row for: items, bonus items and directly scored or
    surveyed components, in the ruleset's order."""
    return [n for n in graph.nodes if n.is_leaf and n.parent is not None]


def levels(graph: EvaluationGraph, node: GraphNode) -> list[GraphNode]:
    """The node's ancestors below the ruleset, outermost first (its indicator levels)."""
    out = []
    idx = node.parent
    while idx is not None and idx != 0:
        out.append(graph.nodes[idx])
        idx = graph.nodes[idx].parent
    return out[::-1]


class FactRow(NamedTuple):
    """A row of the 事实 sheet: a named fact of a node (or of a veto) and its kind."""

    node: str
    title: str
    field: str
    kind: str


def fact_rows(graph: EvaluationGraph) -> Iterator[FactRow]:
    """Every named fact a unit gives on the 事实 sheet: what the rules read besides the
    score columns' fields — for a list of records, how many it lists (the records
    themselves are on their own sheet; 0 says "none", which an empty sheet cannot) —
    then the vetoes' facts."""
    for n in scored_nodes(graph):
        for field, kind in n.fields:
            if field not in SCORE_FIELDS:
                yield FactRow(n.id, n.title, field, kind)  # records: how many are listed
        if n.scoring == "survey":
            for answer, _ in n.answers:
                yield FactRow(n.id, n.title, answer, "count")
    for v in graph.vetoes:
        for field, kind in graph.fact_schema.get(v.id, {}).items():
            yield FactRow(v.id, v.title, field, kind)


class RecordSheet(NamedTuple):
    """A sheet of dated records: a node's list fact and its fields' kinds."""

    node: str
    field: str
    columns: tuple[tuple[str, str], ...]


def record_sheets(graph: EvaluationGraph) -> list[RecordSheet]:
    return [
        RecordSheet(n.id, field, columns)
        for n in scored_nodes(graph)
        for field, columns in n.record_fields
    ]


def score_field(node: GraphNode) -> str | None:
    """The field the score columns give for ``node``, or None when its rules read
    named facts only (then the 事实 sheet holds them)."""
    if node.scoring == "direct":
        return "score"
    names = dict(node.fields)
    for field in ("awarded", "met"):
        if field in names:
            return field
    return None
