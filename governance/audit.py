"""The audit record: an append-only event row for every state change of a case, claim or
rating. Concrete event tables inherit `EventBase`; PostgreSQL refuses UPDATE, DELETE and TRUNCATE
on them by trigger (`append_only()`), and the application's database role holds neither UPDATE,
DELETE nor TRUNCATE on them nor owns them, so it can neither rewrite history nor switch the
triggers off (docs/security.md, `manage.py db_app_role`).

The triggers are django-pgtrigger's, compiled without its `pgtrigger.ignore` escape hatch (a
setting any role may change in its own session)."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pgtrigger import compiler


class RefusalSql(compiler.UpsertTriggerSql):
    """pgtrigger's installation template minus the `pgtrigger.ignore` check."""

    def get_template(self) -> str:
        return """
            CREATE OR REPLACE FUNCTION {pgid}()
            RETURNS TRIGGER AS $$
                {declare}
                BEGIN
                    {func}
                END;
            $$ LANGUAGE plpgsql;

            DROP TRIGGER IF EXISTS {pgid} ON {table};
            CREATE {constraint} TRIGGER {pgid}
                {when} {operation} ON {table}
                {timing}
                {referencing}
                FOR EACH {level} {condition}
                EXECUTE PROCEDURE {execute};

            COMMENT ON TRIGGER {pgid} ON {table} IS '{hash}';
        """


class Refuse(pgtrigger.Trigger):
    """Raise for every row (or statement) the operation touches; `allow_once` names a nullable column
    that may be filled in once (an attachment linked to its event afterwards), nothing else changing."""

    when = pgtrigger.Before

    def __init__(self, *, allow_once: str = "", **kwargs):
        self.allow_once = allow_once
        super().__init__(**kwargs)

    def get_func(self, model):
        refuse = "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';"
        if not self.allow_once:
            return refuse
        column = model._meta.get_field(self.allow_once).column
        others = [f.column for f in model._meta.concrete_fields if f.column != column]
        old = ", ".join(f'OLD."{c}"' for c in others)
        new = ", ".join(f'NEW."{c}"' for c in others)
        return f"""
            IF TG_OP = 'UPDATE' AND OLD."{column}" IS NULL AND ({old}) IS NOT DISTINCT FROM ({new}) THEN
                RETURN NEW;
            END IF;
            {refuse}"""

    def compile(self, model):
        compiled = super().compile(model)
        kwargs = compiled.sql.kwargs
        return compiler.Trigger(name=self.name, sql=RefusalSql(**kwargs))


def append_only(allow_once: str = "") -> list[pgtrigger.Trigger]:
    """The triggers of an append-only table: no row changed or deleted, no TRUNCATE."""
    return [
        Refuse(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete, allow_once=allow_once),
        Refuse(name="no_truncate", operation=pgtrigger.Truncate, level=pgtrigger.Statement),
    ]


def append_only_tables() -> list[tuple[str, str]]:
    """(table, column that may be filled once or "") of every model with the append-only triggers."""
    from django.apps import apps

    tables = []
    for model in apps.get_models():
        for trigger in getattr(model._meta, "triggers", []):
            if isinstance(trigger, Refuse) and trigger.name == "append_only":
                column = model._meta.get_field(trigger.allow_once).column if trigger.allow_once else ""
                tables.append((model._meta.db_table, column))
    return sorted(tables)


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
        triggers = append_only()

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
