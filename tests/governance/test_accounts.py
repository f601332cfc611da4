"""governance.accounts.create_user: the one way an account is made (people API, assignment import)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from governance import accounts
from governance.models import User


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def refused(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        accounts.create_user(**kwargs)
    return exc.value.message_dict


@pytest.mark.django_db
def test_creates_an_account_with_a_normalised_phone_and_the_password():
    user = accounts.create_user(
        username="wangwu", full_name=" 王五 ", phone="138 1234 5678", password="Grid-worker-2025!"
    )
    user.refresh_from_db()
    assert (user.username, user.full_name, user.phone) == ("wangwu", "王五", "+8613812345678")
    assert user.check_password("Grid-worker-2025!") and user.is_active and not user.is_staff


@pytest.mark.django_db
def test_no_password_gives_an_unusable_one():
    user = accounts.create_user(username="wangwu", full_name="王五")
    user.refresh_from_db()
    assert user.has_usable_password() is False and user.phone == ""


@pytest.mark.django_db
def test_username_must_be_unique():
    accounts.create_user(username="wangwu", full_name="王五")
    errors = refused(username="wangwu", full_name="另一个王五", password="Grid-worker-2025!")
    assert list(errors) == ["username"]
    assert is_chinese(errors["username"][0]) and "wangwu" in errors["username"][0]
    assert User.objects.filter(username="wangwu").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username,password,hint",
    [
        ("wangwu", "short", "12"),  # MinimumLengthValidator: Django's zh-Hans lacks this msgid, ours has it
        ("wangwu", "123456789012345", "数字"),
        ("wangwu", "password123456", "常见"),
        ("grid-worker-wangwu", "gridworkerwangwu", "相似"),
    ],
)
def test_password_is_checked_by_the_validators_in_chinese(username, password, hint):
    errors = refused(username=username, full_name="王五", password=password)
    assert list(errors) == ["password"]
    assert all(is_chinese(m) for m in errors["password"]), errors
    assert any(hint in m for m in errors["password"]), errors
    assert not User.objects.filter(username=username).exists()


@pytest.mark.django_db
def test_every_problem_is_reported_at_once():
    errors = refused(username="bad name!", full_name="王" * 51, phone="12345", password="short")
    assert set(errors) == {"username", "full_name", "phone", "password"}
    assert all(is_chinese(m) for messages in errors.values() for m in messages), errors
    assert refused(username="  ", full_name="王五")["username"] == ["用户名不能为空。"]
    assert not User.objects.exists()


def test_check_username_refuses_bad_forms_without_the_database():
    assert accounts.check_username("wang.wu@xx") == "wang.wu@xx"
    for bad in ("", "bad name!", "x" * 151):
        with pytest.raises(ValidationError) as exc:
            accounts.check_username(bad)
        assert list(exc.value.message_dict) == ["username"]

