"""The demo register's draws: how often each value comes up among a Hunan village's
elders and their families (areas, ethnicities, where children work, relations, health,
education, exits), and the words its notes are made of."""

from __future__ import annotations

from carecenter.demo.draws import (
    Weighted,
    coded,
    words,
)
from carecenter.storage.models import (
    EXIT_REASONS,
)

AREAS = Weighted([
    ("430524", 70), ("430522", 5), ("430523", 5), ("430525", 5), ("430581", 3),
    ("431224", 2), ("433130", 1), ("522631", 2), ("522633", 2), ("522229", 2),
    ("522226", 1), ("520121", 1), ("522622", 1),
])
HAN_AREA_ETHNICITY = Weighted([("汉族", 93), ("苗族", 3), ("瑶族", 2), ("土家族", 1),
                               ("侗族", 1)])
MINORITY_AREA_ETHNICITY = Weighted([("汉族", 40), ("苗族", 30), ("土家族", 15), ("侗族", 15)])
PHONE_SECOND = Weighted(words("3 5 8", 3) + words("7 9 6 4"))

WHEREABOUTS = {
    "out_province": Weighted(
        [("广东省东莞市", 12), ("广东省深圳市", 10), ("广东省广州市", 8), ("广东省佛山市", 5),
         ("广东省中山市", 3), ("浙江省义乌市", 6), ("浙江省宁波市", 4), ("浙江省温州市", 3),
         ("浙江省杭州市", 3), ("江苏省苏州市", 5), ("江苏省昆山市", 2), ("上海市", 4),
         ("福建省厦门市", 3), ("福建省泉州市", 2), ("北京市", 2), ("湖北省武汉市", 2),
         ("广西壮族自治区南宁市", 1), ("重庆市", 1), ("四川省成都市", 1), ("海南省海口市", 1)]),
    "out_county": Weighted(
        [("省内长沙市", 10), ("湖南省长沙市", 5), ("邵阳市区", 3), ("湖南省株洲市", 2),
         ("湖南省湘潭市", 2), ("湖南省衡阳市", 2), ("湖南省岳阳市", 1), ("湖南省怀化市", 1)]),
    "in_county": Weighted([("县城", 10), ("本镇", 4), ("本村务农", 3)]),
    "abroad": Weighted([("新加坡", 2), ("安哥拉", 1), ("阿联酋迪拜", 1), ("日本", 1)]),
}
SCOPES = coded("location_scope", {"out_province": 62, "out_county": 32, "in_county": 5,
                                   "abroad": 0.5}, supporter_field=True)
RELATIONS = coded("relation", {"son": 45, "daughter": 35, "daughter_in_law": 8,
                                "son_in_law": 4, "grandchild": 6, "other": 2},
                   supporter_field=True)
SUPPORTER_COUNT = Weighted([(1, 20), (2, 30), (3, 30), (4, 20)])

EDUCATION_OLD = coded("education", {"illiterate": 55, "primary": 35, "junior": 8, "senior": 2})
EDUCATION = coded("education", {"illiterate": 22, "primary": 45, "junior": 27, "senior": 6})
MARITAL_OLD = coded("marital_status", {"married": 40, "widowed": 55, "divorced": 1,
                                        "unmarried": 4})
MARITAL = coded("marital_status", {"married": 72, "widowed": 20, "divorced": 3,
                                    "unmarried": 5})
INSURANCE = coded("medical_insurance", {"resident": 95, "employee": 2, "none": 3})
HEALTH_OLD = coded("health_status", {"healthy": 15, "chronic": 50, "partly_disabled": 20,
                                      "disabled": 7, "dementia": 8})
HEALTH = coded("health_status", {"healthy": 40, "chronic": 45, "partly_disabled": 10,
                                  "disabled": 3, "dementia": 2})
DISABILITY = coded("disability", {"none": 85, "physical": 6, "visual": 3, "hearing": 3,
                                   "speech": 0.5, "intellectual": 1, "mental": 0.5,
                                   "multiple": 1})
DISABILITY_GRADE = coded("disability_grade", {"1": 10, "2": 25, "3": 35, "4": 30})
STANDARD = coded("living_standard", {"good": 25, "fair": 60, "poor": 15})
EXIT_REASON = Weighted([("died", 40), ("supporter_returned", 20), ("moved", 15),
                        ("institution", 15), ("not_eligible", 7), ("other", 3)])
# Codes checked against models.EXIT_REASONS once, for the same reason as coded.
if set(EXIT_REASON.values) - set(EXIT_REASONS):
    raise AssertionError("demo exit reasons name unknown codes")

CARE_NOTES = ("生活基本能自理", "邻居帮忙照看", "子女每周打电话问候", "村医定期上门")
CARE_NOTES_MARRIED = ("配偶照顾日常起居", "老两口相互照顾")
CARE_NOTES_DEPENDENT = ("需要有人帮忙做饭、洗衣", "行动不便,由亲属照料")
DEPENDENT = frozenset({"partly_disabled", "disabled", "dementia"})
DIFFICULTIES = ("行动不便", "看病不方便", "收入低,生活困难", "房屋老旧", "孤独,缺人说话",
                "农忙时缺劳力", "耳背,电话联系困难")
EXIT_NOTES = ("户籍迁出本县", "随子女外出生活", "子女已返乡照顾")
CLERKS = ("刘红梅", "王建军", "唐小燕")
REVIEWERS = ("李志刚", "曾德华")
CHINESE_COUNTS = ("", "一", "两", "三", "四")
