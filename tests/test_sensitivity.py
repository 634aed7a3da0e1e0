"""``sensitivity``: each unit's rank interval over the choices a ruleset leaves open."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from installed import run as run_installed
from test_schemas import validate

import disclosure_rules as dr
from disclosure_rules.cli import main

EXAMPLES = Path(__file__).parents[1] / "examples"
CHANGZHOU = EXAMPLES / "changzhou-2020.facts.json"

# Two components whose weights are assumed, each 40%..60%, scaled back to 100% together.
SPREAD = """ruleset spread {
  title "spread"

  param w_one = 50% assumed "甲的权重未载明" range 40%..60%
  param w_two = 50% assumed "乙的权重未载明" range 40%..60%

  component one "甲" weight w_one {
    item a "甲" 10
  }

  component two "乙" weight w_two {
    item b "乙" 10
  }

  grades {
    优 >= 60
    else 可
  }
}
"""


def _unit(uid: str, a: int, b: int) -> dict[str, object]:
    return {"id": uid, "facts": {"a": a, "b": b}}


# top: 100 whatever the weights; bottom: 0; z: 50 whatever the weights; x: 100 × the
# first weight's share, y: 100 × the second's. At the base (50/50) x, y and z tie at 50
# (rank 2, 2, 2). Over the 3 × 3 levels, scaled to 100%: x and y each lead (55.56 or 60,
# rank 2) and trail (44.44 or 40, rank 4), z stays between them (rank 3) or ties (2).
FACTS = {
    "units": [
        _unit("top", 10, 10),
        _unit("x", 10, 0),
        _unit("y", 0, 10),
        _unit("z", 5, 5),
        _unit("bottom", 0, 0),
    ]
}


def _spread() -> dr.Sensitivity:
    return dr.sensitivity(dr.compile(SPREAD), FACTS)


def test_a_unit_whose_rank_cannot_move_has_a_one_rank_interval():
    s = _spread()
    assert (s.unit("top").interval, s.unit("bottom").interval) == ((1, 1), (5, 5))


def test_tied_units_span_the_ranks_the_weights_can_give_them():
    s = _spread()
    assert [(u.id, u.rank, u.interval) for u in s if u.id in "xyz"] == [
        ("x", 2, (2, 4)),
        ("y", 2, (2, 4)),
        ("z", 2, (2, 3)),
    ]


def test_a_small_space_is_scored_whole_the_base_and_each_choice_alone_first():
    s = _spread()
    # the base, 2 + 2 levels varied alone, then the 3 × 3 combinations
    assert (s.design, s.runs, s.seed) == ("exhaustive", 1 + 4 + 9, None)


def test_a_grade_changes_only_in_the_run_that_gives_the_unit_60():
    s = _spread()
    # x reaches 60 (优) only with w_one 60% and w_two 40%: one run of the fourteen
    x = s.unit("x")
    assert (x.grade, x.grade_changes, dict(x.grades)) == ("可", 1, {"可": 13, "优": 1})
    assert s.unit("z").grade_changes == 0


def test_the_choices_a_unit_depends_on_are_those_that_move_it_alone():
    z = _spread().unit("z")
    assert [(d.choice.name, d.best, d.worst) for d in z.drivers] == [
        ("w_one", 2, 3),
        ("w_two", 2, 3),
    ]
    assert _spread().unit("top").drivers == ()


def test_an_award_is_read_as_the_same_share_when_a_parameter_sets_the_points():
    text = """ruleset points {
  title "points"

  param p = 2 assumed "分值未载明" range 1..3

  item a "甲" p
  item b "乙" 98
}
"""
    facts = {"units": [{"id": "full", "facts": {"a": 2, "b": 98}}, _unit("none", 0, 90)]}
    s = dr.sensitivity(dr.compile(text), facts)
    assert [(u.id, u.interval, u.drivers) for u in s] == [
        ("full", (1, 1), ()),
        ("none", (2, 2), ()),
    ]


def test_nothing_to_vary_is_an_error():
    text = 'ruleset fixed { title "fixed" item a "甲" 100 }'
    with pytest.raises(dr.DisclosureRulesError, match="nothing to vary") as exc:
        dr.sensitivity(dr.compile(text), {"units": [{"id": "u", "facts": {"a": 1}}]})
    assert exc.value.diagnostics[0].code == "DR730"


def test_a_large_space_is_sampled_the_same_way_for_the_same_seed():
    first = dr.sensitivity("changzhou-2020", CHANGZHOU, samples=20, seed=7).to_dict()
    again = dr.sensitivity("changzhou-2020", CHANGZHOU, samples=20, seed=7).to_dict()
    other = dr.sensitivity("changzhou-2020", CHANGZHOU, samples=20, seed=8).to_dict()
    assert first == again and first["design"] == {"kind": "latin_hypercube", "runs": 54, "seed": 7}
    assert first["units"] != other["units"]


def test_every_changzhou_unit_gets_an_interval_around_its_base_rank():
    s = dr.sensitivity("changzhou-2020", CHANGZHOU, samples=50)
    assert len(s) == 13 and len(s.choices) == 16
    assert all(u.best <= u.rank <= u.worst for u in s)


def test_the_command_writes_json_the_schema_describes(capsys):
    args = [
        "sensitivity",
        "yifeng-2020-departments",
        str(EXAMPLES / "yifeng-2020-departments.facts.json"),
    ]
    code = main([*args, "--weights", "10%", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    validate(document, "sensitivity")
    assert code == 0
    kinds = [(c["kind"], c["name"]) for c in document["choices"]]
    assert kinds == [
        ("param", "reposted_deduction"),
        ("reading", "floor_scope"),
        ("reading", "na_average"),
        ("reading", "on_time"),
        ("weight", "work"),
        ("weight", "process"),
    ]


def test_the_installed_command_runs_changzhou_within_a_minute(tmp_path):
    started = time.perf_counter()
    result = run_installed(
        "sensitivity",
        "changzhou-2020",
        str(CHANGZHOU),
        "--samples",
        "100",
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - started < 60
    lines = result.stdout.splitlines()
    assert lines[1].startswith("varied: 16 parameter(s) over their declared ranges")
    assert len([line for line in lines if "–" in line]) == 13  # a rank interval per unit


def test_a_weight_share_outside_0_and_100_percent_is_an_error():
    with pytest.raises(dr.DisclosureRulesError) as exc:
        dr.sensitivity(dr.compile(SPREAD), FACTS, weights="100%")
    assert exc.value.diagnostics[0].code == "DR731"


def test_no_samples_is_an_error():
    with pytest.raises(dr.DisclosureRulesError) as exc:
        dr.sensitivity(dr.compile(SPREAD), FACTS, samples=0)
    assert exc.value.diagnostics[0].code == "DR732"


def test_ranges_that_put_the_grades_out_of_order_stop_the_run_naming_the_values():
    text = SPREAD.replace(
        "  param w_two", '  param cut = 60 assumed "分数线未载明" range 40..60\n  param w_two'
    ).replace("优 >= 60", "优 >= cut\n    良 >= 50")
    with pytest.raises(dr.DisclosureRulesError, match="cut=40") as exc:
        dr.sensitivity(dr.compile(text), FACTS)
    assert exc.value.diagnostics[0].code == "DR733"
