"""Yifeng 2020: faithful to the printed tables, and golden cohorts worked by hand.

The two lists below are transcribed once from seeds/001_36c6d266b2055a97.txt:
every printed indicator line with a point value, in printed order (the repeated
table header “用权公开(35分)” after the page break is left out).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import D

import disclosure_rules as dr

DEPARTMENTS_PRINTED = """
35 用权公开
10 重大行政决策公开
 4 重大决策预公开
 2 出台与企业生产经营活动密切相关的规章和规范性文件,充分听取有代表性的企业和行业协会商会意见
 2 建立健全利益相关方、公众代表、专家、媒体等列席政府有关会议的制度以及制度落实情况
 4 意见反馈情况
 2 对收集到的意见进行整理汇总并公开
 2 公开意见的采纳情况,未采纳的说明理由
 2 会议结果公开
 2 及时公开政府全体会议、常务会议讨论决定的事项、制定的政策
 8 权力配置信息公开
 4 事项清单公开
 2 对不同事项清单进行集中分类展示,包括权责、用权公开、事项清单等
 2 梳理公布公共服务事项清单,包括教育、医疗、住房、社保、民政、扶贫等与群众日常生产生活密切相关权力配置信息的领域
 4 机构职能信息公开
 2 依法公开机构设置、工作职能、办公地址、办公时间、联系方式等信息
 2 组织编写本级政府行政机关机构职能目录并向社会公开
 4 政务信息管理
 2 规章公开
 2 司法行政工作主管部门集中统一对外公开现行有效地方政府规章,并提供在线查阅、检索、下载等服务
 2 规范性文件公开
 2 系统梳理本机关制发的规范性文件,集中统一对外公开并动态更新,提升规范性文件公开质量,列明文号、成文日期、发布时间、有效性等信息,提供文本下载功能
 5 执法监管信息公开
 3 行政执法信息公开
 1 依法公开随机抽查事项清单;明确抽查依据、主体、内容、方式等
 1 及时通过“双随机、一公开”监管、“联网+监管”(公众端)和“信用中国(宜丰)”等平台规范发布抽查结果和查处情况
 1 在行政决定作出之日起7个工作口内通过江西省行政执法服务网等平台公示行政许可、行政处罚信息
 2 国资信息公开
 2 持续推进国资监管和国企改革信息公开
 8 服务和结果公
 2 办事信息公开
 2 加强“一件事”“一链办”等综合办事信息公开
 2 重点工作信息公开
 2 定期公开《政府工作报告》重点任务、民生实事项目、重大工程项目的执行情况
 2 审计信息公开
 2 做好督查和审计发现问题的整改落实情况公开
 2 建议提案公开
 2 在政府网站政府信息公开专栏设置建议提案公开子栏目
 3 对社会广泛关注、关系国计民生的人大代表建议和政协委员提案的复函自签发之日起10个工作日内向社会公开
13 政策发布解读
 4 “六稳”政策发布解读
 2 “六稳”政策发布
 2 及时发布稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期各项政策举措,主动回应经济社会热点问题
 2 “六稳”政策解读
 2 多形式多渠道多开展“六稳”政策解读,增强解读实际效果
 5 “六保”政策发布解读
 3 “六保”政策发布
 2 实时发布保居民就业、保基本民生、保市场主体、保粮食能源安全、保产业链供应链稳定、保基层运转等相关政策信息
 1 加大为企业舒困、激发市场活力等规模性政策的公开力度
 2 “六保”政策解读
 2 围绕着力稳企业就业、增强发展新动能、实施扩大内需战略、确保实现脱贫攻坚目标、稳住外贸外资基本盘、保障和改善民生等重大部署和重点工作任务,解读好相关政策措施、执行情况和工作成效
 4 政策解读质量
 4 解读内容全面
 2 对政策的背景依据、目标任务、主要内容、涉及范围、执行标准、关键词论释、惠民利民举措或新旧政策差异等实质性内容进行解读
 2 解读材料中提供原政策文件网址链接
15 重点领域信息公开
 8 民生保障信息公开
 2 教育信息公开
 2 医疗信息公开
 2 养老信息公开
 2 环保信息公开
 4 疫情信息发布
 1 疫情动态发布
 2 疫情政策措施发布
 1 保护个人信息
 3 突发公共事件信息公开
 1 应急预案公开
 2 处置情况公开
27 基层政务公开标准化规范化
 3 编制标准目录
 1 梳理事项
 1 全面梳理26个领域政务公开事项
 2 编制目录
 2 202012月底前编制完成26个领域的基层政务公开标准目录并在政府网站发布
13 信息公开平台建设
 3 规范平台栏目设置
 3 完成栏目设置,栏目规范
10 平台栏目更新
10 栏目全面更新,信息发布按栏目规范发布且内容丰富
 5 做好依申请公开
 1 申请渠道
 1 信息公开指南明确网络、信函、传真等申请渠道,并保持畅通
 2 答复情况
 2 在法定期限内答复;按照《江西省政府信息依申请公开工作规范》依法答复
 2 行政复议、行政诉讼
 6 信息公开工作年度报告
 6 年度报告编制质量
 2 2019年政府信息公开工作年度报告内容全面,包括《中华人民共和国政府信息公开条例)第五十条规定内容
 2 是否与往年的年报内容雷同
 2 年度报告发布
 2 发布年度报告
 1 131日前集中向社会公布本部门政府信息公开工作年度报告
10 制度保障
 2 制度建设
 2 信息公开制度建设情况
 2 根据新修订的《中华人民共和国政府信息公开条例》,修订完善、及时更新本级政府信息发布、政策解读、重大决策预公开、政府文件公开属性源头认定、政府信息管理、依申请公开、监督考核等制度规范
 6 政务舆情处置回应
 2 机制建立
 2 健全完善政务奥情监测、预警、研判、处置和回应工作机制
 2 重点舆情
 2 对县政府办转办的政务舆情按要求处置和回复,对涉及群众切身利益且产生重大影响的政务舆情,迅速按照有关规定处置,并有效回应
 2 信息发布
 1 制定完善政府信息审核发布机制工作
 1 未有涉及个人隐私泄密的
 2 队伍建设
 1 分管领导
 1 各部门依法确定一名负责同志,承担政务公开工作领导责任,并通过政府网站公开
 1 工作机构
 1 明确部门行政办公室政务公开职责
"""


TOWNSHIPS_PRINTED = """
28 用权公开
 8 重大行政决策公开
 4 重大决策预公开
 2 出台与企业群众生产活动密切相关决策,充分听取有代表性的企业和群众意见
 2 建立健全利益相关方、公众代表、专家、媒体等列席政府有关会议的制度以及制度落实情况
 2 意见反馈情况
 1 对收集到的意见进行整理汇总并公开
 1 公开意见的采纳情况,未采纳的说明理由
 2 会议结果公开
 2 及时公开政府会议讨论决定的事项、制定的政策
10 权力配置信息公开
 4 事项清单公开
 2 对本级政府不同事项清单进行集中分类展示,包括权责、用权公开、事项清单等
 2 梳理公布本级政府公共服务事项清单,包括教育、医疗、住房、社保、民政、扶贫等与群众日常生产生活密切相关权力配置信息的领域
 4 机构职能信息公开
 2 依法公开机构设置、工作职能、办公地址、办公时间、联系方式等信息
 2 组织编写本级政府行政机关机构职能目录并向社会公开
 2 规范性文件公开
 2 本级政府系统梳理本机关制发的规范性文件,集中统一对外公开并动态更新,提升规范性文件公开质量,列明文号、成文日期、发布时间、有效性等信息,提供文本下载功能
 4 执法监管信息公开
 4 行政执法信息公开
 2 依法公开行政执法事项清单及依据、指南等
 2 行政许可和其他对外管理服务事项结果公示;本行政机关认为具有一定社会影响的行政处罚决定和行政强制公示等动态信息
 6 服务和结果公
 2 办事信息公开
 2 便民办事办事清单信息公开
 4 重点工作信息公开
 4 定期公开重点任务、民生实事项目、重大工程项目的执行情况
12 政策发布解读
 4 “六稳”政策发布解读
 2 “六稳”政策发布
 2 及时发布稳就业、稳金融、稳外贸、稳外资、稳投资、稳预期各项政策举措,主动回应经济社会热点问题
 2 “六稳”政策解读
 2 通过政府网站等渠道,增强解读实际效果
 4 “六保”政策发布解读
 2 “六保”政策发布
 2 实时发布保居民就业、保基本民生、保市场主体、保粮食能源安全、保产业链供应链稳定、保基层运转等相关政策信息,加大为企业舒困、激发市场活力等规模性政策的公开力度
 2 “六保”政策解读
 2 围绕着力稳企业就业、增强发展新动能、实施扩大内需战略、确保实现脱贫攻坚目标、稳住外贸外资基本盘、保障和改善民生等重大部署和重点工作任务,解读好相关政策措施、执行情况和工作成效
 4 政策解读质量
 4 解读内容全面
 2 对政策的背景依据、目标任务、主要内容、涉及范围、执行标准、关键词论释、惠民利民举措或新旧政策差异等实质性内容进行解读
 2 解读材料中提供原政策文件网址链接
15 重点领域信息公开
 8 民生保障信息公开
 2 教育信息公开
 2 做好学前教育、义务教育招生等领域信息公开
 2 医疗信息公开
 2 做好医疗服务、食品药品安全、公立医疗卫生机构等信息公开
 2 养老信息公开
 2 及时公开养老服务项目清单、服务指南、服务标准、老龄补贴等信息
 2 环保信息公开
 2 围绕打赢蓝天保卫战、长江经济带“共抓大保护”攻坚行染治理,做好城乡环境整治信息公开
 4 疫情信息发布
 1 疫情动态发布
 1 依法做好疫情防控常态化下的疫情信息发布工作
 2 疫情政策措施发布
 2 运用政府网站等媒体全方位解读党中央、国务院关于疫情防控的重大决策部署和本地区重要工作举措,以及应对处置工作进展情况
 1 保护个人信息
 1 严格落实个人信息保护有关规定,对因新冠肺炎疫情防控工作需要收集的个人信息,采取有效措施保管并妥善处理
 3 突发公共事件信息公开
 1 应急预案公开
 1 公开突发公共事件应急预案,并开展宣传培训工作
 2 处置情况公开
 2 依法依规,及时准确公布公共卫生、事故灾难、自然灾害等突发事件的监测预警、防控措施、事态进展、处置结果等信息
34 基层政务公开标准化规范化
 3 编制标准目录
 1 梳理事项
 1 全面梳理26个领域政务公开事项
 2 编制目录
 2 202012月底前编制完成26个领域的基层政务公开标准目录并在政府网站发布
 5 政务公开专区
 5 专区建设
 5 政务专区建设功能要素齐全
12 信息公开平台建设
 2 规范平台栏目设置
 2 信息公开平台栏目全部更新
10 栏目更新
 6 做好依申请公开
 2 申请渠道
 2 信息公开指南明确网络、信函、传真等申请渠道,并保持畅通
 2 答复情况
 2 在法定期限内答复;按照《江西省政府信息依申请公开工作规范》依法答复
 2 行政复议、行政诉讼
 8 信息公开工作年度报告
 6 年度报告编制质量
 2 2019年政府信息公开工作年度报告内容全面,包括《中华人民共和国政府信息公开条例)第五十条规定内容
 4 是否与往年的年报内容雷同
 2 发布年度报告
 2 按照《中华人民共和国政府信息公开条例》第四十九条规定的时间在本级政府门户网站“政府信息公开专栏”集中向社会公布本级政府信息公开工作年度报告
11 制度保障
 2 制度建设
 2 信息公开制度建设情况
 2 根据新修订的《中华人民共和国政府信息公开条例》,修订完善、及时更新本级政府信息发布、政策解读、重大决策预公开、政府文件公开属性源头认定、政府信息管理、依申请公开、监督考核等制度规范
 4 政务舆情处置回应
 2 机制建立
 2 健全完善政务奥情监测、预警、研判、处置和回应工作机制
 2 重点舆情
 2 对县政府办转办的政务舆情按要求处置和回复,对涉及群众切身利益且产生重大影响的政务舆情,迅速按照有关规定处置,并有效回应
 5 队伍建设
 2 分管领导
 2 本级政府依法确定一名负责同志,承担政务公开工作领导责任,并通过政府网站公开
 2 工作机构
 2 明确本级政府党政办公室政务公开职责
 1 业务培训
 1 开展政务公开工作培训
"""


def printed(listing: str) -> list[tuple[str, Decimal]]:
    rows = [line.strip().split(" ", 1) for line in listing.strip().splitlines()]
    return [(title, D(points)) for points, title in rows]


def tree(ruleset_id: str) -> list[tuple[str, Decimal]]:
    """(title, printed points) of every node of the work component, in order."""
    g = dr.load(ruleset_id).graph
    work = g.node("work")
    out: list[tuple[str, Decimal]] = []
    stack = list(reversed(work.children))
    while stack:
        node = g.nodes[stack.pop()]
        out.append((node.title, node.declared_points or node.points))
        stack.extend(reversed(node.children))
    return out


@pytest.mark.parametrize(
    ("ruleset_id", "listing"),
    [
        ("yifeng-2020-departments", DEPARTMENTS_PRINTED),
        ("yifeng-2020-townships", TOWNSHIPS_PRINTED),
    ],
)
def test_every_printed_indicator_is_present_with_its_printed_points(ruleset_id, listing):
    nodes = tree(ruleset_id)
    missing = [row for row in printed(listing) if row not in nodes]
    assert missing == []


def test_department_key_areas_quote_their_unpointed_fourth_level_lines():
    g = dr.load("yifeng-2020-departments").graph
    assert g.node("education").cite == "做好学前教育、义务教育、高校和职业教育招生等领域信息公开"
    assert g.node("medical").cite.endswith("公立医疗卫生机构绩效考核结果等信息公")


@pytest.mark.parametrize("ruleset_id", ["yifeng-2020-departments", "yifeng-2020-townships"])
def test_the_four_scoring_notes_are_cited_policies(ruleset_id):
    text = dr.load(ruleset_id).syntax.text
    for note in (
        "未按要求提供佐证材料的,不予认定",
        "本考评以100为基数实行倒扣分,扣完即止",
        "未有相关指标的得平均分",
        "新闻动态类不作为政府信息,不得分",
    ):
        assert "附注:" in text and note in text


def test_the_checker_finds_every_printed_mismatch_of_the_departments_table():
    text = dr.load("yifeng-2020-departments").syntax.text
    unresolved = re.sub(r"^\s*resolve .*$", "", text, flags=re.M)
    with pytest.raises(dr.CheckError) as info:
        dr.compile(unresolved, file="departments.dr")
    found = sorted(d.message for d in info.value.errors)
    assert [d.code for d in info.value.errors] == ["DR103"] * 4
    assert found == sorted(
        [
            "section 'proposals' “建议提案公开” declares 2 points but its parts add up to 5",
            "section 'annual_report' “信息公开工作年度报告” declares 6 points but its parts add up to 8",
            "section 'report_quality' “年度报告编制质量” declares 6 points but its parts add up to 4",
            "section 'report_release_2' “发布年度报告” declares 2 points but its parts add up to 1",
        ]
    )


def test_check_names_each_resolved_mismatch_with_both_numbers():
    text = dr.load("yifeng-2020-departments").syntax.text.splitlines()

    def line_of(section: str) -> int:
        return next(i for i, line in enumerate(text, 1) if f"section {section} " in line)

    warnings = [d for d in dr.check("yifeng-2020-departments") if d.code == "DR104"]
    assert [(d.span.line, d.message.split(" (resolved")[0]) for d in warnings] == [
        (
            line_of("proposals"),
            "section 'proposals' “建议提案公开” declares 2 points but its parts add up to 5",
        ),
        (
            line_of("report_quality"),
            "section 'report_quality' “年度报告编制质量” declares 6 points but its parts add up to 4",
        ),
        (
            line_of("report_release_2"),
            "section 'report_release_2' “发布年度报告” declares 2 points but its parts add up to 1",
        ),
    ]


# The golden cohorts are case files: rulesets/tests/yifeng-2020-*.yaml (tests/test_cases.py).
