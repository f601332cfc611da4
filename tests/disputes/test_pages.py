"""The pages and the API as a user uses them: the case page's mediation panel and opening a
mediation from it, the mediation page's actions (400 with the form kept on bad input), the
printable agreement and reply, the lists with their query counts at two sizes of data, and
404 outside one's areas."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes import petitions, services
from disputes.models import Mediation

from .test_petitions import file


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _agreed(d):
    m = d.open()
    services.record_session(
        mediation_id=m.pk,
        actor=d.village_head,
        held_on=timezone.localdate(),
        attendees="双方",
        notes="调解",
        mediator_ids=[d.elder.pk],
    )
    return services.agree(mediation_id=m.pk, actor=d.village_head, agreement_text="以原界桩为界")[0]


def test_case_page_panel_opens_a_mediation(disputes, client):
    d = disputes
    case = d.case()
    client.force_login(d.village_head)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and "受理调解" in page.content.decode()
    response = client.post(
        f"/disputes/cases/{case.pk}/mediate/",
        {
            "body": d.village_body.pk,
            "mediators": [d.elder.pk],
            "matter": "宅基地",
            "difficulty": "ordinary",
            "party_name": ["张三", "李四"],
            "party_side": ["applicant", "respondent"],
            "party_phone": ["", ""],
        },
    )
    m = Mediation.objects.get(case=case)
    assert response.status_code == 302 and response.url == f"/disputes/mediations/{m.pk}/"
    assert m.number in client.get(f"/cases/{case.pk}/").content.decode()
    # bad input (no party) goes back to the case page with the reason, nothing written
    other = d.case()
    response = client.post(
        f"/disputes/cases/{other.pk}/mediate/", {"body": d.village_body.pk, "mediators": [d.elder.pk], "matter": "x"}
    )
    assert response.status_code == 302 and not Mediation.objects.filter(case=other).exists()


def test_non_dispute_case_has_no_panel(disputes, client):
    d = disputes
    case = d.case(category="HJ01", handled=False)
    client.force_login(d.operator)
    assert "disputes-panel" not in client.get(f"/cases/{case.pk}/").content.decode()


def test_mediation_page_actions_and_print(disputes, client):
    d = disputes
    m = d.open()
    client.force_login(d.village_head)
    assert client.get(f"/disputes/mediations/{m.pk}/").status_code == 200
    bad = client.post(f"/disputes/mediations/{m.pk}/act/session/", {"version": m.version, "held_on": "", "notes": ""})
    assert bad.status_code == 400 and "调解日期" in bad.content.decode()
    ok = client.post(
        f"/disputes/mediations/{m.pk}/act/session/",
        {
            "version": m.version,
            "held_on": timezone.localdate().isoformat(),
            "attendees": "双方",
            "notes": "调解",
            "mediators": [d.elder.pk],
        },
    )
    assert ok.status_code == 302
    empty = client.post(  # optional fields left empty, including the empty file field
        f"/disputes/mediations/{m.pk}/act/agree/", {"agreement_text": "", "agreement_file": "", "note": ""}
    )
    assert empty.status_code == 400 and "请填写协议内容或上传协议扫描件" in empty.content.decode()
    assert client.get(f"/disputes/mediations/{m.pk}/agreement/").status_code == 404  # not agreed yet
    client.post(f"/disputes/mediations/{m.pk}/act/agree/", {"agreement_text": "李四拆除院墙", "agreement_file": ""})
    printed = client.get(f"/disputes/mediations/{m.pk}/agreement/")
    assert printed.status_code == 200 and "人民调解协议书" in printed.content.decode()
    assert "李四拆除院墙" in printed.content.decode()


def test_out_of_scope_is_404(disputes, client, as_user):
    d = disputes
    m = _agreed(d)
    p = file(d)
    client.force_login(d.officer_b)
    for url in (
        f"/disputes/mediations/{m.pk}/",
        f"/disputes/mediations/{m.pk}/agreement/",
        f"/disputes/petitions/{p.pk}/",
        f"/api/v1/disputes/mediations/{m.pk}/",
        f"/api/v1/disputes/petitions/{p.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/disputes/mediations/{m.pk}/act/comment/", {"note": "x"}).status_code == 404
    response = as_user(d.officer_b).post(f"/api/v1/disputes/petitions/{p.pk}/reply/", {"reply_text": "x"})
    assert response.status_code == 404
    assert as_user(d.officer_b).get(f"/api/v1/disputes/figures/?area={d.world.a.pk}").status_code == 404


def test_api_flow_and_errors(disputes, as_user):
    d = disputes
    case = d.case()
    api = as_user(d.village_head)
    bad = api.post("/api/v1/disputes/mediations/", {"case": case.pk}, format="json")
    assert bad.status_code == 400 and "body" in bad.json()
    created = api.post(
        "/api/v1/disputes/mediations/",
        {
            "case": case.pk,
            "body": d.village_body.pk,
            "mediators": [d.elder.pk],
            "matter": "宅基地",
            "parties": [{"name": "张三"}, {"name": "李四", "side": "respondent"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [a["action"] for a in body["actions"]][:2] == ["session", "refer"]
    stale = api.post(f"/api/v1/disputes/mediations/{body['id']}/fail/", {"version": body["version"] + 1, "note": "x"})
    assert stale.status_code == 409
    bad = as_user(d.operator).post("/api/v1/disputes/petitions/", {"channel": "fax", "petitioners": []}, format="json")
    assert bad.status_code == 400 and {"channel", "category", "petitioners"} <= set(bad.json())
    p = as_user(d.operator).post(
        "/api/v1/disputes/petitions/",
        {
            "channel": "online",
            "category": case.category_id,
            "description": "信访",
            "grid": case.grid_id,
            "petitioners": [{"name": "赵大", "phone": "13900000009"}],
        },
        format="json",
    )
    assert p.status_code == 201 and p.json()["is_repeat"] is False


def test_list_query_counts_do_not_grow(disputes, client):
    d = disputes

    def add(n):
        for _ in range(n):
            m = _agreed(d)
            pt = file(d, owner=d.officer_a)
            petitions.reply(petition_id=pt.pk, actor=d.officer_a, reply_text="答复")
        return m, pt

    m, pt = add(1)
    client.force_login(d.officer_a)
    urls = [
        "/disputes/",
        "/disputes/mediations/",
        "/disputes/petitions/",
        "/disputes/petitions/mine/",
        "/disputes/petitions/backlog/",
        "/disputes/subsidies/",
        "/disputes/figures/",
        "/api/v1/disputes/mediations/",
        "/api/v1/disputes/petitions/",
        "/api/v1/disputes/statements/",
        "/api/v1/disputes/figures/",
    ]
    one = {url: queries(client, url) for url in urls}
    add(3)
    three = {url: queries(client, url) for url in urls}
    assert three == one
    assert queries(client, f"/disputes/mediations/{m.pk}/") <= 20
    assert queries(client, f"/disputes/petitions/{pt.pk}/reply/") <= 12


def test_petition_case_page_shows_its_petition_and_repeat(disputes, client):
    d = disputes
    first = file(d, owner=d.leader)
    repeat = file(d)
    client.force_login(d.officer_a)
    page = client.get(f"/cases/{repeat.case_id}/").content.decode()
    assert 'id="disputes-panel"' in page and "重复信访" in page
    assert f"/disputes/petitions/{first.pk}/" in page
    new = client.post(
        "/disputes/petitions/new/",
        {
            "channel": "visit",
            "category": first.category_id,
            "description": "反映承包地问题",
            "petitioner_name": ["钱二"],
            "petitioner_id": [""],
            "petitioner_phone": [""],
            "grid": str(first.grid_id),
        },
    )
    assert new.status_code == 400 and "请填写信访人的身份证号或电话" in new.content.decode()
