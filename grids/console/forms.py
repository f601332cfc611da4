"""Forms of the grids console. They parse only; the services check the rules and write."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from governance.console import ConsoleForm
from governance.roles import Role

from ..models import Area
from ..scoping import MANAGE_ASSIGNMENTS
from ..services import can_hold
from ..transfer import columns as C


class ScopedAreaCodeField(forms.CharField):
    """An area by its code, among the areas on which the acting user (`user`, set by the form)
    holds `perm` (by default: manages assignments)."""

    def __init__(self, *args, perm: str = MANAGE_ASSIGNMENTS, **kwargs):
        kwargs.setdefault("max_length", 17)
        super().__init__(*args, **kwargs)
        self.user, self.perm = None, perm

    def clean(self, value):
        code = super().clean(value).strip()
        area = Area.objects.restrict(self.user, self.perm).filter(code=code).defer("boundary").first()
        if area is None:
            raise forms.ValidationError(_("区划代码 %(code)s 不存在或不在您的管理范围内。") % {"code": code})
        return area


class UsernameField(forms.CharField):
    """An active account by its username."""

    def clean(self, value):
        username = super().clean(value).strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("用户“%(username)s”不存在或已停用。") % {"username": username})
        return user


class AssignForm(ConsoleForm):
    """Put a person on the area (the area page) — or, with `area_code`, on any area (a person's page)."""

    user = UsernameField(label=_("用户名"), max_length=150)
    area = ScopedAreaCodeField(label=_("区划代码"))
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    start_date = forms.DateField(label=_("开始日期"), required=False, help_text=_("默认今天"))

    def __init__(self, *args, actor, area=None, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].user = actor
        if area is not None:  # the area page: the area is given, its level narrows the roles
            del self.fields["area"]
            self.fields["role"].choices = [(r, label) for r, label in Role.choices if can_hold(r, area.level)]
            if area.level in ("grid", "micro_grid"):
                self.fields["role"].initial = Role.GRID_WORKER
        if person is not None:  # a person's page: the person is given
            del self.fields["user"]


class EndForm(ConsoleForm):
    end_date = forms.DateField(label=_("结束日期"), required=False, help_text=_("当天起不再负责；默认今天"))
    reason = forms.CharField(label=_("结束原因"), max_length=200, required=False)


class TransferForm(ConsoleForm):
    to_area = ScopedAreaCodeField(label=_("调往区域（区划代码）"))
    on = forms.DateField(label=_("调整日期"), required=False, help_text=_("默认今天"))
    reason = forms.CharField(label=_("调整原因"), max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_area"].user = actor


class PersonForm(ConsoleForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("至少 12 位；留空则由管理员稍后设置"),
    )


class ImportForm(ConsoleForm):
    kind = forms.ChoiceField(
        label=_("导入内容"),
        choices=[(C.AREAS, _("区划")), (C.ASSIGNMENTS, _("人员分配")), (C.HOUSEHOLDS, _("住户"))],
    )
    file = forms.FileField(label=_("文件（CSV 或 XLSX）"))
    dry_run = forms.BooleanField(label=_("试运行（只校验，不写入）"), required=False, initial=True)


class RenameAreaForm(ConsoleForm):
    """更正名称 (platform admins): the right name and where it comes from."""

    name = forms.CharField(label=_("新名称"), max_length=100)
    reason = forms.CharField(label=_("依据"), max_length=200, help_text=_("如：民政部全国行政区划信息查询平台"))
