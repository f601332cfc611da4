"""The audit record: an append-only event row for every state change of a case, claim or
rating. Concrete event tables inherit `EventBase`; PostgreSQL refuses UPDATE and DELETE on them
(a pgtrigger Protect trigger), so not even a raw query can rewrite history."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventBase(models.Model):
    action = models.CharField(_("操作"), max_length=32)
    action_label = models.CharField(_("操作名称"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
        help_text=_("空表示系统自动操作"),
    )
    actor_role = models.CharField(_("操作人角色"), max_length=32, blank=True)
    actor_unit = models.CharField(_("操作人单位"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    # The concrete table's foreign key to the row whose history it is ("case", "claim" …).
    subject_field = ""

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    @classmethod
    def record(
        cls, subject, *, action, label, from_state, actor, note="", data=None, actor_role="", actor_unit="", **fields
    ):
        """Write one event row of `subject`, whose current status is the new state."""
        return cls.objects.create(
            **{cls.subject_field: subject},
            action=action,
            action_label=str(label),
            from_state=from_state,
            to_state=subject.status,
            actor=actor,
            actor_role=actor_role,
            actor_unit=actor_unit,
            note=note,
            data=data or {},
            **fields,
        )

    @classmethod
    def of_transition(cls, subject, transition, from_state, note, *, actor, **fields):
        """`record` for a workflow transition: what `governance.workflow.perform`'s `record` writes."""
        return cls.record(
            subject, action=transition.action, label=transition.label, from_state=from_state, actor=actor, note=note,
            **fields,
        )
