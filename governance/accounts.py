"""Accounts: the one way a sign-in account is created (the people API, imports, commands).

Knows nothing of areas: what a person may do comes from their assignments (`grids.services`).
"""

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .phones import normalize_phone


def _username_taken(username: str) -> ValidationError:
    return ValidationError({"username": _("用户名“%(username)s”已被使用。") % {"username": username}})


def check_username(username: str) -> str:
    """The username as stored (trimmed, Unicode-normalised); ValidationError({"username": …}) if its
    form is wrong (empty, too long, characters other than letters, digits and @.+-_). Uniqueness is
    not checked here: `create_user` does it."""
    User = get_user_model()
    username = User.normalize_username((username or "").strip())
    if not username:
        raise ValidationError({"username": _("用户名不能为空。")})
    try:
        User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from None
    return username


@transaction.atomic
def create_user(*, username: str, full_name: str, phone: str = "", password: str | None = None):
    """Create an account. The phone is stored as E.164; the password must pass the project's
    validators (`AUTH_PASSWORD_VALIDATORS`); `password=None` gives an unusable password (an admin
    sets one later). Every problem is reported at once, as ValidationError({field: [messages]})."""
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    try:
        username = check_username(username)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
            errors.update(_username_taken(username).message_dict)
    full_name = (full_name or "").strip()
    try:
        User._meta.get_field("full_name").run_validators(full_name)
    except ValidationError as exc:
        errors["full_name"] = exc.messages
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if password is not None:
        candidate = User(**{User.USERNAME_FIELD: username}, full_name=full_name, phone=phone)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return User._default_manager.create_user(
                username=username, password=password, full_name=full_name, phone=phone
            )
    except IntegrityError:  # created by a concurrent request since the check above
        raise _username_taken(username) from None
