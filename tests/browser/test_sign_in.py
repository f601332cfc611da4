import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_lands_on_home_with_local_assets_only(page, login):
    UserFactory(username="zhang", full_name="张三")
    login("zhang")
    assert page.url == page.base + "/"
    assert "欢迎，张三" in page.inner_text("h1")
    # Bootstrap from static/vendor styled the navbar: a real stylesheet was applied
    assert page.eval_on_selector(".navbar", "el => getComputedStyle(el).display") == "flex"
    assert page.watch.console_errors == [] and page.watch.external_requests == []


def test_wrong_password_shows_a_chinese_form_error(page, login):
    UserFactory(username="li")
    login("li", password="wrong-password-123")
    assert "/accounts/login/" in page.url
    assert "用户名" in page.inner_text(".alert-danger") or "密码" in page.inner_text(".alert-danger")
