"""Overlays: a ruleset stated as changes to a shipped one, checked, scored and described
as the ruleset they make; their mistakes reported at the overlay's lines."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import disclosure_rules as dr
from disclosure_rules.catalog import shipped_text
from disclosure_rules.cli import main
from disclosure_rules.language.formatter import format_text
from disclosure_rules.language.parser import parse

EXAMPLES = Path(__file__).parents[1] / "examples"
TOWNSHIPS = EXAMPLES / "yifeng-2020-townships.facts.json"
BASE = "yifeng-2020-townships"
BASE_FILE = f"rulesets/{BASE}.dr"

# One point moved from key_work_progress (4 → 3) to hearing (2 → 3), and one rule changed:
# columns is zeroed from three stale columns on, not four.
OVERLAY = """\
ruleset county extends yifeng-2020-townships {
  title "一个县的变体"

  change hearing { points 3 }
  change key_work_progress { points 3 }

  change columns {
    rules {
      deduct 1 per missing_items
      zero when stale_columns > 2
    }
  }
}
"""


def base_text() -> str:
    found = shipped_text(BASE)
    assert found is not None
    return found[1].decode("utf-8")


def hand_edited_copy() -> str:
    """The base with the overlay's changes made by hand, the sections above them too."""
    text = base_text().replace("ruleset yifeng-2020-townships {", "ruleset county {")
    edits = [
        (
            'title "2020年宜丰县政务公开工作考评指标(乡镇、县直各林(垦殖)场)"',
            'title "一个县的变体"',
        ),
        ('"重大行政决策公开" 8', '"重大行政决策公开" 9'),
        ('"重大决策预公开" 4', '"重大决策预公开" 5'),
        ('充分听取有代表性的企业和群众意见" 2', '充分听取有代表性的企业和群众意见" 3'),
        ('"服务和结果公" 6', '"服务和结果公" 5'),
        ('"重点工作信息公开" 4', '"重点工作信息公开" 3'),
        ('重大工程项目的执行情况" 4', '重大工程项目的执行情况" 3'),
        (
            'zero when stale_columns > 3 cite "名下栏目超过3个未更新,直接扣10"',
            "zero when stale_columns > 2",
        ),
        ('deduct 1 per missing_items cite "缺一项扣一分"', "deduct 1 per missing_items"),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def cohort() -> dict:
    """The townships' example cohort, its awards within the points the overlay lowers;
    two units with stale columns, so the changed rule decides something."""
    doc = json.loads(TOWNSHIPS.read_text(encoding="utf-8"), parse_float=Decimal)
    for unit in doc["units"]:
        fact = unit["facts"].get("key_work_progress")
        if isinstance(fact, dict) and "awarded" in fact:
            fact["awarded"] = min(Decimal(str(fact["awarded"])), Decimal(3))
    for unit in doc["units"][:2]:
        unit["facts"]["columns"] = {"missing_items": 1, "stale_columns": 3}
    return doc


def without_places(value):
    """A results document without the ruleset lines and files its steps cite."""
    if isinstance(value, dict):
        return {k: without_places(v) for k, v in value.items() if k not in ("line", "file")}
    if isinstance(value, list):
        return [without_places(v) for v in value]
    return value


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_overlay_scores_a_cohort_as_the_hand_edited_copy_of_its_base(tmp_path):
    overlay = dr.load(write(tmp_path, "county.dr", OVERLAY))
    copy = dr.load(write(tmp_path, "copy.dr", hand_edited_copy()))  # errors would raise
    by_overlay, by_copy = overlay.evaluate(cohort()), copy.evaluate(cohort())
    assert by_overlay.reconcile() == [] and by_copy.reconcile() == []
    summary = [(u.id, u.total, u.rank, u.grade) for u in by_overlay.ranking()]
    assert summary == [(u.id, u.total, u.rank, u.grade) for u in by_copy.ranking()]
    first = cohort()["units"][0]["id"]
    assert by_overlay.unit(first).score("columns") == 0  # the changed rule decides
    assert by_overlay.unit(first).score("hearing") == by_copy.unit(first).score("hearing")
    for one, other in zip(by_overlay.ranking(), by_copy.ranking(), strict=True):
        assert without_places(one.to_dict()) == without_places(other.to_dict())
    # one meaning, one hash; and nothing for diff to show
    assert overlay.graph.ruleset_hash == copy.graph.ruleset_hash
    assert dr.diff(tmp_path / "county.dr", tmp_path / "copy.dr").equal


def test_audit_steps_name_the_base_file_for_the_base_lines_and_none_for_the_overlay(tmp_path):
    results = dr.load(write(tmp_path, "county.dr", OVERLAY)).evaluate(cohort())
    audit = {n["node"]: n for n in results.ranking()[0].to_dict()["audit"]}
    columns = [e for e in audit["columns"]["entries"] if e.get("rule") == "deduct_per"]
    assert columns and all("file" not in e and e["line"] == 9 for e in columns)
    assert audit["columns"]["file"] == BASE_FILE  # the node itself is the base's
    hearing = [e for e in audit["hearing"]["entries"] if e["kind"] == "base"]
    base_line = next(
        i for i, line in enumerate(base_text().splitlines(), 1) if "item hearing" in line
    )
    assert [(e["line"], e["file"]) for e in hearing] == [(base_line, BASE_FILE)]
    shown = f"(line {base_line} of {BASE_FILE}, id hearing.base.awarded)"
    assert shown in results.explain(results.ranking()[0].id)


def test_sections_above_a_moved_node_are_recomputed_and_described_with_their_origin(tmp_path):
    ruleset = dr.load(write(tmp_path, "county.dr", OVERLAY))
    doc = ruleset.describe()
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert [nodes[i]["points"] for i in ("hearing", "pre_disclosure", "decisions", "power")] == [
        "3",
        "5",
        "9",
        "28",
    ]
    assert doc["ruleset"]["extends"] == [BASE_FILE]
    assert nodes["hearing"]["origin"] == {
        "file": BASE_FILE,
        "line": nodes["hearing"]["line"],
        "changes": [{"change": "points", "file": str(tmp_path / "county.dr"), "line": 4}],
    }
    assert nodes["decisions"]["origin"]["changes"][0]["change"] == "points recomputed"
    text = (tmp_path / "described.txt").name
    assert text
    from disclosure_rules.outputs.describe import describe_text

    described = describe_text(ruleset)
    assert f"  extends {BASE_FILE}" in described
    assert "points at " in described and "from rulesets/yifeng-2020-townships.dr line" in described


@pytest.mark.parametrize(
    ("change", "code", "line"),
    [
        ("change hearings { points 3 }", "DR180", 3),
        ("drop nowhere", "DR180", 3),
        ("set no_such = 1", "DR180", 3),
        ('change hearing { points 3 }\n  change hearing { owner "x" }', "DR181", 4),
        ('change hearing {\n    owner "x"\n    owner "y"\n  }', "DR181", 5),
        ('drop decisions\n  change hearing { owner "x" }', "DR181", 4),
        ('add to team {\n    item hearing "again" 1\n  }', "DR182", 4),
        ("change hearing { weight 10% }", "DR184", 3),
        ("change hearing { points 3 }", "DR183", 3),
        ("change work { weight 80% }", "DR183", 3),
    ],
)
def test_a_wrong_change_is_an_error_at_the_overlays_line(tmp_path, change, code, line):
    text = f'ruleset county extends yifeng-2020-townships {{\n  title "x"\n  {change}\n}}\n'
    path = write(tmp_path, "county.dr", text)
    errors = [d for d in dr.check(path) if d.is_error]
    assert [(d.code, d.span.file, d.span.line) for d in errors if d.code == code] == [
        (code, str(path), line)
    ]
    with pytest.raises(dr.CheckError):
        dr.load(path)


def test_unbalanced_sums_name_the_base_total_they_break(tmp_path):
    path = write(tmp_path, "county.dr", OVERLAY.replace("change key_work_progress", "# "))
    [error] = [d for d in dr.check(path) if d.is_error]
    assert error.code == "DR183" and error.span.line == 4
    assert "adds up to 101" in error.message or "add up to 101" in error.message
    assert BASE_FILE in error.message


@pytest.mark.parametrize(
    ("head", "code"),
    [
        ("ruleset c extends no-such-scheme {", "DR640"),
        ('ruleset c extends "missing.dr" {', "DR640"),
        ('ruleset c extends "c.dr" {', "DR642"),
    ],
)
def test_a_base_that_cannot_be_had_is_an_error_at_extends(tmp_path, head, code):
    path = write(tmp_path, "c.dr", f'{head}\n  title "x"\n}}\n')
    [error] = dr.check(path)
    assert (error.code, error.span.line) == (code, 1)


def test_a_base_with_syntax_errors_reports_them_in_its_own_file(tmp_path):
    write(tmp_path, "base.dr", "ruleset base {\n  item x\n}\n")
    path = write(tmp_path, "c.dr", 'ruleset c extends "base.dr" {\n  title "x"\n}\n')
    found = dr.check(path)
    assert found[0].code == "DR641" and found[0].span.file == str(path)
    assert found[1].span.file == str(tmp_path / "base.dr")


def test_overlays_stack_and_a_chain_too_deep_is_refused(tmp_path):
    write(tmp_path, "city.dr", OVERLAY.replace("ruleset county", "ruleset city"))
    county = write(
        tmp_path,
        "county.dr",
        'ruleset county extends "city.dr" {\n'
        '  change hearing assumed "the county weighs it less" { points 2 }\n'
        '  change attendance assumed "and this more" { points 3 }\n'
        "}\n",
    )
    ruleset = dr.load(county)
    nodes = {n["id"]: n for n in ruleset.describe()["nodes"]}
    assert ruleset.overlay is not None
    assert ruleset.overlay.bases == (str(tmp_path / "city.dr"), BASE_FILE)
    assert [c["file"] for c in nodes["hearing"]["origin"]["changes"]] == [
        str(tmp_path / "city.dr"),
        str(county),
    ]
    assert nodes["hearing"]["assumption"] == "the county weighs it less"
    assert ruleset.title == "一个县的变体"  # the city's title, kept by the county
    for i in range(9):
        write(tmp_path, f"o{i}.dr", f'ruleset o{i} extends "o{i + 1}.dr" {{\n}}\n')
    write(tmp_path, "o9.dr", "ruleset o9 extends yifeng-2020-townships {\n}\n")
    assert [d.code for d in dr.check(tmp_path / "o0.dr")] == ["DR643"]


def test_fmt_formats_an_overlay_and_is_stable_on_it(tmp_path):
    messy = OVERLAY.replace("  change hearing { points 3 }", "change   hearing {\n points 3 }")
    formatted = format_text(messy)
    assert formatted == OVERLAY
    assert format_text(formatted) == formatted
    assert parse(formatted) == parse(messy)
    shipped = shipped_text("yifeng-2020-townships-local-example")
    assert shipped is not None
    assert format_text(shipped[1].decode("utf-8")) == shipped[1].decode("utf-8")


def test_check_and_describe_from_the_command_line(tmp_path, capsys):
    path = write(tmp_path, "county.dr", OVERLAY)
    assert main(["check", str(path)]) == 0
    assert main(["describe", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert f"extends {BASE_FILE}" in out
    bad = write(tmp_path, "bad.dr", OVERLAY.replace("hearing {", "hearings {"))
    assert main(["check", str(bad)]) == 1
    _, err = capsys.readouterr()
    assert f"{bad}:4:3: error: DR180 the base has no node 'hearings'" in err
    assert "did you mean 'hearing'" in err


def test_the_shipped_example_overlay_is_marked_an_example_and_every_change_assumed():
    ruleset = dr.load("yifeng-2020-townships-local-example")
    assert "示例" in ruleset.title and "非正式方案" in ruleset.title
    assert ruleset.overlay is not None and ruleset.overlay.bases == (BASE_FILE,)
    changed = {
        key for key, notes in ruleset.overlay.notes.items() if notes[0].what != "points recomputed"
    }
    assert changed == {
        "work",
        "process",
        "rural_revitalization",
        "key_work_progress",
        "training_held",
        "leader_named",
        "columns",
    }
    assert all(
        note.reason and note.reason.startswith("示例")
        for key in changed
        for note in ruleset.overlay.notes[key]
    )


def test_the_language_server_shows_a_bases_problems_at_the_top_of_the_overlay():
    pytest.importorskip("pygls")
    from disclosure_rules.language.server import Analysis, hover_text

    text = OVERLAY.replace("change hearing { points 3 }", "drop hearing\n  drop attendance")
    analysis = Analysis.of(text, "county.dr")
    [empty] = [d for d in analysis.diagnostics if d.code == "DR127"]  # pre_disclosure
    assert empty.span is None and empty.message.startswith(f"{BASE_FILE}:")
    added = Analysis.of(
        OVERLAY.replace("}\n}\n", '}\n  add to team {\n    item local "本地" 1\n  }\n}\n'), "c.dr"
    )
    declaration = added.declaration_at(13, 10)  # on "local" (0-based)
    assert declaration is not None and "本地" in hover_text(added, declaration)


def test_the_compact_layout_names_the_base_file_and_reads_back_as_the_full_one(tmp_path):
    results = dr.load(write(tmp_path, "county.dr", OVERLAY)).evaluate(cohort())
    compact = json.loads(results.to_json(audit="compact"))
    rules = compact["rules"]
    assert rules["hearing.base.awarded"]["file"] == BASE_FILE
    assert "file" not in rules["columns.deduct.deduct_per"]
    assert [n.get("file") for n in compact["nodes"] if n["id"] in ("county", "hearing")] == [
        None,
        BASE_FILE,
    ]
    path = write(tmp_path, "results.json", results.to_json(audit="compact"))
    assert main(["verify", str(path), "--ruleset", str(tmp_path / "county.dr")]) in (0, None)


def test_set_moves_a_parameter_and_grades_replace_the_bases(tmp_path):
    text = (
        "ruleset strict extends changzhou-2020 {\n"
        "\n"
        '  set g_excellent = 95 assumed "本地优秀线为95分"\n'
        "\n"
        "  grades {\n"
        "    优秀 >= g_excellent\n"
        "    else 其他\n"
        "  }\n"
        "}\n"
    )
    strict = dr.load(write(tmp_path, "strict.dr", text))
    base = dr.load("changzhou-2020")
    params = {p["name"]: p for p in strict.describe()["params"]}
    assert params["g_excellent"]["value"] == "95" and params["g_excellent"]["assumed"]
    assert params["g_excellent"]["origin"]["changes"][0]["change"] == "set"
    facts = EXAMPLES / "changzhou-2020.facts.json"
    graded = {u.id: (u.total, u.grade) for u in strict.evaluate(facts).ranking()}
    for unit in base.evaluate(facts).ranking():
        total, grade = graded[unit.id]
        assert total == unit.total
        assert grade == ("优秀" if total >= 95 else "其他")
    assert format_text(text) == text


def test_the_report_names_the_base_file_of_a_line_taken_from_the_base():
    pytest.importorskip("jinja2")
    from disclosure_rules import report

    example = "yifeng-2020-townships-local-example"
    results = dr.load(example).evaluate(EXAMPLES / f"{example}.facts.json")
    text = report.markdown(results)
    assert f", {BASE_FILE})" in text  # a base's rule: its line and its file
    lines_of_the_overlay = [
        line for line in text.splitlines() if "(行 " in line and BASE_FILE not in line
    ]
    assert lines_of_the_overlay  # the overlay's own rules: the line alone
