"""Accounts: one user model for every person who signs in (staff and grid workers)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """平台用户：指挥中心、乡镇、部门人员和网格员都用同一种账号。"""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, help_text=_("E.164 格式"))

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def has_role(self, role: Role) -> bool:
        return role in self.role_names()

    def role_names(self) -> set[str]:
        """The user's roles (group names), read once per user object."""
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.role_names()
