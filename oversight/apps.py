from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_default_configuration(sender, **kwargs):
    """The default indicator sets, rating rules and colour bands (oversight/defaults.py): installed by
    migration 0002 and restored after every migrate and flush (a transactional test flushes the
    database), adding only what is missing."""
    from . import defaults
    from .models import ColourBand, Indicator, RatingRule, StabilityIndicator

    defaults.install(
        Indicator=Indicator, RatingRule=RatingRule, StabilityIndicator=StabilityIndicator, ColourBand=ColourBand
    )


class OversightConfig(AppConfig):
    """County-wide oversight: the wall-screen dashboard, the grid map, safe-area assessment and
    the stability index. Reads the other apps' records; owns only its own ratings and indices."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("全域监管")

    def ready(self):
        post_migrate.connect(
            ensure_default_configuration, sender=self, dispatch_uid="oversight.ensure_default_configuration"
        )
