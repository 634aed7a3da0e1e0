"""Results as tables: rows for data frames and databases, and the results workbook."""

from __future__ import annotations

import json
import sqlite3
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import disclosure_rules as dr
from disclosure_rules.cli import main
from disclosure_rules.decimals import round_half_up

EXAMPLES = Path(__file__).parents[1] / "examples"
TOWNSHIPS = EXAMPLES / "yifeng-2020-townships.facts.json"
CHANGZHOU = EXAMPLES / "changzhou-2020.facts.json"


@pytest.fixture(scope="module")
def townships() -> dr.Results:
    return dr.load("yifeng-2020-townships").evaluate(TOWNSHIPS)


def test_unit_rows_hold_rank_total_grade_and_components(townships):
    row = townships.rows()[0]
    unit = townships.units[0]
    assert list(row) == [
        "unit", "rank", "total", "total_exact", "max", "grade", "vetoes", "work", "process",
    ]  # fmt: skip
    assert row["unit"] == unit.id
    assert row["total_exact"] == unit.total
    assert row["total"] == unit.rounded_total
    # a component's column is its score rounded as the total is (79 in the example)
    assert row["work"] == unit.score("work").quantize(unit.rounded_total)
    assert row["work"] == Decimal("79.00")


def test_node_rows_cover_every_unit_and_node_and_add_up(townships):
    rows = townships.rows("node")
    assert len(rows) == len(townships) * len(townships.graph.nodes)
    for row in rows:
        assert row["lost"] == row["max"] - row["score_exact"]
    root = [r for r in rows if r["parent"] is None]
    assert [r["score_exact"] for r in root] == [u.total for u in townships]


def test_rows_refuse_an_unknown_shape(townships):
    with pytest.raises(ValueError, match="per: expected 'unit' or 'node', got 'item'"):
        townships.rows("item")  # type: ignore[arg-type]


def test_rows_load_into_sqlite_as_the_docs_show(townships):
    db = sqlite3.connect(":memory:")
    db.execute("create table results (unit text, rank int, total text, grade text)")
    db.executemany(
        "insert into results values (:unit, :rank, :total, :grade)",
        [{**r, "total": str(r["total"])} for r in townships.rows()],
    )
    (best,) = db.execute("select unit from results where rank = 1").fetchone()
    assert best == next(u.id for u in townships if u.rank == 1)


def test_to_frame_without_pandas_says_how_to_install_it(townships, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ModuleNotFoundError, match=r"to_frame\(\) needs pandas.*pip install"):
        townships.to_frame()


def test_to_frame_builds_a_pandas_frame_when_installed(townships):
    pytest.importorskip("pandas")
    frame = townships.to_frame("node")
    assert frame.shape[0] == len(townships.rows("node"))
    assert frame.loc[0, "unit"] == townships.units[0].id


def test_score_xlsx_writes_ranking_matrix_assumptions_and_unit_sheets(tmp_path, capsys):
    out = tmp_path / "results.xlsx"
    args = ["score", "changzhou-2020", str(CHANGZHOU), "--format", "xlsx", "-o", str(out)]
    assert main(args) == 0
    results = dr.load("changzhou-2020").evaluate(CHANGZHOU)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["排名", "失分矩阵", "说明"]
    assert len(wb.sheetnames) == 3 + len(results)
    ranking = wb["排名"]
    head = [c.value for c in ranking[1]]
    assert head[:4] == ["组 group", "排名 rank", "单位 unit", "总分 total"]
    first = results.ranking()[0]
    assert [c.value for c in ranking[2]][1:4] == [first.rank, first.id, float(first.rounded_total)]
    assumptions = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True) if r[0]}
    assert assumptions["规则集哈希 ruleset hash"] == results.graph.ruleset_hash
    assert assumptions["事实哈希 facts hash"] == results.facts_hash
    assumed = [p.name for p in results.graph.assumed_params]
    params = list(wb["说明"].iter_rows(min_row=11, values_only=True))
    marked = [r[0] for r in params if r[2] == "假设 assumed"]
    assert marked == assumed and assumed


def test_unit_sheet_says_why_points_were_lost_with_the_cite(tmp_path, townships):
    from disclosure_rules.outputs.xlsx_results import results_xlsx

    path = tmp_path / "r.xlsx"
    path.write_bytes(results_xlsx(townships))
    ws = openpyxl.load_workbook(path)["澄塘镇"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    appeals = rows["appeals"]
    given = json.loads(TOWNSHIPS.read_text(encoding="utf-8"))
    facts = next(u for u in given["units"] if u["id"] == "澄塘镇")["facts"]
    lawsuits = facts["appeals"]["lost_lawsuits"]  # each costs 2 of the row's 2 points
    assert appeals[2:4] == (2, 0) and lawsuits >= 1
    assert f"lost_lawsuits={lawsuits}" in appeals[5] and "「信息公开类行政诉讼" in appeals[5]
    # typed evidence: each piece with its kind
    assert appeals[6].startswith("https://example.gov.cn/gk/appeals/")
    assert appeals[6].splitlines()[1].endswith(" [screenshot]")
    # assessor-awarded below its max: the points given and the rule's line
    awarded = facts["interpretation_content"]["awarded"]
    assert rows["interpretation_content"][3] == awarded < rows["interpretation_content"][2]
    assert rows["interpretation_content"][5] == f"awarded +{awarded}; line 128"
    assert rows["channels_open"][5] is None  # full marks: nothing lost, nothing to explain


def test_lost_matrix_is_max_minus_score_per_item(tmp_path, townships):
    from disclosure_rules.outputs.xlsx_results import results_xlsx

    path = tmp_path / "r.xlsx"
    path.write_bytes(results_xlsx(townships))
    ws = openpyxl.load_workbook(path)["失分矩阵"]
    ids = [c.value for c in ws[2]][2:]
    unit = townships.units[1]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == unit.id)
    for node_id, lost in zip(ids, row[2:], strict=True):
        exact = unit.node(node_id).max - unit.score(node_id)
        assert Decimal(str(lost)) == round_half_up(exact, 2)


def test_text_from_the_input_is_never_a_formula(tmp_path):
    facts = {"units": [{"id": '=HYPERLINK("http://x")', "facts": {}}]}
    results = dr.load("yifeng-2020-townships").evaluate(facts)
    from disclosure_rules.outputs.xlsx_results import results_xlsx

    path = tmp_path / "r.xlsx"
    path.write_bytes(results_xlsx(results))
    ws = openpyxl.load_workbook(path)["排名"]
    assert ws["B2"].value == '=HYPERLINK("http://x")' and ws["B2"].data_type == "s"


def test_score_xlsx_to_standard_output_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["score", "yifeng-2020-townships", str(TOWNSHIPS), "--format", "xlsx"])
    assert exit_.value.code == 2
    assert "--format xlsx writes a file: give it with -o FILE" in capsys.readouterr().err


def test_xlsx_without_openpyxl_is_dr801(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    out = tmp_path / "r.xlsx"
    args = ["score", "yifeng-2020-townships", str(TOWNSHIPS), "--format", "xlsx", "-o", str(out)]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 1 and "DR801 spreadsheets need openpyxl" in err
    assert "pip install 'disclosure-rules[excel]'" in err and not out.exists()
