"""Administrative codes of area nodes (GB/T 2260 county code + statistical codes).

city 4 digits (the prefecture's prefix of its GB/T 2260 code: 商丘市 4114 for 411400, as a
county is the 6-digit prefix of its 12-digit statistical code 411425000000); county 6 digits
(under a city: the city's code + 2); township 9 (county + 3); village 12 (township + 3);
base grid = village code + 3-digit sequence (15); micro-grid = grid code + 2 digits (17).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .levels import AreaLevel

CODE_LENGTH = {
    AreaLevel.CITY: 4,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.VILLAGE: 12,
    AreaLevel.GRID: 15,
    AreaLevel.MICRO_GRID: 17,
}
# A province prefix is 11–82 (mainland, Taiwan 71, Hong Kong 81, Macao 82).
_COUNTY_RE = re.compile(r"^[1-8]\d{5}$")
_CITY_RE = re.compile(r"^[1-8]\d{3}$")


def code_regex(level: str) -> str:
    """The database-level pattern for a level's code (used in a check constraint)."""
    return rf"^[0-9]{{{CODE_LENGTH[level]}}}$"


def validate_area_code(level: str, code: str, parent_code: str | None) -> None:
    """Raise ValidationError({'code': …}) when `code` does not fit its level and parent."""
    length = CODE_LENGTH[AreaLevel(level)]
    if not code.isdigit() or len(code) != length:
        raise ValidationError(
            {"code": _("%(level)s代码必须是 %(n)d 位数字。") % {"level": AreaLevel(level).label, "n": length}}
        )
    if level == AreaLevel.CITY:
        if not _CITY_RE.match(code) or code.endswith("00"):
            raise ValidationError({"code": _("市级代码不是有效的 GB/T 2260 地级市代码（前 4 位）。")})
        return
    if level == AreaLevel.COUNTY:
        if not _COUNTY_RE.match(code) or code.endswith("00"):
            raise ValidationError({"code": _("县级代码不是有效的 GB/T 2260 区县代码。")})
        if parent_code is not None and not code.startswith(parent_code):  # a county under its city
            raise ValidationError({"code": _("代码必须以上级区域代码 %(parent)s 开头。") % {"parent": parent_code}})
        return
    if parent_code is None or not code.startswith(parent_code):
        raise ValidationError({"code": _("代码必须以上级区域代码 %(parent)s 开头。") % {"parent": parent_code}})
    if code[len(parent_code) :].strip("0") == "":
        raise ValidationError({"code": _("代码的本级部分不能全为 0。")})
