import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
def test_home_requires_sign_in_and_lists_the_users_pages(client):
    assert client.get("/").status_code == 302
    user = UserFactory(username="wang", full_name="王五")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "欢迎，王五" in page and "接口文档" in page and "后台管理" not in page  # admin link only for admins


@pytest.mark.django_db
def test_login_page_is_chinese_and_static_assets_are_local(client):
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page and "/static/vendor/bootstrap/" in page
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page
