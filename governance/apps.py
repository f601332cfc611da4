from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def ensure_role_groups(sender, using="default", **kwargs):
    """One group per role: rows the code defines, restored after every migrate (and flush)."""
    from django.contrib.auth.models import Group

    from .roles import Role

    existing = set(Group.objects.using(using).filter(name__in=Role.values).values_list("name", flat=True))
    Group.objects.using(using).bulk_create([Group(name=r) for r in Role.values if r not in existing])


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = _("平台内核")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished
        from django.db.models.signals import pre_save

        from . import checks, config_changes, sessions, two_factor  # noqa: F401  (checks registers the system checks)
        from .logs import forget_request_id
        from .models import CalendarDay
        from .schedules import ensure_periodic_tasks

        User = get_user_model()
        user_logged_in.connect(sessions.mark_signed_in, dispatch_uid="governance.sessions.mark_signed_in")
        user_logged_in.connect(
            two_factor.refuse_unverified_sign_in, dispatch_uid="governance.two_factor.refuse_unverified_sign_in"
        )
        pre_save.connect(sessions.remember_active, sender=User, dispatch_uid="governance.sessions.remember_active")
        post_save.connect(
            sessions.end_access_of_disabled, sender=User, dispatch_uid="governance.sessions.end_access_of_disabled"
        )
        config_changes.connect()
        request_finished.connect(forget_request_id, dispatch_uid="governance.forget_request_id")

        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="governance.ensure_role_groups")
        post_migrate.connect(ensure_periodic_tasks, sender=self, dispatch_uid="governance.ensure_periodic_tasks")
        post_save.connect(calendar_changed, sender=CalendarDay, dispatch_uid="governance.calendar_saved")
        post_delete.connect(calendar_changed, sender=CalendarDay, dispatch_uid="governance.calendar_deleted")


def calendar_changed(sender, **kwargs):
    """Every process reads the holiday calendar again once the change is committed."""
    from . import workdays

    transaction.on_commit(workdays.invalidate)
