"""Regenerate the example facts files (synthetic demonstration data).

    python examples/make_examples.py

Each file is labelled as synthetic in its own ``description``; every output
built from it (table, JSON, explain) repeats that label. A few cells are set
by hand so that each example shows the ruleset's policies at work.
"""

from __future__ import annotations

import json
import sys
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


EXAMPLES = {
    "yifeng-2020-townships": yifeng_townships,
}


def main() -> None:
    for name, make in EXAMPLES.items():
        path = HERE / f"{name}.facts.json"
        path.write_text(json.dumps(make(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
