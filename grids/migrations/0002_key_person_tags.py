from django.db import migrations

TAGS = [
    ("correction", "社区矫正对象"),
    ("mental", "严重精神障碍患者"),
    ("elderly_alone", "孤寡老人"),
    ("disabled", "残疾人"),
    ("left_behind_child", "留守儿童"),
]


def create_tags(apps, schema_editor):
    KeyPersonTag = apps.get_model("grids", "KeyPersonTag")
    for code, name in TAGS:
        KeyPersonTag.objects.get_or_create(code=code, defaults={"name": name})


def remove_tags(apps, schema_editor):
    apps.get_model("grids", "KeyPersonTag").objects.filter(code__in=[c for c, _ in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("grids", "0001_initial")]
    operations = [migrations.RunPython(create_tags, remove_tags)]
