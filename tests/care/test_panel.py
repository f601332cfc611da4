"""The dashboard's 关爱守护 panel: counts of the area shown, each linking to the list behind it."""

import datetime as dt

from care import colours, neighbours, services, volunteers
from care.constants import NeedKind
from governance.roles import Role
from grids import services as grid_services
from oversight.scope import forget_cached_figures
from tests.factories import UserFactory


def test_care_panel_counts_the_area(care, client):
    care.plan(start=dt.date.today() - dt.timedelta(days=2), every=7)  # overdue
    care.plan(care.residents[2], start=dt.date.today(), every=7, keepers=[])  # due today
    visited = care.plan(care.residents[3], start=dt.date.today(), every=7)
    services.record_visit(visitor=care.head, plan_id=visited.pk, finding="正常")  # visited today
    neighbours.pair(
        actor=care.head, helper_id=care.households[1].pk, helped_id=care.households[0].pk, need=NeedKind.ELDERLY
    )
    colours.propose(actor=care.head, household_id=care.households[0].pk, to_colour="red", reason="病重")
    volunteers.register(actor=care.worker, resident_id=care.residents[1].pk)
    operator = UserFactory(username="zhihui-care")
    grid_services.assign(user=operator, area=care.world.county, role=Role.COMMAND_OPERATOR)
    forget_cached_figures()
    client.force_login(operator)
    panels = {p["key"]: p for p in client.get("/api/v1/oversight/dashboard/").json()["panels"]}
    content = panels["care"]["content"]
    values = {f["label"]: f["value"] for f in content["figures"]}
    assert values == {"在管重点人员": 3, "今日到期走访": 1, "逾期未走访": 1, "一人四管不全": 0}
    rows = {r["label"]: r["value"] for r in content["rows"]}
    assert rows["三色变更待确认"] == 1 and rows["志愿者 / 服务小时"] == "1 / 0"
    assert rows["今日已走访"] == 1 and rows["家家帮结对 / 挨户防 / 微网格"] == "1 / 0 / 0"
    assert rows["放心户（绿）"] == 2
    other_town = {
        p["key"]: p for p in client.get("/api/v1/oversight/dashboard/", {"area": care.world.a.pk}).json()["panels"]
    }
    assert {f["label"]: f["value"] for f in other_town["care"]["content"]["figures"]}["在管重点人员"] == 0
