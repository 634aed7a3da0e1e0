"""Every way a filled form can be wrong is reported with its file, sheet, cell and unit
(one workbook per case, written for the run by tests/fixtures/forms/make.py)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

import disclosure_rules as dr
from disclosure_rules.cli import main
from disclosure_rules.forms.read import read_forms

# the fixtures' writer, beside the fixtures
_spec = importlib.util.spec_from_file_location(
    "bad_forms", Path(__file__).parent / "fixtures" / "forms" / "make.py"
)
assert _spec is not None and _spec.loader is not None
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

TOWNSHIPS = dr.load("yifeng-2020-townships")

EXPECTED = {
    "DR811-not-a-form": ("", "DR811 not a disclosure-rules form: it has no _form sheet"),
    "DR811-not-a-workbook": ("", "DR811 not an Excel workbook (BadZipFile"),
    "DR812-another-ruleset": (
        "",
        "DR812 a form of ruleset 'changzhou-2020', not of 'yifeng-2020-townships'",
    ),
    "DR812-another-version": ("", "DR812 a form of another version of yifeng-2020-townships"),
    "DR813-row-deleted": (
        ":评分表!F5: unit '新昌镇': fact 'opinions_published'",
        "DR813 row 5 should be 'opinions_published' but holds 'opinions_adopted'",
    ),
    "DR813-row-added": (
        ":评分表!F5: unit '新昌镇': fact 'opinions_published'",
        "DR813 row 5 should be 'opinions_published' but holds None: a row was added or deleted",
    ),
    "DR814-merge-broken": (
        ":评分表!B3:B16: unit '新昌镇'",
        "DR814 the merged cell B3:B16 was unmerged or changed",
    ),
    "DR815-formula": (
        ":评分表!N4: unit '新昌镇': fact 'attendance'",
        "DR815 a formula (=1+1): forms take values, not formulas",
    ),
    "DR816-text-in-a-number-cell": (
        ":评分表!N4: unit '新昌镇': fact 'attendance'",
        "DR816 text '两分' in a number cell",
    ),
    "DR817-above-the-points": (
        ":评分表!O4: unit '新昌镇': fact 'attendance'",
        "DR817 5 is outside 0..2, the item's points",
    ),
    "DR817-not-a-date": (
        ":事实!E2: unit '新昌镇': fact 'catalog_published'",
        "DR817 '年底前' is not a date (2020-03-02)",
    ),
    "DR818-no-unit": (":封面!B9", "DR818 the form names no unit"),
}


@pytest.fixture(scope="module")
def bad_forms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-forms")
    make.write(folder)
    return folder


def test_every_fixture_has_an_expectation_and_every_code_a_fixture(bad_forms):
    assert sorted(p.stem for p in bad_forms.glob("*.xlsx")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_form_is_reported_where_it_is_wrong(name, bad_forms):
    path = bad_forms / f"{name}.xlsx"
    where, message = EXPECTED[name]
    with pytest.raises(dr.FactsError) as caught:
        read_forms(TOWNSHIPS.graph, [path])
    rendered = caught.value.render()
    assert rendered.startswith(f"{path}{where}: error: {message}"), rendered


def test_the_command_line_reports_every_bad_form_of_a_folder_and_scores_none(
    tmp_path, capsys, bad_forms
):
    for name in ("DR815-formula", "DR817-above-the-points"):
        shutil.copy(bad_forms / f"{name}.xlsx", tmp_path)
    code = main(["score", "yifeng-2020-townships", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert "DR815" in err and "DR817" in err


def test_a_folder_without_forms_is_an_error(tmp_path):
    with pytest.raises(dr.FactsError, match="DR811 no form workbooks"):
        read_forms(TOWNSHIPS.graph, [tmp_path])
