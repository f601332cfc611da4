from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_configuration(sender, using="default", apps=None, **kwargs):
    """The default indicator sets, rating rules, stability indicators and colour bands
    (oversight/defaults.py), after every migrate (and flush) where a set is empty."""
    from . import defaults

    if apps is not None and "oversight" not in {m._meta.app_label for m in apps.get_models()}:
        return  # migrated back to zero: no tables

    defaults.install(using)


class OversightConfig(AppConfig):
    """County-wide oversight: the wall-screen dashboard, the grid map, safe-area assessment and
    the stability index. Reads the other apps' records; owns only its own ratings and indices."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("全域监管")

    def ready(self):
        post_migrate.connect(ensure_configuration, sender=self, dispatch_uid="oversight.ensure_configuration")
