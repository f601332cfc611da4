"""Kept for history: this migration once installed the default configuration. The defaults
(oversight/defaults.py) are now installed by oversight/apps.py after every migrate and after a
test database's flush, wherever a set is empty, so this step does nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_assessment_and_stability")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
