from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

KEY_PERSON_TAGS = [
    ("correction", "社区矫正对象"),
    ("mental", "严重精神障碍患者"),
    ("elderly_alone", "孤寡老人"),
    ("disabled", "残疾人"),
    ("left_behind_child", "留守儿童"),
]


def ensure_key_person_tags(sender, using="default", **kwargs):
    """The key-person tags the code knows, restored after every migrate (and flush)."""
    from .models import KeyPersonTag

    existing = set(KeyPersonTag.objects.using(using).values_list("code", flat=True))
    KeyPersonTag.objects.using(using).bulk_create(
        [KeyPersonTag(code=code, name=name) for code, name in KEY_PERSON_TAGS if code not in existing]
    )


class GridsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grids"
    verbose_name = _("网格与人房")

    def ready(self):
        post_migrate.connect(ensure_key_person_tags, sender=self, dispatch_uid="grids.ensure_key_person_tags")
