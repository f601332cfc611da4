import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
def test_home_requires_sign_in_and_lists_the_users_pages(client):
    assert client.get("/").status_code == 302
    user = UserFactory(username="wang", full_name="王五")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "欢迎，王五" in page and "接口文档" not in page and "后台管理" not in page  # API docs and admin: tech roles


@pytest.mark.django_db
def test_login_page_is_chinese_and_static_assets_are_local(client):
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page and "/static/vendor/bootstrap/" in page
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page


@pytest.mark.django_db
def test_errors_are_pages_people_can_act_on_never_a_stack_trace(client, monkeypatch):
    client.force_login(UserFactory())
    missing = client.get("/cases/999999/")
    assert missing.status_code == 404 and "没有找到您要的页面或记录" in missing.content.decode()

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("incidents.selectors.search_cases", broken)
    client.raise_request_exception = False
    crashed = client.get("/search/?q=x")
    page = crashed.content.decode()
    assert crashed.status_code == 500 and "系统暂时出了问题" in page
    assert "secret internals" not in page and "Traceback" not in page
