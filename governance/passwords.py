"""The password policy beyond Django's validators (settings.AUTH_PASSWORD_VALIDATORS): at least
12 characters, not like the user's name, not a common password, not all digits — and characters
of at least three kinds (lower-case letters, upper-case letters, digits, other symbols), the
usual rule for government systems (等保 2.0 "口令复杂度")."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = (
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum()),
)


class CharacterKindsValidator:
    def __init__(self, minimum_kinds: int = 3):
        self.minimum_kinds = minimum_kinds

    def validate(self, password, user=None):
        kinds = sum(any(test(c) for c in password) for _name, test in KINDS)
        if kinds < self.minimum_kinds:
            raise ValidationError(self._sentence(), code="password_too_simple")

    def get_help_text(self):
        return self._sentence()

    def _sentence(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(kinds)d 种。") % {"kinds": self.minimum_kinds}
