"""Generators for demo people: Chinese names, mobile numbers and resident ID numbers.

Everything takes a `random.Random` so the same seed gives the same people.
"""

import random
from datetime import date, timedelta

from grids.identity import check_character

# Common surnames, most frequent first (weights roughly follow their share in Henan).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
_SURNAME_WEIGHTS = [max(1.0, 12.0 - i * 0.6) for i in range(len(SURNAMES))]

MALE_CHARS = "伟强军磊勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆建国志成海峰亮新庆东文林振宏永春"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英红梅琳燕萍雪慧莉兰凤洁琴云莲真环倩婷颖玉珍月彩花"
NEUTRAL_CHARS = "晓小子嘉思雨欣佳安乐一心春秋文金玉德"

# Mobile prefixes of the three carriers, the common ones weighted up.
_MOBILE_PREFIXES = (
    ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139"] * 3
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"] * 2
    + ["180", "181", "182", "183", "184", "185", "186", "187", "188", "189"] * 2
    + ["147", "166", "173", "175", "176", "177", "178", "191", "193", "195", "198", "199"]
)

# Yucheng's address code: 411425 since 1997; before that the county was 412321 (商丘地区), and
# people born then kept that code — GB/T 2260 tables accept each code only for its own years.
COUNTY_ID_CODE = "411425"
OLD_COUNTY_ID_CODE = "412321"
COUNTY_CODE_SINCE = 1997


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, is_male: bool) -> str:
    chars = MALE_CHARS if is_male else FEMALE_CHARS
    if rng.random() < 0.25:
        return rng.choice(chars)
    first = rng.choice(NEUTRAL_CHARS + chars) if rng.random() < 0.3 else rng.choice(chars)
    return first + rng.choice(chars)


def full_name(rng: random.Random, is_male: bool, family: str | None = None) -> str:
    """A full name; `family` keeps a surname (children take the father's)."""
    return (family or surname(rng)) + given_name(rng, is_male)


def mobile(rng: random.Random, used: set[str] | None = None) -> str:
    """A valid mainland mobile number in E.164 (+86 1[3-9]x xxxx xxxx), unique within `used`."""
    while True:
        number = "+86" + rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if used is None or number not in used:
            if used is not None:
                used.add(number)
            return number


def birth_date(rng: random.Random, age: int, on: date) -> date:
    """A birth date that makes the person `age` years old on `on`."""
    latest = date(on.year - age, on.month, min(on.day, 28))
    return latest - timedelta(days=rng.randrange(365))


class IdNumbers:
    """Unique 18-character resident ID numbers (GB 11643) for people registered in the county."""

    def __init__(self):
        self._used: set[str] = set()

    def make(self, rng: random.Random, born: date, is_male: bool) -> str:
        area = COUNTY_ID_CODE if born.year >= COUNTY_CODE_SINCE else OLD_COUNTY_ID_CODE
        prefix = f"{area}{born:%Y%m%d}"
        # Sequence code: three digits, the last odd for men and even for women.
        start = rng.randrange(495)
        for step in range(495):
            n = (start + step) % 495
            first17 = f"{prefix}{n // 5 + 1:02d}{2 * (n % 5) + (1 if is_male else 0)}"
            if first17 not in self._used:
                self._used.add(first17)
                return first17 + check_character(first17)
        raise RuntimeError(f"no free ID sequence for {born}")
