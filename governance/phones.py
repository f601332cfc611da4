"""Phone numbers: normalisation to E.164 and masking for people without the right to see them.

In the kernel because accounts, households and case reporters all carry phone numbers.
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(raw: str) -> str:
    """A Chinese phone number as E.164 (+86…); ValidationError if it is not a valid number."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("电话号码格式不正确。")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("电话号码无效。"))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+8613812345678 → 138****5678; other numbers keep only their last four digits."""
    if not e164:
        return ""
    national = e164[3:] if e164.startswith("+86") else e164
    if len(national) == 11:
        return national[:3] + "****" + national[-4:]
    return "*" * (len(national) - 4) + national[-4:]
