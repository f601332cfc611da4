"""The forms of the console's interface pages. They parse only; `interfaces.services` checks and writes."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.console import ConsoleForm
from grids.models import Area
from grids.scoping import VIEW
from incidents.constants import Source
from incidents.events import KINDS

from ..constants import DEFAULT_RATE_PER_MINUTE, DeliveryStatus, KeyScope
from ..models import ApiKey, Subscription

SYSTEM_SOURCES = [(s.value, s.label) for s in (Source.HOTLINE, Source.VIDEO, Source.CITIZEN, Source.OPEN_API)]
AREA_CODES_HELP = _("区划代码，含下级；多个用逗号或空格分隔")


class AreaCodes:
    """An `areas` field of administrative codes, each an area the admin may see."""

    def clean_areas(self):
        codes = [c for c in re.split(r"[\s,，]+", self.cleaned_data["areas"]) if c]
        found = {a.code: a for a in Area.objects.restrict(self.actor, VIEW).filter(code__in=codes).defer("boundary")}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("区划代码 %(codes)s 不存在或不在您的管理范围内。") % {"codes": "、".join(missing)}
            )
        return list(found.values())


class KeyForm(AreaCodes, ConsoleForm):
    name = forms.CharField(label=_("系统名称"), max_length=100)
    source = forms.ChoiceField(label=_("报来事件的来源"), choices=SYSTEM_SOURCES, initial=Source.OPEN_API)
    scopes = forms.MultipleChoiceField(label=_("可调用的接口"), choices=KeyScope.choices)
    areas = forms.CharField(label=_("可访问的区域"), max_length=500, help_text=AREA_CODES_HELP)
    rate_per_minute = forms.IntegerField(
        label=_("每分钟请求上限"), min_value=1, max_value=6000, initial=DEFAULT_RATE_PER_MINUTE
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor


DEFAULT_KINDS = ["report", "register", "dispatch", "dispose", "close"]


class SubscriptionForm(AreaCodes, ConsoleForm):
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("接收推送的系统，如“市社会治理平台”"))
    target_url = forms.CharField(label=_("推送地址"), max_length=500, help_text=_("http 或 https 地址"))
    secret = forms.CharField(
        label=_("签名密钥"),
        max_length=128,
        required=False,
        help_text=_("对方给定的密钥，16–128 个字符；留空则由平台生成"),
    )
    kinds = forms.MultipleChoiceField(label=_("事件类型"), choices=KINDS, initial=DEFAULT_KINDS)
    areas = forms.CharField(label=_("区域"), max_length=500, help_text=AREA_CODES_HELP)
    key = forms.ModelChoiceField(
        label=_("所属接口密钥"),
        queryset=ApiKey.objects.filter(revoked_at__isnull=True).order_by("name"),
        required=False,
        empty_label=_("（无）"),
        help_text=_("可选；密钥吊销后其订阅停止推送"),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["kinds"].widget.attrs["size"] = 8


class DeliveryFilter(forms.Form):
    """The filters of the delivery list (GET); a value that is not a choice is a 400."""

    subscription = forms.ModelChoiceField(
        label=_("订阅"), queryset=Subscription.objects.order_by("name"), required=False, empty_label=_("全部订阅")
    )
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态"))] + DeliveryStatus.choices, required=False)
    kind = forms.ChoiceField(label=_("事件类型"), choices=[("", _("全部事件"))] + KINDS, required=False)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
