"""A county's own ruleset, property-tested with disclosure_rules.testing.

Run it with pytest: ``pytest examples/property_test_example.py``.
"""

from hypothesis import given

import disclosure_rules as dr
from disclosure_rules import testing

RULESET = dr.compile("""
ruleset my-county-2021 {
  title "2021年某县政务公开工作考评指标"
  tags township, department
  policy {
    evidence required cite "未按要求提供佐证材料的,不予认定"
    not_applicable average cite "未有相关指标的得平均分"
  }
  section power "用权公开" 6 {
    item hearing "重大决策听取意见" 2
    item lists "公共服务事项清单" 2 { applies_to department }
    item appeals "行政复议、行政诉讼" 2 {
      deduct 1 per overturned_reviews cite "每件扣1分"
      deduct 2 per lost_lawsuits cite "每件扣2分"
    }
  }
  item catalog "12月底前发布标准目录" 4 {
    awarded
    zero when not published by 2021-12-31 cite "2021年12月底前"
  }
  grades { 优秀 >= 9  合格 >= 6  else 不合格 }
}
""")


# The whole property test: five lines. The profile turns off Hypothesis's deadline.
@testing.PROFILE
@given(testing.cohorts(RULESET))
def test_my_ruleset_behaves(cohort):
    testing.check_all(RULESET, cohort)
