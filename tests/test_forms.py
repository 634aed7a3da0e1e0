"""Self-assessment forms: written from each shipped ruleset, filled as a person would,
read back into the same facts and the same scores."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from formfill import fill, header_columns, table_row
from hypothesis import given, settings
from test_schemas import validate

import disclosure_rules as dr
from disclosure_rules import testing
from disclosure_rules.cli import main
from disclosure_rules.facts import load_facts
from disclosure_rules.forms import form_xlsx
from disclosure_rules.forms.layout import (
    COVER,
    FACTS,
    LAYERS,
    META,
    TABLE,
    TABLE_COLUMNS,
    fact_rows,
    levels,
    record_sheets,
    score_field,
    scored_nodes,
)
from disclosure_rules.forms.read import read_forms

EXAMPLES = Path(__file__).parents[1] / "examples"
SHIPPED = [e.id for e in dr.catalog()]


def write_forms(ruleset: dr.Ruleset, document: dict, folder: Path) -> Path:
    """One form per unit of ``document``, filled with its facts in the 自评分 layer."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, unit in enumerate(document["units"]):
        path = folder / f"{i:03d}.xlsx"
        path.write_bytes(form_xlsx(ruleset.graph, unit["id"], unit.get("tags", [])))
        fill(path, unit)
    return folder


def assert_same_facts_and_scores(ruleset: dr.Ruleset, source, back: dict) -> None:
    given_facts = load_facts(source, ruleset.graph)
    read_facts = load_facts(back, ruleset.graph)
    for a, b in zip(given_facts.units, read_facts.units, strict=True):
        assert (a.id, a.tags) == (b.id, b.tags)
        assert dict(a.facts) == dict(b.facts), a.id
    scored = ruleset.evaluate(given_facts)
    again = ruleset.evaluate(read_facts)
    assert [(u.id, u.total, u.grade, u.rank) for u in scored] == [
        (u.id, u.total, u.grade, u.rank) for u in again
    ]


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize("rid", SHIPPED)
def test_every_example_round_trips_through_forms(rid, tmp_path):
    ruleset = dr.load(rid)
    path = EXAMPLES / f"{rid}.facts.json"
    document = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    document["units"] = document["units"][:8]  # a form per unit: eight make the point
    back = read_forms(ruleset.graph, [write_forms(ruleset, document, tmp_path / "forms")])
    assert_same_facts_and_scores(ruleset, document, back)


@pytest.mark.parametrize("rid", ["yifeng-2020-departments", "shanghai-2020-districts"])
def test_facts_drawn_by_the_toolkit_round_trip_through_forms(rid, tmp_path_factory):
    ruleset = dr.load(rid)

    @settings(testing.PROFILE, max_examples=5)
    @given(testing.cohorts(ruleset, max_units=2))
    def round_trip(document):
        folder = write_forms(ruleset, document, tmp_path_factory.mktemp("forms"))
        assert_same_facts_and_scores(ruleset, document, read_forms(ruleset.graph, [folder]))

    round_trip()


# ---------------------------------------------------------------- layers


def test_the_last_layer_filled_counts_and_every_layer_is_in_the_audit(tmp_path):
    ruleset = dr.load("yifeng-2020-townships")
    path = tmp_path / "新昌镇.xlsx"
    path.write_bytes(form_xlsx(ruleset.graph, "新昌镇", ["township"]))
    wb = openpyxl.load_workbook(path)
    ws = wb[TABLE]
    col, row = header_columns(ws), table_row(ws, "hearing")
    ws.cell(row=row, column=col["考核填报"]).value = "已召开听证会"
    ws.cell(row=row, column=col["附件或链接"]).value = (  # the kinds and day Yifeng requires
        "[link 2021-01-18] https://example.gov.cn/gk/1\n[screenshot 2021-01-18] 截图/hearing.png"
    )
    ws.cell(row=row, column=col["自评分"]).value = 2
    ws.cell(row=row, column=col["考核评分"]).value = 1.5
    ws.cell(row=row, column=col["复核"]).value = 1
    wb.save(path)
    results = ruleset.evaluate(read_forms(ruleset.graph, [path]))
    hearing = results.unit("新昌镇").node("hearing")
    assert hearing.score == 1
    notes = [e.note for e in hearing.entries if e.kind == "note"]
    assert notes == ["已召开听证会\n自评分 2；考核评分 1.5；复核 1（以复核为准）"]


def test_an_assessors_score_counts_when_there_is_no_review(tmp_path):
    ruleset = dr.load("yifeng-2020-townships")
    path = tmp_path / "f.xlsx"
    path.write_bytes(form_xlsx(ruleset.graph, "新昌镇", ["township"]))
    wb = openpyxl.load_workbook(path)
    ws = wb[TABLE]
    col, row = header_columns(ws), table_row(ws, "process")
    ws.cell(row=row, column=col["自评分"]).value = 95
    ws.cell(row=row, column=col["考核评分"]).value = 88.5
    wb.save(path)
    document = read_forms(ruleset.graph, [path])
    assert document["units"][0]["facts"]["process"]["score"] == "88.5"


# ---------------------------------------------------------------- layout


@pytest.fixture(scope="module", params=SHIPPED)
def form(request, tmp_path_factory):
    ruleset = dr.load(request.param)
    path = tmp_path_factory.mktemp("layout") / "form.xlsx"
    path.write_bytes(form_xlsx(ruleset.graph, "某单位", ["tag"]))
    return ruleset.graph, openpyxl.load_workbook(path)


def test_the_form_has_its_sheets_and_a_hidden_one_naming_the_ruleset(form):
    graph, wb = form
    records = [s for s in wb.sheetnames if s.startswith("记录")]
    assert wb.sheetnames == [COVER, TABLE, FACTS, *records, META]
    assert len(records) == len(record_sheets(graph))
    assert wb[META].sheet_state == "veryHidden"
    meta = {k: v for k, v in wb[META].iter_rows(values_only=True) if k in ("ruleset", "hash")}
    assert meta == {"ruleset": graph.id, "hash": graph.ruleset_hash}


def test_the_table_has_the_official_columns_and_one_row_per_item(form):
    graph, wb = form
    ws = wb[TABLE]
    nodes = scored_nodes(graph)
    depth = max(len(levels(graph, n)) for n in nodes)
    head = [c.value for c in ws[2]]
    assert head[:depth] == [f"{'一二三四五'[i]}级指标" for i in range(depth)]
    assert head[depth:] == list(TABLE_COLUMNS)
    col = header_columns(ws)
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[col["编号"] - 1] for r in rows] == [n.id for n in nodes]
    assert [r[col["分值"] - 1] for r in rows] == [n.points for n in nodes]
    assert [r[col["责任单位"] - 1] for r in rows] == [n.owner for n in nodes]
    for r, n in zip(rows, nodes, strict=True):
        for clause in n.clauses:
            if clause.cite:
                assert f"「{clause.cite}」" in r[col["评分说明"] - 1]


def test_each_indicator_is_one_merged_cell_over_its_items(form):
    graph, wb = form
    ws = wb[TABLE]
    nodes = scored_nodes(graph)
    merged = {str(r) for r in ws.merged_cells.ranges}
    for level in range(max(len(levels(graph, n)) for n in nodes)):
        runs: dict[str, list[int]] = {}
        for row, n in enumerate(nodes, 3):
            ancestry = levels(graph, n)
            if level < len(ancestry):
                runs.setdefault(ancestry[level].id, []).append(row)
        letter = openpyxl.utils.get_column_letter(level + 1)
        for indicator, rows in runs.items():
            assert rows == list(range(rows[0], rows[-1] + 1)), indicator
            title = ws.cell(row=rows[0], column=level + 1).value
            assert title.startswith(graph.node(indicator).title)
            if len(rows) > 1:
                assert f"{letter}{rows[0]}:{letter}{rows[-1]}" in merged


def test_only_the_cells_to_fill_are_unlocked_and_each_is_validated(form):
    graph, wb = form
    ws = wb[TABLE]
    assert ws.protection.sheet and wb[FACTS].protection.sheet and wb[COVER].protection.sheet
    col = header_columns(ws)
    validations = [(dv, dv.sqref) for dv in ws.data_validations.dataValidation]

    def validation(cell):
        found = [dv for dv, ref in validations if cell.coordinate in ref]
        assert len(found) == 1, cell.coordinate
        return found[0]

    for row, n in enumerate(scored_nodes(graph), 3):
        for name in ("具体项目", "编号", "分值", "评分说明"):
            assert ws.cell(row=row, column=col[name]).protection.locked
        for name in ("考核填报", "附件或链接"):
            assert not ws.cell(row=row, column=col[name]).protection.locked
        na = ws.cell(row=row, column=col["不适用"])
        assert na.protection.locked == (n.na is None)
        if n.na is not None:
            assert validation(na).formula1 == '"不适用"'
        field = score_field(n)
        for layer in LAYERS:
            cell = ws.cell(row=row, column=col[layer])
            assert cell.protection.locked == (field is None)
            if field == "met":
                assert validation(cell).formula1 == '"是,否"'
            elif field is not None:
                dv = validation(cell)
                low, high = n.direct_range or (0, n.points)
                assert (dv.type, dv.formula1, dv.formula2) == ("decimal", str(low), str(high))


def test_the_facts_sheet_validates_each_fact_by_its_kind(form):
    graph, wb = form
    ws = wb[FACTS]
    expected = {"count": "whole", "number": "decimal", "rate": "decimal", "bool": "list"}
    expected |= {"date": "date", "datetime": "date", "records": "whole"}
    for row, fact in enumerate(fact_rows(graph), 2):
        assert [c.value for c in ws[row]][:3] == [fact.node, fact.title, fact.field]
        for col in range(5, 5 + len(LAYERS)):
            cell = ws.cell(row=row, column=col)
            assert not cell.protection.locked
            kinds = [
                dv.type for dv in ws.data_validations.dataValidation if cell.coordinate in dv.sqref
            ]
            assert kinds == [expected[fact.kind]]


def test_the_form_prints_on_a4_landscape_one_page_wide(form):
    _, wb = form
    for name in (COVER, TABLE, FACTS):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # '9'
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert wb[TABLE].print_title_rows == "$2:$2"
    assert wb[TABLE]["A2"].font.name == "宋体" and wb[TABLE]["A2"].alignment.wrap_text


def test_the_cover_names_the_scheme_the_unit_and_the_deadline(tmp_path):
    import datetime as dt

    ruleset = dr.load("yifeng-2020-townships")
    path = tmp_path / "f.xlsx"
    path.write_bytes(form_xlsx(ruleset.graph, "新昌镇", ["township"], dt.date(2021, 1, 20)))
    ws = openpyxl.load_workbook(path)[COVER]
    cells = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert cells["考评方案 scheme"] == ruleset.title
    assert cells["被考评单位 unit"] == "新昌镇"
    assert cells["单位类别 tags"] == "township"
    assert cells["报送截止 deadline"] == "2021-01-20"


# ---------------------------------------------------------------- the command line


def test_form_score_and_facts_through_the_command_line(tmp_path, capsys):
    rid = "yifeng-2020-townships"
    forms = tmp_path / "forms"
    args = ["form", rid, "-o", str(forms), "--unit", "新昌镇=township", "--unit", "澄塘镇=township"]
    assert main(args) == 0
    assert sorted(p.name for p in forms.iterdir()) == ["新昌镇.xlsx", "澄塘镇.xlsx"]
    source = json.loads((EXAMPLES / f"{rid}.facts.json").read_text(encoding="utf-8"))
    for unit in source["units"][:2]:
        fill(forms / f"{unit['id']}.xlsx", unit)
    assert main(["facts", rid, str(forms), "-o", str(tmp_path / "facts.json")]) == 0
    assert main(["score", rid, str(forms), "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)
    source = json.loads((EXAMPLES / f"{rid}.facts.json").read_bytes(), parse_float=Decimal)
    source["units"] = source["units"][:2]
    expected = dr.load(rid).evaluate(source)
    assert [(u["id"], u["total"]) for u in results["units"]] == [
        (u.id, u.to_dict()["total"]) for u in expected
    ]
    written = json.loads((tmp_path / "facts.json").read_text(encoding="utf-8"))
    assert [u["id"] for u in written["units"]] == ["新昌镇", "澄塘镇"]
    validate(written, "facts")
    assert results["facts"]["source"] == str(forms)


def test_a_blank_form_asks_for_the_unit_on_its_cover(tmp_path):
    ruleset = dr.load("yifeng-2020-townships")
    path = tmp_path / "blank.xlsx"
    assert main(["form", "yifeng-2020-townships", "-o", str(path)]) == 0
    cover = openpyxl.load_workbook(path)[COVER]
    assert cover["B9"].value is None and not cover["B9"].protection.locked
    shutil.copy(path, tmp_path / "copy.xlsx")
    with pytest.raises(dr.FactsError, match="DR818 the form names no unit"):
        read_forms(ruleset.graph, [tmp_path / "copy.xlsx"])


def test_scores_given_for_an_item_marked_not_applicable_are_kept_in_its_note(tmp_path):
    ruleset = dr.load("yifeng-2020-townships")
    path = tmp_path / "f.xlsx"
    path.write_bytes(form_xlsx(ruleset.graph, "新昌镇", ["township"]))
    wb = openpyxl.load_workbook(path)
    ws = wb[TABLE]
    col, row = header_columns(ws), table_row(ws, "hearing")
    ws.cell(row=row, column=col["不适用"]).value = "不适用"
    ws.cell(row=row, column=col["考核填报"]).value = "本年度无相关决策"
    ws.cell(row=row, column=col["自评分"]).value = 2
    wb.save(path)
    cell = read_forms(ruleset.graph, [path])["units"][0]["facts"]["hearing"]
    assert cell == {
        "not_applicable": True,
        "note": "本年度无相关决策\n自评分 2（不适用，不计分）",
    }


# ---------------------------------------------------------------- evidence requirements


def test_the_rules_column_states_the_evidence_kinds_and_deadline_with_their_cite(tmp_path):
    graph = dr.load("yifeng-2020-townships").graph
    path = tmp_path / "form.xlsx"
    path.write_bytes(form_xlsx(graph, "新昌镇", ["township"]))
    ws = openpyxl.load_workbook(path)[TABLE]
    rules = ws.cell(row=table_row(ws, "hearing"), column=header_columns(ws)["评分说明"]).value
    needs = graph.node("hearing").evidence_needs
    assert needs.kinds and needs.by is not None
    kinds = next(line for line in rules.splitlines() if "佐证须含" in line)
    assert "link and screenshot" in kinds and f"「{needs.kinds_cite}」" in kinds
    due = next(line for line in rules.splitlines() if "submitted by" in line)
    assert needs.by.isoformat() in due and f"「{needs.by_cite}」" in due


def test_a_line_naming_two_kinds_is_refused_with_its_cell(tmp_path):
    ruleset = dr.load("yifeng-2020-townships")
    path = tmp_path / "新昌镇.xlsx"
    path.write_bytes(form_xlsx(ruleset.graph, "新昌镇", ["township"]))
    wb = openpyxl.load_workbook(path)
    ws = wb[TABLE]
    col, row = header_columns(ws), table_row(ws, "hearing")
    ws.cell(row=row, column=col["附件或链接"]).value = "[link screenshot] x.png"
    wb.save(path)
    with pytest.raises(dr.FactsError, match="names two kinds") as caught:
        read_forms(ruleset.graph, [path])
    assert caught.value.diagnostics[0].code == "DR817"
