"""Install the default indicator sets, rating rules, stability indicators and colour bands
(oversight/defaults.py). Reversible: the reverse removes the configuration rows nothing uses."""

from django.db import migrations


def install(apps, schema_editor):
    from oversight import defaults

    defaults.install(
        Indicator=apps.get_model("oversight", "Indicator"),
        RatingRule=apps.get_model("oversight", "RatingRule"),
        StabilityIndicator=apps.get_model("oversight", "StabilityIndicator"),
        ColourBand=apps.get_model("oversight", "ColourBand"),
    )


def remove(apps, schema_editor):
    apps.get_model("oversight", "Indicator").objects.filter(evidence__isnull=True).delete()
    for name in ("RatingRule", "StabilityIndicator", "ColourBand"):
        apps.get_model("oversight", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_assessment_and_stability")]

    operations = [migrations.RunPython(install, remove)]
