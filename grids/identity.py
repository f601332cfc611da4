"""Resident ID numbers (GB 11643): validation, protected storage, masking. (Phone numbers are in
`governance.phones`.)

ID numbers are stored encrypted (Fernet) next to a keyed hash (HMAC-SHA256) so an exact-match
search works without the number being readable in a database dump. Keys come from
settings.IDENTITY_KEY through HKDF, one for each use.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# Province-level prefixes of GB/T 2260, plus Taiwan (71), Hong Kong (81) and Macao (82).
_PROVINCES = {
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    41,
    42,
    43,
    44,
    45,
    46,
    50,
    51,
    52,
    53,
    54,
    61,
    62,
    63,
    64,
    65,
    71,
    81,
    82,
}


@dataclass
class IdNumber:
    """A checked 18-character ID number with what it tells and what deserves a second look."""

    value: str
    birth_date: date
    is_male: bool
    is_foreigner: bool
    warnings: list[str] = field(default_factory=list)


def check_character(first17: str) -> str:
    return _CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str) -> IdNumber:
    """Validate an ID number; convert a legacy 15-digit one. Raise ValidationError if invalid.

    An address code unknown to the current division table is only a warning: people keep the
    numbers of abolished counties.
    """
    number = (raw or "").strip().upper()
    if len(number) == 15 and number.isdigit():
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_character(first17)
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise ValidationError(_("身份证号必须是 18 位（前 17 位为数字，末位为数字或 X），或 15 位旧号码。"))
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位错误，请核对。"))
    is_foreigner = number[0] == "9"
    if not is_foreigner and int(number[:2]) not in _PROVINCES:
        raise ValidationError(_("身份证号的省份代码 %(code)s 无效。") % {"code": number[:2]})
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期不存在。")) from None
    if birth.year < 1880 or birth > timezone.localdate():
        raise ValidationError(_("身份证号中的出生日期不合理。"))
    warnings = []
    if not is_foreigner and not _place_known(number[:6], number[6:10]):
        warnings.append(_("地址码 %(code)s 不在现行区划表中（可能是已撤销的县），请核对。") % {"code": number[:6]})
    return IdNumber(number, birth, int(number[16]) % 2 == 1, is_foreigner, warnings)


@lru_cache(maxsize=16384)
def _place_known(address_code: str, year: str) -> bool:
    """Whether the division table knows the address code in the birth year (python-stdnum's
    lookup, which costs more than everything else here: cached, as it depends on nothing else)."""
    try:
        ric.get_birth_place(f"{address_code}{year}01010000")
    except StdnumError:
        return False
    return True


def mask_id_number(number: str) -> str:
    """The address code and the last four characters; the hidden eight are the birth date, so a
    response that shows a masked number must never show the birth date (see `age_band`)."""
    return number[:6] + "*" * 8 + number[-4:] if number else ""


# Upper bounds (exclusive) of the age bands shown instead of a birth date.
AGE_BANDS = (18, 30, 40, 50, 60, 70, 80)


def age_band(birth: date | None, on: date | None = None) -> str:
    """An age band ("30–39岁") for someone born on `birth`: what a role without view_identity sees.
    Ten years of birth dates (about 330 candidates after the check character) stay behind a mask."""
    if birth is None:
        return ""
    on = on or timezone.localdate()
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    low = 0
    for high in AGE_BANDS:
        if age < high:
            return _("未满18岁") if low == 0 else _("%(low)d–%(high)d岁") % {"low": low, "high": high - 1}
        low = high
    return _("%(low)d岁及以上") % {"low": low}


@lru_cache(maxsize=4)
def _keys(identity_key: str) -> tuple[Fernet, bytes]:
    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(identity_key.encode())

    return Fernet(base64.urlsafe_b64encode(derive(b"id-number-encryption"))), derive(b"id-number-lookup")


def encrypt_id_number(number: str) -> str:
    return _keys(settings.IDENTITY_KEY)[0].encrypt(number.encode()).decode()


def decrypt_id_number(token: str) -> str:
    return _keys(settings.IDENTITY_KEY)[0].decrypt(token.encode()).decode() if token else ""


def id_number_digest(number: str) -> str:
    """The keyed hash used for exact-match lookups (normalise with parse_id_number first)."""
    return hmac.new(_keys(settings.IDENTITY_KEY)[1], number.encode(), hashlib.sha256).hexdigest()
