from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Ankang's 在线 / 一线 / 热线 for green / yellow / red households, every N days (admins change them).
DEFAULT_RHYTHMS = [("green", "online", 30), ("yellow", "door", 14), ("red", "hotline", 7)]


def ensure_colour_rhythms(sender, using="default", **kwargs):
    """A contact rhythm for every colour, restored after every migrate (and flush); an admin's
    changes are kept."""
    from .models import ColourRhythm

    existing = set(ColourRhythm.objects.using(using).values_list("colour", flat=True))
    ColourRhythm.objects.using(using).bulk_create(
        [ColourRhythm(colour=c, mode=m, every_days=n) for c, m, n in DEFAULT_RHYTHMS if c not in existing]
    )


class CareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "care"
    verbose_name = _("关爱与守护")

    def ready(self):
        post_migrate.connect(ensure_colour_rhythms, sender=self, dispatch_uid="care.ensure_colour_rhythms")
