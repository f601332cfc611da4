"""The starting configuration, installed after every migrate (oversight/apps.py), then edited in
the admin: Longyan's 平安县乡村三级联创 key indicators (county 4, township 11, village 9), the rating rule of
each level, the 社会稳定指数 indicators under 社情 / 舆情 / 警情 / 案情 and the colour bands.
docs/assessment.md explains each figure."""

from grids.levels import AreaLevel

from .constants import Colour, Comparison, Metric, StabilityGroup
from .models import ColourBand, Indicator, RatingRule, StabilityIndicator

COUNT, RATE, ON_TIME, SATISFACTION, ENTERED = (
    Metric.CASE_COUNT,
    Metric.RESOLUTION_RATE,
    Metric.ON_TIME_RATE,
    Metric.SATISFACTION,
    Metric.ENTERED,
)
MAX, MIN = Comparison.AT_MOST, Comparison.AT_LEAST

# (code, group, name, metric, category codes, sources, comparison, threshold, veto)
VILLAGE = [
    ("V1", "一少", "刑事案件少：年度刑事案件不超过 2 起", COUNT, ["XA"], [], MAX, 2, False),
    ("V2", "五无", "无命案", COUNT, ["XA01"], [], MAX, 0, True),
    ("V3", "五无", "无安全生产事故", COUNT, ["AQ02"], [], MAX, 0, True),
    ("V4", "五无", "无黑恶势力", ENTERED, [], [], "", None, True),
    ("V5", "五无", "无重大群体性事件", ENTERED, [], [], "", None, False),
    ("V6", "五无", "无区域性治安突出问题", ENTERED, [], [], "", None, False),
    ("V7", "六好", "矛盾纠纷化解好：化解率不低于 95%", RATE, ["MD"], [], MIN, 95, False),
    ("V8", "六好", "重点群体管控好、社会治安防范好", ENTERED, [], [], "", None, False),
    ("V9", "六好", "基层组织建设好、村民自治能力好、生态安全保护好", ENTERED, [], [], "", None, False),
]
TOWNSHIP = [
    ("T01", "四情", "案情上限：年度刑事案件不超过 20 起", COUNT, ["XA"], [], MAX, 20, False),
    ("T02", "四情", "警情上限：年度治安、消防警情不超过 150 起", COUNT, ["ZA", "XF"], [], MAX, 150, False),
    (
        "T03",
        "四情",
        "舆情上限：年度 12345 热线和群众自报诉求不超过 300 件",
        COUNT,
        [],
        ["hotline", "citizen"],
        MAX,
        300,
        False,
    ),
    ("T04", "四情", "社情上限：年度矛盾纠纷和信访事项不超过 400 件", COUNT, ["MD", "XS"], [], MAX, 400, False),
    ("T05", "四基", "基础性制度：综治例会、研判、考评制度健全", ENTERED, [], [], "", None, False),
    ("T06", "四基", "基础性设施：综治中心、调解室、视频监控达标", ENTERED, [], [], "", None, False),
    ("T07", "四基", "基础性平台：网格事件按期办结率不低于 90%", ON_TIME, [], [], MIN, 90, False),
    ("T08", "四基", "基础性队伍：网格员、调解员、平安志愿者配齐", ENTERED, [], [], "", None, False),
    ("T09", "底线", "无命案", COUNT, ["XA01"], [], MAX, 0, True),
    ("T10", "底线", "无重大安全生产事故", COUNT, ["AQ02"], [], MAX, 0, True),
    ("T11", "化解", "矛盾纠纷化解率不低于 95%", RATE, ["MD"], [], MIN, 95, False),
]
COUNTY = [
    ("C1", "平安绩效好", "年度刑事案件不超过 300 起", COUNT, ["XA"], [], MAX, 300, False),
    ("C2", "群众评价好", "群众满意率不低于 90%（结案回访）", SATISFACTION, [], [], MIN, 90, False),
    ("C3", "风险防范好", "矛盾纠纷化解率不低于 95%", RATE, ["MD"], [], MIN, 95, False),
    ("C4", "严守底线好", "未发生重大安全事故和有重大影响的案事件", ENTERED, [], [], "", None, True),
]
INDICATORS = {AreaLevel.COUNTY: COUNTY, AreaLevel.TOWNSHIP: TOWNSHIP, AreaLevel.VILLAGE: VILLAGE}
TITLES = {
    AreaLevel.COUNTY: "平安县（市、区）",
    AreaLevel.TOWNSHIP: "平安乡镇（街道）",
    AreaLevel.VILLAGE: "平安村（社区）",
}

# (group, code, name, metric, category codes, sources, weight, baseline, ceiling) — per township per week
STABILITY = [
    (StabilityGroup.SOCIAL, "S1", "矛盾纠纷", COUNT, ["MD"], [], 15, 5, 30),
    (StabilityGroup.SOCIAL, "S2", "信访事项", COUNT, ["XS"], [], 10, 0, 8),
    (StabilityGroup.SOCIAL, "S3", "矛盾纠纷化解率", RATE, ["MD"], [], 5, 95, 60),
    (StabilityGroup.OPINION, "O1", "12345 热线诉求", COUNT, [], ["hotline"], 10, 3, 25),
    (StabilityGroup.OPINION, "O2", "群众自报和来访诉求", COUNT, [], ["citizen", "walk_in"], 5, 2, 15),
    (StabilityGroup.OPINION, "O3", "群众满意率", SATISFACTION, [], [], 5, 95, 60),
    (StabilityGroup.POLICE, "P1", "治安警情", COUNT, ["ZA"], [], 10, 2, 15),
    (StabilityGroup.POLICE, "P2", "消防警情", COUNT, ["XF"], [], 5, 5, 30),
    (StabilityGroup.POLICE, "P3", "突发事件和安全生产事故", COUNT, ["YJ", "AQ02"], [], 5, 0, 3),
    (StabilityGroup.CRIMINAL, "X1", "刑事案件", COUNT, ["XA02", "XA03"], [], 15, 0, 5),
    (StabilityGroup.CRIMINAL, "X2", "命案", COUNT, ["XA01"], [], 15, 0, 1),
]
PASS_SCORE = 80  # every veto indicator met and at least 80 of 100 points
BANDS = [(Colour.GREEN, 85), (Colour.YELLOW, 70), (Colour.ORANGE, 55), (Colour.RED, 0)]


def install(using: str = "default") -> None:
    """Install each default set whose table (or level) is empty, and a rating rule per level.
    An admin's edits and deletions within a set stay; emptying a set brings the defaults back."""
    for level, rows in INDICATORS.items():
        if not Indicator.objects.using(using).filter(level=level).exists():
            Indicator.objects.using(using).bulk_create(
                [
                    Indicator(
                        level=level,
                        code=code,
                        group=group,
                        name=name,
                        metric=metric,
                        category_codes=categories,
                        sources=sources,
                        comparison=comparison,
                        threshold=threshold,
                        points=10,
                        is_veto=veto,
                        order=order,
                    )
                    for order, (
                        code,
                        group,
                        name,
                        metric,
                        categories,
                        sources,
                        comparison,
                        threshold,
                        veto,
                    ) in enumerate(rows)
                ]
            )
        RatingRule.objects.using(using).get_or_create(
            level=level, defaults={"title": TITLES[level], "pass_score": PASS_SCORE}
        )
    if not StabilityIndicator.objects.using(using).exists():
        StabilityIndicator.objects.using(using).bulk_create(
            [
                StabilityIndicator(
                    group=group,
                    code=code,
                    name=name,
                    metric=metric,
                    category_codes=categories,
                    sources=sources,
                    weight=weight,
                    baseline=baseline,
                    ceiling=ceiling,
                    order=order,
                )
                for order, (group, code, name, metric, categories, sources, weight, baseline, ceiling) in enumerate(
                    STABILITY
                )
            ]
        )
    if not ColourBand.objects.using(using).exists():
        ColourBand.objects.using(using).bulk_create([ColourBand(colour=c, min_index=m) for c, m in BANDS])
