"""``disclosure-rules diff`` and ``disclosure_rules.diff``: what changed in meaning.

Matched by node id and rule id; layout, comments and the order of a section's children
are not changes. Exit 0 when equal in meaning, 1 when different, 2 on an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from installed import run

import disclosure_rules as dr
from disclosure_rules.catalog import shipped_paths, shipped_text
from disclosure_rules.language.formatter import format_ruleset
from disclosure_rules.language.parser import parse
from disclosure_rules.schemas import schema

SHIPPED = sorted(shipped_paths())
DEPARTMENTS, TOWNSHIPS = "yifeng-2020-departments", "yifeng-2020-townships"

OLD = """ruleset year {
  title "年度考评"

  param late = 1 "逾期每件扣分"

  section open "公开" 6 {
    item a "甲" 2
    item b "乙" 4 {
      deduct late per letters as letters
      deduct 1 per calls as calls
    }
  }

  section safe "保障" 4 {
    item c "丙" 4
  }
}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _changes(tmp_path: Path, new: str) -> list[dict[str, object]]:
    found = dr.diff(_write(tmp_path, "old.dr", OLD), _write(tmp_path, "new.dr", new))
    return [c.to_dict() for c in found.changes]


@pytest.mark.parametrize("rid", SHIPPED)
def test_a_shipped_ruleset_and_its_fmt_output_without_comments_are_equal(
    tmp_path: Path, rid: str
) -> None:
    found = shipped_text(rid)
    assert found is not None
    text = found[1].decode("utf-8")
    stripped = format_ruleset(parse(text))  # the canonical layout, every comment gone
    assert "#" not in stripped.split('"')[0] and stripped != text
    folder = tmp_path / "rulesets"  # beside the sources its cites name
    folder.mkdir()
    (folder / "sources").symlink_to(Path(found[0]).resolve().parent / "sources")
    result = dr.diff(rid, _write(folder, f"{rid}.dr", stripped))
    assert result.equal and result.changes == ()


def test_the_command_exits_0_for_rulesets_equal_in_meaning(tmp_path: Path) -> None:
    _write(tmp_path, "old.dr", OLD)
    _write(tmp_path, "new.dr", "# reformatted\n" + OLD.replace("  ", "    "))
    result = run("diff", "old.dr", "new.dr", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "equal in meaning" in result.stdout


def test_the_command_exits_1_when_they_differ_and_2_on_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "old.dr", OLD)
    more = OLD.replace('item a "甲" 2', 'item a "甲" 3').replace('"公开" 6', '"公开" 7')
    _write(tmp_path, "new.dr", more.replace('"保障" 4', '"保障" 3').replace('"丙" 4', '"丙" 3'))
    result = run("diff", "old.dr", "new.dr", cwd=tmp_path)
    assert result.returncode == 1
    assert "node a 甲\n  ~ points: 2 → 3" in result.stdout
    missing = run("diff", "old.dr", "nowhere.dr", cwd=tmp_path)
    assert missing.returncode == 2 and "DR000" in missing.stderr


def test_points_titles_owners_and_remarks_are_changes_of_their_node(tmp_path: Path) -> None:
    new = OLD.replace('item a "甲" 2', 'item a "甲乙" 2 {\n      owner "办公室"\n    }')
    assert _changes(tmp_path, new) == [
        {"what": "node", "id": "a", "change": "changed", "node": "a", "field": "title",
         "old": "甲", "new": "甲乙"},
        {"what": "node", "id": "a", "change": "changed", "node": "a", "field": "owner",
         "old": None, "new": "办公室"},
    ]  # fmt: skip


def test_rules_are_matched_by_id(tmp_path: Path) -> None:
    new = OLD.replace("deduct 1 per calls as calls", 'deduct 2 per calls as calls cite "x"')
    changes = _changes(tmp_path, new)
    assert [(c["what"], c["id"], c.get("field")) for c in changes] == [
        ("rule", "b.deduct.deduct_per.calls", "amount"),
        ("rule", "b.deduct.deduct_per.calls", "cite"),
    ]
    removed = _changes(tmp_path, OLD.replace("      deduct 1 per calls as calls\n", ""))
    assert [(c["id"], c["change"]) for c in removed] == [("b.deduct.deduct_per.calls", "removed")]


def test_reordered_rules_are_a_change_and_reordered_children_are_not(tmp_path: Path) -> None:
    rules = OLD.replace(
        "      deduct late per letters as letters\n      deduct 1 per calls as calls\n",
        "      deduct 1 per calls as calls\n      deduct late per letters as letters\n",
    )
    assert [(c["id"], c["field"]) for c in _changes(tmp_path, rules)] == [("b", "order")]
    last = '    }\n    item a "甲" 2\n  }\n\n  section safe'
    children = OLD.replace('    item a "甲" 2\n', "").replace("    }\n  }\n\n  section safe", last)
    assert children != OLD and _changes(tmp_path, children) == []


def test_nodes_added_removed_and_moved(tmp_path: Path) -> None:
    new = OLD.replace('    item a "甲" 2\n', '    item d "丁" 2\n').replace(
        '    item c "丙" 4\n', '    item c "丙" 2\n    item a "甲" 2\n'
    )
    changes = _changes(tmp_path, new)
    kinds = [(c["what"], c["id"], c["change"]) for c in changes]
    assert ("node", "d", "added") in kinds
    assert ("node", "a", "moved") in kinds
    assert ("node", "c", "changed") in kinds
    moved = next(c for c in changes if c["change"] == "moved")
    assert (moved["old"], moved["new"]) == ("open", "safe")
    assert not any(c["change"] == "removed" for c in changes)


def test_parameters_are_compared_by_name(tmp_path: Path) -> None:
    changes = _changes(tmp_path, OLD.replace("param late = 1", "param late = 2"))
    assert {(c["what"], c["id"], c.get("field")) for c in changes} == {
        ("param", "late", "value"),
        ("param", "late", "default"),
        ("rule", "b.deduct.deduct_per.letters", "amount"),
    }


def test_tags_and_calendars_are_compared(tmp_path: Path) -> None:
    tagged = OLD.replace('  title "年度考评"\n', '  title "年度考评"\n  tags town, county\n')
    dated = tagged.replace(
        '  title "年度考评"\n',
        '  title "年度考评"\n  calendar {\n    year 2031\n    holidays 2031-01-01\n  }\n',
    )
    _write(tmp_path, "old.dr", OLD)
    changes = dr.diff(_write(tmp_path, "a.dr", tagged), _write(tmp_path, "b.dr", dated)).changes
    assert [(c.what, c.id, c.change) for c in changes] == [("calendar", "2031", "added")]
    changes = dr.diff(tmp_path / "old.dr", tmp_path / "a.dr").changes
    assert [(c.what, c.id, c.change) for c in changes] == [
        ("tag", "town", "added"),
        ("tag", "county", "added"),
    ]


def test_the_json_output_validates_against_its_schema(tmp_path: Path) -> None:
    result = run("diff", DEPARTMENTS, TOWNSHIPS, "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, schema("diff"))
    assert doc["equal"] is False and doc["old"]["id"] == DEPARTMENTS
    same = run("diff", TOWNSHIPS, TOWNSHIPS, "--format", "json", cwd=tmp_path)
    jsonschema.validate(json.loads(same.stdout), schema("diff"))
    assert same.returncode == 0 and json.loads(same.stdout)["changes"] == []


# The nodes that differ between the Yifeng departments table (县政府各部门) and the
# townships table (乡镇、县直各林(垦殖)场) of rulesets/sources/yifeng-2020-assessment-
# scheme.txt: 用权公开 35 → 28 (lines 85, 484), 依法公开行政执法事项清单 and 便民办事办事
# 清单信息公开 only in the townships' (lines 526, 534), the departments' 政务信息管理 and
# 建议提案办理 rows gone, the 各部门 owners and the 六稳六保 units only in theirs …
ADDED = [
    "enforcement_list", "enforcement_results", "service_list_published", "education_info",
    "medical_info", "elderly_info", "environment_info", "epidemic_info", "epidemic_policy",
    "personal_data_protected", "emergency_plans_published", "emergency_handling_published",
    "zone", "zone_built", "zone_complete", "columns_all_updated", "training", "training_held",
]  # fmt: skip
REMOVED = [
    "info_management", "regulations", "regulations_published", "inspection_list",
    "inspection_results", "permits_penalties", "state_assets", "state_assets_published",
    "one_thing", "audit", "audit_rectification", "proposals", "proposals_column",
    "proposal_replies", "enterprise_relief", "columns_set", "report_release_2", "release",
    "release_review", "no_privacy_leak",
]  # fmt: skip
MOVED = ["normative_docs", "report_published"]
CHANGED = [
    TOWNSHIPS, "power", "decisions", "hearing", "attendance", "feedback",
    "opinions_published", "opinions_adopted", "meeting_results", "power_allocation",
    "lists_displayed", "service_list", "institution_info", "function_catalog",
    "normative_docs_published", "enforcement", "enforcement_info", "services", "key_work",
    "key_work_progress", "policies", "stabilities_released", "stabilities_interpreted",
    "six_guarantees", "six_guarantees_release", "guarantees_released",
    "guarantees_interpreted", "interpretation_content", "interpretation_link", "education",
    "medical", "elderly", "environment", "epidemic_updates", "epidemic_measures",
    "personal_data", "emergency_plans", "emergency_handling", "standardisation",
    "catalog_published", "platform", "columns_setup", "columns_update", "columns",
    "on_request", "request_channels", "channels_open", "replies_lawful", "appeals",
    "annual_report", "report_quality", "report_complete", "report_original",
    "report_release", "safeguards", "rules_revised", "sentiment",
    "sentiment_mechanism_built", "key_sentiment_handled", "team", "leader", "leader_named",
    "office", "office_duties",
]  # fmt: skip


def test_the_two_yifeng_tables_differ_in_exactly_these_nodes() -> None:
    found = dr.diff(DEPARTMENTS, TOWNSHIPS)
    by_change: dict[str, set[str]] = {}
    for c in found.changes:
        if c.what in ("node", "rule") and c.node is not None:
            by_change.setdefault(c.change if c.what == "node" else "changed", set()).add(c.node)
    assert by_change["added"] == set(ADDED)
    assert by_change["removed"] == set(REMOVED)
    assert by_change["moved"] == set(MOVED)
    assert set(found.nodes()) == {*ADDED, *REMOVED, *MOVED, *CHANGED}


def _declared(rid: str) -> dict[str, object]:
    """Each node as written (its clauses, not its children) with its parent, from the
    syntax tree (which compares equal regardless of layout): without the diff module."""
    ruleset = dr.load(rid).syntax
    out: dict[str, object] = {}

    def walk(nodes: tuple[Any, ...], parent: str) -> None:
        for node in nodes:
            out[node.id] = (parent, attrs.evolve(node, children=()))
            walk(node.children, node.id)

    walk(ruleset.components, "")
    walk(ruleset.children, "")
    return out


def test_the_yifeng_node_list_agrees_with_the_written_nodes() -> None:
    a, b = _declared(DEPARTMENTS), _declared(TOWNSHIPS)
    written = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    assert written == {*ADDED, *REMOVED, *MOVED, *CHANGED} - {TOWNSHIPS}
