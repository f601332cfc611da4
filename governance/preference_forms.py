"""The form of the notification preferences page (通知设置)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import channels
from .models import QuietMode

TIME = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")


class PreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_lazy("站内通知之外，还通过"), required=False, widget=forms.CheckboxSelectMultiple
    )
    quiet_from = forms.TimeField(label=_lazy("安静时段从"), required=False, widget=TIME)
    quiet_until = forms.TimeField(label=_lazy("到"), required=False, widget=TIME)
    quiet_mode = forms.ChoiceField(label=_lazy("安静时段内的非紧急通知"), choices=QuietMode.choices,
                                   widget=forms.RadioSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.available = channels.configured()
        self.fields["channels"].choices = [(key, c.label) for key, c in self.available.items()]

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_from"), data.get("quiet_until")
        if (start is None) != (end is None):
            self.add_error("quiet_until" if end is None else "quiet_from", _("请同时填写安静时段的开始和结束时间。"))
        elif start is not None and start == end:
            self.add_error("quiet_until", _("结束时间不能与开始时间相同。"))
        for key in data.get("channels", []):
            if not self.available[key].address(self.user):
                what = _("邮箱") if key == "email" else _("手机号")
                self.add_error(
                    "channels",
                    _("您的账号没有登记%(what)s，无法通过「%(channel)s」接收，请联系管理员登记。")
                    % {"what": what, "channel": self.available[key].label},
                )
        return data
