"""Regenerate the example facts files (synthetic demonstration data).

    python examples/make_examples.py

Each file is labelled as synthetic in its own ``description``; every output
built from it (table, JSON, explain) repeats that label. A few cells are set
by hand so that each example shows the ruleset's policies at work.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from synthetic import LABEL, synthetic_facts  # noqa: E402

import disclosure_rules as dr  # noqa: E402
from disclosure_rules.workdays import add_workdays  # noqa: E402

SUBMITTED = "2021-01-18"  # the self-assessment material, sent before the 2021-01-20 deadline
# (the synthetic data gives every Yifeng claim typed evidence: link, screenshot, day sent)


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
        "evidence": {
            "link": "https://example.gov.cn/gk/appeals/xcz",
            "screenshot": "截图/新昌镇-appeals.png",
            "certificate": "宜丰县司法局证明-新昌镇.pdf",
            "submitted": SUBMITTED,
        },
        "note": "1件行政复议被撤销,1件行政诉讼败诉",
    }
    # 工作要求3: a link without its screenshot, and material sent after 2021-01-20
    u["新庄镇"]["attendance"] = {"awarded": 2, "evidence": "https://example.gov.cn/gk/xzz/2"}
    u["潭山镇"]["zone_complete"] = {
        "awarded": 5,
        "evidence": {
            "link": "https://example.gov.cn/gk/tsz/zone",
            "screenshot": "截图/潭山镇-zone_complete.png",
            "submitted": "2021-01-22",
        },
    }
    u["澄塘镇"]["columns"] = {
        "missing_items": 0,
        "stale_columns": 4,
        "evidence": {
            "link": "https://example.gov.cn/gk/columns/ctz",
            "screenshot": "截图/澄塘镇-columns.png",
            "submitted": SUBMITTED,
        },
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
    # 备注“未有…的做出说明”: N/A with a statement (as a 情况说明 file, or as text) gets the
    # average; 县林业局's bare "n/a" on 7个工作日 publication is not credited.
    statement = {"not_applicable": True, "evidence": ["情况说明.pdf"]}
    for unit in ("县统计局", "县林业局", "县气象局"):
        for item in ("inspection_list", "inspection_results", "permits_penalties"):
            u[unit][item] = {**statement, "note": "未有行政执法权,已做出说明"}
    u["县统计局"]["inspection_list"] = {"na": "本局无行政执法权,不开展随机抽查"}
    u["县林业局"]["permits_penalties"] = "n/a"
    u["县气象局"]["proposal_replies"] = {**statement, "note": "未有建议提案,已做出说明"}
    u["县审计局"]["key_work_progress"] = {"na": "本局2020年无《政府工作报告》重点任务"}
    # An empty list of reply letters or decisions is N/A too: with a statement, the
    # average; without one, nothing (a list left empty is not full points).
    for unit in doc["units"]:
        for item, records in (("proposal_replies", "letters"), ("permits_penalties", "decisions")):
            cell = unit["facts"].get(item)
            if isinstance(cell, dict) and cell.get(records) == [] and unit["id"] != "县工信局":
                cell["statement"] = "本单位2020年无此类事项,特此说明"
    u["县工信局"]["proposal_replies"] = {
        "letters": [],
        "evidence": {
            "link": "https://example.gov.cn/gk/gxj/proposals",
            "screenshot": "截图/县工信局-proposal_replies.png",
            "submitted": SUBMITTED,
        },
    }
    u["县司法局"]["appeals"] = {
        "overturned_reviews": 0,
        "lost_lawsuits": 1,
        "evidence": {
            "link": "https://example.gov.cn/gk/sfj/appeals",
            "screenshot": "截图/县司法局-appeals.png",
            "judgement": "行政诉讼判决书.pdf",
            "submitted": SUBMITTED,
        },
    }
    # 备注“未有行政复议的在县司法局开具证明”: the certificate stands in for link and screenshot
    u["县民政局"]["appeals"] = {
        "overturned_reviews": 0,
        "lost_lawsuits": 0,
        "evidence": {"certificate": "宜丰县司法局证明-县民政局.pdf", "submitted": SUBMITTED},
    }
    u["县人社局"]["interpretation_content"] = {
        "awarded": 2,
        "reposted": True,
        "evidence": {
            "link": "https://example.gov.cn/jd/rsj-1",
            "screenshot": "截图/县人社局-interpretation_content.png",
            "submitted": SUBMITTED,
        },
        "note": "解读为转载市级政策",
    }
    u["县商务局"]["columns"] = {
        "missing_items": 3,
        "stale_columns": 1,
        "evidence": {
            "link": "https://example.gov.cn/gk/sw",
            "screenshot": "截图/县商务局-columns.png",
            "submitted": SUBMITTED,
        },
    }
    # 工作要求3: a screenshot without its link, and material sent after 2021-01-20
    u["县发改委"]["hearing"] = {
        "awarded": 2,
        "evidence": {"screenshot": "截图/县发改委-hearing.png", "submitted": SUBMITTED},
    }
    u["县住建局"]["columns_set"] = {
        "awarded": 3,
        "evidence": {
            "link": "https://example.gov.cn/gk/zjj/columns",
            "screenshot": "截图/县住建局-columns_set.png",
            "submitted": "2021-01-25",
        },
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


# ---------------------------------------------------------------- Jing'an 2020

JINGAN_DEPARTMENTS = [
    "区发展改革委",
    "区教育局",
    "区科委",
    "区商务委",
    "区民政局",
    "区司法局",
    "区财政局",
    "区人力资源社会保障局",
    "区规划资源局",
    "区生态环境局",
    "区建设管理委",
    "区房管局",
    "区绿化市容局",
    "区文化旅游局",
    "区卫生健康委",
    "区退役军人局",
    "区应急局",
    "区审计局",
    "区国资委",
    "区市场监管局",
    "区统计局",
    "区医保局",
    "区城管执法局",
    "区体育局",
    "区民防办",
    "区民宗办",
    "区侨办",
    "区合作交流办",
    "区金融办",
    "区投资促进办",
    "区机管局",
]
JINGAN_STREETS = [
    "江宁路街道",
    "石门二路街道",
    "南京西路街道",
    "静安寺街道",
    "曹家渡街道",
    "天目西路街道",
    "北站街道",
    "宝山路街道",
    "芷江西路街道",
    "共和新路街道",
    "大宁路街道",
    "彭浦新村街道",
    "临汾路街道",
    "彭浦镇",
]
JINGAN_GOVERNMENT = "区政府(区政府办公室)"
# Departments the report names for enforcement, double random inspections, the
# institutional reform and the 放管服 reforms; the other sets are plausible choices.
JINGAN_ENFORCEMENT = {
    "区卫生健康委",
    "区生态环境局",
    "区市场监管局",
    "区房管局",
    "区城管执法局",
    "区教育局",
    "区民政局",
    "区人力资源社会保障局",
    "区规划资源局",
    "区建设管理委",
    "区绿化市容局",
    "区文化旅游局",
    "区应急局",
    "区统计局",
    "区医保局",
    "区体育局",
    "区民防办",
    "区财政局",
}
JINGAN_RANDOM_INSPECTIONS = {
    "区卫生健康委",
    "区生态环境局",
    "区市场监管局",
    "区房管局",
    "区城管执法局",
}
JINGAN_REFORMED = {"区医保局", "区退役军人局", "区卫生健康委", "区应急局", "区生态环境局"}
JINGAN_BUSINESS_REFORM = {"区发展改革委", "区市场监管局", "区商务委", "区投资促进办"}


def _day(start: dt.date, rng: random.Random, low: int, high: int) -> str:
    return (start + dt.timedelta(days=rng.randint(low, high))).isoformat()


def _on_time(start: dt.date, workdays: int, rng: random.Random) -> tuple[str, str]:
    """A (start, end) pair with the end within ``workdays`` working days of the start."""
    return start.isoformat(), add_workdays(start, rng.randint(0, workdays)).isoformat()


def _jingan_unit(name: str, group: str, rng: random.Random) -> dict:
    """One unit's observations, as the report finds them for most units: columns set,
    elements complete, deadlines met, channels open; the exceptions are made in
    ``jingan`` so that each finding the report qualifies (部分, 少数, 大部分) shows."""
    gov, dept, street = (
        group == "district_government",
        group == "department",
        group == "street_town",
    )
    na = "n/a"
    f: dict = {}
    if gov:
        f["decision_column"] = {"met": True}
        f["decision_catalog"] = {"published": "2020-03-27", "elements": 5}
        for item in (
            "interpretation_column",
            "random_column",
            "publicity_column",
            "construction_column",
            "resources_column",
            "startup_guide",
            "waste_participation",
            "service_catalog",
            "proposals_column",
            "media_matrix",
            "annual_report_column",
        ):
            f[item] = {"met": True}
        f["construction_info"] = {"categories": 6}
        f["resources_info"] = {"categories": 4}
        f["welfare_fields"] = {"fields": 6}
        f["previous_year_summary"] = {"kinds": 2}
        f["disclosure_column"] = {"columns": 5, "broken_links": 0}
        f["standardisation_column"] = {"columns": 3}
    undertakes = gov or (dept and rng.random() < 0.2)
    f["pre_disclosure"] = {"steps": 3} if undertakes else na
    if gov or rng.random() < (0.65 if dept else 0.5):
        documents = []
        for _ in range(rng.randint(1, 4)):
            published, interpreted = _on_time(
                dt.date(2020, 3, 2) + dt.timedelta(rng.randint(0, 200)), 3, rng
            )
            documents.append({"published": published, "interpreted": interpreted})
        f["interpretation_timely"] = {"documents": documents}
        f["interpretation_linked"] = {"met": True}
        f["interpretation_content"] = {"met": True}
    else:
        for item in ("interpretation_timely", "interpretation_linked", "interpretation_content"):
            f[item] = na
    enforces = street or name in JINGAN_ENFORCEMENT
    if dept or street:
        f["enforcement_platform"] = {"elements": 2} if enforces else na
        if enforces:
            decisions = []
            for _ in range(rng.randint(2, 5)):
                decided, published = _on_time(
                    dt.date(2020, 1, 6) + dt.timedelta(rng.randint(0, 200)), 7, rng
                )
                decisions.append({"decided": decided, "published": published})
            f["publicity_timely"] = {"decisions": decisions}
            f["permit_elements"] = {"elements": 8}
            f["penalty_elements"] = {"elements": 10}
            f["publicity_consistent"] = {"consistent_share": rng.choice(["100%", "100%", "95%"])}
        else:
            for item in (
                "publicity_timely",
                "permit_elements",
                "penalty_elements",
                "publicity_consistent",
            ):
                f[item] = na
        sampled = rng.random() < 0.4
        f["guide_elements"] = {"elements": 8} if sampled else na
        f["standard_catalog"] = {"met": True}
        if street or rng.random() < 0.7:
            f["reply_texts"] = {
                "published_share": rng.choice(["100%", "100%", "100%", "90%", "80%"])
            }
            formed = dt.date(2020, 6, 1) + dt.timedelta(rng.randint(0, 45))
            f["overall_situation"] = dict(
                zip(("formed", "published"), _on_time(formed, 20, rng), strict=True)
            )
        else:
            f["reply_texts"] = na
            f["overall_situation"] = na
    if dept:
        f["random_results"] = {"met": True} if name in JINGAN_RANDOM_INSPECTIONS else na
        f["reform_policies"] = {"met": True} if name in JINGAN_BUSINESS_REFORM else na
        f["power_list_published"] = {"met": True}
        f["power_list_current"] = {"updated": _day(dt.date(2020, 1, 10), rng, 0, 150)}
        f["power_list_reform"] = {"met": True} if name in JINGAN_REFORMED else na
    f["rule_of_law_report"] = {"published": _day(dt.date(2020, 3, 10), rng, 0, 21), "parts": 2}
    f["wechat_opened"] = {"met": True}
    f["wechat_updates"] = {"daily_share": rng.choice(["100%", "100%", "100%", "90%", "75%"])}
    f["wechat_relevant"] = {"met": True}
    f["annual_report_published"] = {"published": _day(dt.date(2020, 1, 15), rng, 0, 16)}
    f["annual_report_complete"] = {"met": True}
    f["annual_report_original"] = {"similar_to_previous": False}
    f["guide_updated"] = {"updated": _day(dt.date(2020, 6, 1), rng, 0, 40), "elements": 3}
    f["letter_channel"] = {"met": True}
    f["online_channel"] = {"met": True}
    requests = []
    for received in (dt.date(2020, 7, 15), dt.date(2020, 7, 16)):  # the letter, then online
        start = received + dt.timedelta(rng.randint(0, 50))
        received_on, replied = _on_time(start, 20, rng)
        requests.append({"received": received_on, "replied": replied})
    f["replies_on_time"] = {"requests": requests}
    f["reply_documents"] = {"complete_share": 1, "numbering_inconsistent": False}
    f["reply_convenience"] = {"met": rng.random() < 0.9}
    return f


def jingan() -> dict:
    """46 units as in the Jing'an 2020 report: the district government, 31 departments,
    14 streets and towns. Where the report gives a finding for all units (channels open
    46/46, replies within the legal limit, annual reports and guides on time) every unit
    meets it; where it says 部分, 少数 or 大部分, a few units are made to miss it."""
    rng = random.Random(2020)
    groups = (
        [(JINGAN_GOVERNMENT, "district_government")]
        + [(d, "department") for d in JINGAN_DEPARTMENTS]
        + [(s, "street_town") for s in JINGAN_STREETS]
    )
    units = [{"id": n, "tags": [g], "facts": _jingan_unit(n, g, rng)} for n, g in groups]
    u = {x["id"]: x["facts"] for x in units}
    # (八) 部分区政府部门、街镇尚未公开本年度…办理总体情况
    for unit in ("区科委", "区审计局", "临汾路街道"):
        u[unit]["overall_situation"] = {"formed": "2020-06-15", "published": None}
    # (九) 部分单位…信息发布不及时: one late, one not published in the period
    u["区统计局"]["rule_of_law_report"] = {"published": "2020-04-21", "parts": 2}
    u["区侨办"]["rule_of_law_report"] = {"published": None, "parts": 0}
    # (十) 政务微信开通率较高: not every unit has an account
    for unit in ("区民宗办", "区机管局"):
        u[unit]["wechat_opened"] = {"met": False}
        u[unit]["wechat_updates"] = {"daily_share": 0}
        u[unit]["wechat_relevant"] = {"met": False}
    # (十一) 少数单位仍然存在该问题 (年报内容雷同)
    for unit in ("区合作交流办", "北站街道"):
        u[unit]["annual_report_original"] = {"similar_to_previous": True}
    # (十三) 极少数单位还存在答复文书编号不甚统一等问题
    u["区金融办"]["reply_documents"] = {"complete_share": 1, "numbering_inconsistent": True}
    # (一) an undertaking department without feedback on the opinions it collected
    u["区建设管理委"]["pre_disclosure"] = {"steps": 2}
    return {"description": LABEL, "synthetic": True, "units": units}


def yifeng_townships_local_example() -> dict:
    """The townships' example cohort fitted to the example overlay on their scheme: awards
    within the points it lowers, and its local item scored."""
    doc = yifeng_townships()
    r = dr.load("yifeng-2020-townships-local-example")
    points = {n.id: n.points for n in r.graph.nodes}
    rng = random.Random(2021)
    for unit in doc["units"]:
        facts = unit["facts"]
        for item in ("key_work_progress", "leader_named"):
            fact = facts.get(item)
            if isinstance(fact, dict) and "awarded" in fact:
                fact["awarded"] = min(Decimal(str(fact["awarded"])), points[item])
        facts["rural_revitalization"] = {
            "awarded": rng.choice([1, 1, 1, Decimal("0.5"), 0]),
            "evidence": {
                "link": f"https://example.gov.cn/gk/rural_revitalization/{rng.randint(1, 9999)}",
                "screenshot": "screenshot/rural_revitalization.png",
                "submitted": SUBMITTED,
            },
        }
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
    "yifeng-2020-townships-local-example": yifeng_townships_local_example,
    "yifeng-2020-departments": yifeng_departments,
    "jingan-2020-evaluation": jingan,
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
