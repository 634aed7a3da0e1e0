"""jingan-2020-evaluation: the structure of the report and the synthetic example cohort.

The scores themselves are pinned by rulesets/tests/jingan-2020-evaluation.yaml.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import disclosure_rules as dr

EXAMPLE = Path(__file__).parents[1] / "examples" / "jingan-2020-evaluation.facts.json"

# 三、评估内容 (一)…(十三), in the report's order and words.
DIMENSIONS = [
    "重大决策预公开",
    "政策解读",
    "行政执法信息",
    "双公示",
    "重点领域信息公开",
    "权责清单",
    "政务服务",
    "建议提案办理",
    "法治政府建设年度报告",
    "公开平台",
    "政府信息公开年度报告",
    "政府信息公开指南",
    "依申请公开",
]


def test_the_thirteen_dimensions_are_sections_in_the_reports_order():
    g = dr.load("jingan-2020-evaluation").graph
    top = [g.nodes[i] for i in g.nodes[0].children]
    assert [n.title for n in top] == DIMENSIONS
    numerals = "一二三四五六七八九十"
    expected = [f"({numerals[i]})" if i < 10 else f"(十{numerals[i - 10]})" for i in range(13)]
    assert [n.cite for n in top] == [f"{e}{t}" for e, t in zip(expected, DIMENSIONS, strict=True)]


def test_key_areas_has_the_five_sub_areas():
    g = dr.load("jingan-2020-evaluation").graph
    sub = [g.nodes[i].title for i in g.node("key_areas").children]
    assert sub == [
        "重大建设项目批准和实施领域信息公开",
        "公共资源配置领域信息公开",
        "社会公益事业建设领域信息公开",
        "“放管服”改革与优化营商环境",
        "垃圾分类",
    ]


def test_each_group_is_assessed_on_its_own_items():
    g = dr.load("jingan-2020-evaluation").graph
    assert set(g.tags) == {"district_government", "department", "street_town"}
    items = [n for n in g.nodes if n.kind == "item"]
    assert (len(items), g.nodes[0].points) == (50, 100)
    per_group = {
        tag: sum(1 for n in items if n.applies_to is None or tag in n.applies_to) for tag in g.tags
    }
    assert per_group == {"district_government": 36, "department": 31, "street_town": 26}


def test_the_example_is_the_reports_cohort_and_shows_its_findings():
    results = dr.load("jingan-2020-evaluation").evaluate(EXAMPLE)
    groups = Counter(tag for unit in results.units for tag in unit.tags)
    assert groups == {"district_government": 1, "department": 31, "street_town": 14}
    assert results.synthetic
    # ranked apart: the report names the district government, departments and streets apart
    assert Counter(unit.group for unit in results.units) == {
        "district_government": 1,
        "department": 31,
        "street_town": 14,
    }
    assert max(u.rank for u in results.units if u.group == "street_town") <= 14
    # 申请渠道畅通率高达100%: both channels open at all 46 units
    for item in ("letter_channel", "online_channel", "replies_on_time"):
        scores = [u.score(item) for u in results.units]
        assert scores == [2] * 46, item
