"""Regenerate the example facts files (synthetic demonstration data).

    python examples/make_examples.py

Each file is labelled as synthetic in its own ``description``; every output
built from it (table, JSON, explain) repeats that label. A few cells are set
by hand so that each example shows the ruleset's policies at work.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from synthetic import synthetic_facts  # noqa: E402

import disclosure_rules as dr  # noqa: E402


def yifeng_townships() -> dict:
    r = dr.load("yifeng-2020-townships")
    names = [
        "新昌镇",
        "澄塘镇",
        "棠浦镇",
        "新庄镇",
        "潭山镇",
        "芳溪镇",
        "石市镇",
        "黄岗镇",
        "天宝乡",
        "车上乡",
        "桥西乡",
        "同安乡",
        "花桥乡",
        "黄岗山垦殖场",
        "石花尖垦殖场",
    ]
    tags = [["township"]] * 13 + [["forest_farm"]] * 2
    doc = synthetic_facts(r.graph, len(names), seed=2020, names=names, tags=tags, na_rate=0.03)
    u = {x["id"]: x["facts"] for x in doc["units"]}
    u["新昌镇"]["appeals"] = {
        "overturned_reviews": 1,
        "lost_lawsuits": 1,
        "evidence": [{"ref": "宜丰县司法局证明-新昌镇.pdf", "kind": "certificate"}],
        "note": "1件行政复议被撤销,1件行政诉讼败诉",
    }
    u["澄塘镇"]["columns"] = {
        "missing_items": 0,
        "stale_columns": 4,
        "evidence": ["https://example.gov.cn/gk/columns/ctz"],
    }
    u["棠浦镇"]["hearing"] = {
        "awarded": 2,
        "evidence": [{"ref": "https://example.gov.cn/news/77", "kind": "news"}],
    }
    u["黄岗山垦殖场"]["service_list"] = {
        "not_applicable": True,
        "evidence": ["情况说明-黄岗山垦殖场.pdf"],
        "note": "垦殖场无本级公共服务事项清单",
    }
    u["石花尖垦殖场"]["service_list"] = "n/a"
    del u["车上乡"]["training_held"]
    return doc


def yifeng_departments() -> dict:
    r = dr.load("yifeng-2020-departments")
    six = {"人社局", "城管局", "财政局", "商务局", "工信局", "发改委", "农业农村局", "教体局"}
    catalog = {
        "教体局",
        "卫健委",
        "住建局",
        "人社局",
        "民政局",
        "生态环境局",
        "自然资源局",
        "应急管理局",
        "市监局",
        "财政局",
    }
    departments = [
        "教体局",
        "医保局",
        "卫健委",
        "住建局",
        "人社局",
        "民政局",
        "扶贫办",
        "司法局",
        "财政局",
        "国资委",
        "行政服务中心",
        "审计局",
        "城管局",
        "商务局",
        "工信局",
        "发改委",
        "农业农村局",
        "市监局",
        "生态环境局",
        "应急管理局",
        "气象局",
        "自然资源局",
        "统计局",
        "林业局",
    ]
    names = [f"县{d}" for d in departments]
    tags = []
    for d in departments:
        unit_tags = [d] if d in r.graph.tags else []
        unit_tags += ["六稳六保责任单位"] if d in six else []
        unit_tags += ["标准目录相关部门"] if d in catalog else []
        tags.append(unit_tags)
    doc = synthetic_facts(r.graph, len(names), seed=2021, names=names, tags=tags, na_rate=0.0)
    u = {x["id"]: x["facts"] for x in doc["units"]}
    statement = {"not_applicable": True, "evidence": ["情况说明.pdf"]}
    for unit in ("县统计局", "县林业局", "县气象局"):
        for item in ("inspection_list", "inspection_results", "permits_penalties"):
            u[unit][item] = {**statement, "note": "未有行政执法权,已做出说明"}
    u["县气象局"]["proposal_replies"] = {**statement, "note": "未有建议提案,已做出说明"}
    u["县司法局"]["appeals"] = {
        "overturned_reviews": 0,
        "lost_lawsuits": 1,
        "evidence": [{"ref": "行政诉讼判决书.pdf", "kind": "judgement"}],
    }
    u["县人社局"]["interpretation_content"] = {
        "awarded": 2,
        "reposted": True,
        "evidence": ["https://example.gov.cn/jd/rsj-1"],
        "note": "解读为转载市级政策",
    }
    u["县商务局"]["columns"] = {
        "missing_items": 3,
        "stale_columns": 1,
        "evidence": ["https://example.gov.cn/gk/sw"],
    }
    u["县城管局"]["environment"] = {
        "awarded": 2,
        "evidence": [{"ref": "https://example.gov.cn/news/cg-88", "kind": "news"}],
    }
    return doc


SHANGHAI_DISTRICTS = [
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
]


def shanghai(ruleset_id: str, names: list[str], tag: str, seed: int) -> dict:
    r = dr.load(ruleset_id)
    doc = synthetic_facts(r.graph, len(names), seed=seed, names=names, tags=[[tag]] * len(names))
    u = {x["id"]: x["facts"] for x in doc["units"]}
    first, second = names[0], names[1]
    u[first]["self_report"] = {"submitted": "2020-11-16", "note": "自查报告表逾期一天提交"}
    u[second]["major_incidents"] = {
        "awarded": 2,
        "incidents": [
            {
                "occurred": "2020-07-12 06:40",
                "first_release": "2020-07-12 10:05",
                "title": "某路段塌陷",
            }
        ],
        "serious_incidents": [
            {
                "occurred": "2020-08-03 21:15",
                "press_conference": "2020-08-05 10:00",
                "title": "某厂房火灾",
            }
        ],
    }
    return doc


def changzhou() -> dict:
    r = dr.load("changzhou-2020")
    names = [
        "溧阳市",
        "金坛区",
        "武进区",
        "新北区",
        "天宁区",
        "钟楼区",
        "常州经开区",
        "市教育局",
        "市卫生健康委",
        "市生态环境局",
        "市交通运输局",
        "市供水企业(示例)",
        "市公交企业(示例)",
    ]
    tags = [["district"]] * 7 + [["municipal_unit"]] * 4 + [["public_institution"]] * 2
    doc = synthetic_facts(r.graph, len(names), seed=2020, names=names, tags=tags)
    u = {x["id"]: x["facts"] for x in doc["units"]}
    u["钟楼区"]["social"] = {"满意": 412, "基本满意": 96, "不满意": 31}
    u["市公交企业(示例)"]["social"] = {"满意": 120, "基本满意": 150, "不满意": 90}
    return doc


EXAMPLES = {
    "shanghai-2020-districts": lambda: shanghai(
        "shanghai-2020-districts", SHANGHAI_DISTRICTS, "district", 16
    ),
    "shanghai-2020-departments": lambda: shanghai(
        "shanghai-2020-departments",
        [
            "市发展改革委",
            "市经济信息化委",
            "市教委",
            "市科委",
            "市民政局",
            "市司法局",
            "市财政局",
            "市人力资源社会保障局",
            "市规划资源局",
            "市生态环境局",
            "市住房城乡建设管理委",
            "市交通委",
            "市卫生健康委",
            "市市场监管局",
        ],
        "municipal_department",
        17,
    ),
    "changzhou-2020": changzhou,
    "yifeng-2020-townships": yifeng_townships,
    "yifeng-2020-departments": yifeng_departments,
}


def _number(value: Decimal) -> int | float:
    """Decimals as JSON numbers; the generated values have one or two places, which a JSON
    number writes exactly (and the library reads back as Decimal)."""
    return int(value) if value == value.to_integral_value() else float(value)


def main() -> None:
    for name, make in EXAMPLES.items():
        path = HERE / f"{name}.facts.json"
        text = json.dumps(make(), ensure_ascii=False, indent=1, default=_number)
        path.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
