from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """County-wide oversight: the wall-screen dashboard, the grid map, safe-area assessment and
    the stability index. Reads the other apps' records; owns only its own ratings and indices."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("全域监管")
