"""The key form of the console. It parses only; `interfaces.services` checks and writes."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.console import ConsoleForm
from grids.models import Area
from grids.scoping import VIEW
from incidents.constants import Source

from ..constants import DEFAULT_RATE_PER_MINUTE, KeyScope

SYSTEM_SOURCES = [(s.value, s.label) for s in (Source.HOTLINE, Source.VIDEO, Source.CITIZEN, Source.OPEN_API)]


class KeyForm(ConsoleForm):
    name = forms.CharField(label=_("系统名称"), max_length=100)
    source = forms.ChoiceField(label=_("报来事件的来源"), choices=SYSTEM_SOURCES, initial=Source.OPEN_API)
    scopes = forms.MultipleChoiceField(label=_("可调用的接口"), choices=KeyScope.choices)
    areas = forms.CharField(
        label=_("可访问的区域"), max_length=500, help_text=_("区划代码，含下级；多个用逗号或空格分隔")
    )
    rate_per_minute = forms.IntegerField(
        label=_("每分钟请求上限"), min_value=1, max_value=6000, initial=DEFAULT_RATE_PER_MINUTE
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_areas(self):
        codes = [c for c in re.split(r"[\s,，]+", self.cleaned_data["areas"]) if c]
        found = {a.code: a for a in Area.objects.restrict(self.actor, VIEW).filter(code__in=codes).defer("boundary")}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("区划代码 %(codes)s 不存在或不在您的管理范围内。") % {"codes": "、".join(missing)}
            )
        return list(found.values())
