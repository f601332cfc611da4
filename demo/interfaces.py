"""The demo county's open interfaces (settings.DEMO_EXTENSIONS; `manage.py seed_demo`): the
categories other systems and citizens' apps may report as Open311 services, one with a question
of its own. No API key is made here — a key is shown only once, when an admin makes it on the
console (接口密钥; docs/integration.md)."""

from collections.abc import Callable

from django.db import transaction

from demo.grids import COUNTY_CODE
from grids.models import Area
from incidents.models import Category
from interfaces.models import PublicService, ServiceAttribute, Submission, WebhookDelivery

# (category code, description, keywords, group)
SERVICES = [
    ("HJ01", "道路上堆放建筑材料、杂物，影响通行", "占道,堆物", "市容环境"),
    ("HJ02", "垃圾乱堆乱倒、无人清运", "垃圾,清运", "市容环境"),
    ("XF02", "楼道、门厅内停放或充电的电动车", "电动车,充电", "消防安全"),
    ("DL02", "路灯不亮、灯杆损坏", "路灯", "道路设施"),
    ("DL03", "路面坑洼、破损", "道路,坑洼", "道路设施"),
]
SIZE_CHOICES = [["small", "一车以内"], ["large", "一车以上"]]


def seed_demo(*, county: Area, seed: int, scale: float = 1.0, log: Callable[[str], None] = lambda m: None) -> dict:
    with transaction.atomic():
        for code, description, keywords, group in SERVICES:
            PublicService.objects.update_or_create(
                category=Category.objects.get(code=code),
                defaults={"description": description, "keywords": keywords, "group": group, "is_active": True},
            )
        ServiceAttribute.objects.update_or_create(
            service=PublicService.objects.get(category__code="HJ02"),
            code="size",
            defaults={"description": "垃圾大约有多少", "datatype": "singlevaluelist", "required": True,
                      "values": SIZE_CHOICES},
        )
    log(f"开放接口：{len(SERVICES)} 项公开服务")
    return {"services": len(SERVICES)}


def reset_demo() -> None:
    """Before the incidents demo is reset: the reports other systems made on the county's cases,
    the webhook deliveries of its cases' events (with their log), and the services offered on its
    categories."""
    with transaction.atomic():
        WebhookDelivery.objects.filter(case__county__code=COUNTY_CODE).delete()
        Submission.objects.filter(case__county__code=COUNTY_CODE).delete()
        PublicService.objects.all().delete()
