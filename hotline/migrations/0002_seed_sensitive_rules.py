"""Seed the sensitive-content rules (敏感词) agents are trained on; administrators edit the list."""

from django.db import migrations

RULES = [
    # (pattern, is_regex, kind, raise_to)
    ("扬言", False, "threat", "emergency"),
    ("报复", False, "violence", "emergency"),
    ("自杀", False, "self_harm", "emergency"),
    ("轻生", False, "self_harm", "emergency"),
    ("跳楼", False, "self_harm", "emergency"),
    ("跳河", False, "self_harm", "emergency"),
    ("不想活", False, "self_harm", "emergency"),
    ("伤人", False, "violence", "emergency"),
    ("杀人", False, "violence", "emergency"),
    ("砍人", False, "violence", "emergency"),
    ("同归于尽", False, "violence", "emergency"),
    ("爆炸", False, "explosive", "emergency"),
    ("炸药", False, "explosive", "emergency"),
    ("纵火", False, "explosive", "emergency"),
    ("放火", False, "explosive", "emergency"),
    ("聚集", False, "gathering", "emergency"),
    ("集体上访", False, "gathering", "emergency"),
    ("拉横幅", False, "gathering", "emergency"),
    ("燃气泄漏", False, "public_safety", "emergency"),
    ("煤气泄漏", False, "public_safety", "emergency"),
    ("(?:楼房|房屋|墙体|围墙)(?:倒塌|坍塌)", True, "public_safety", "emergency"),
    ("(?:带|拿)(?:刀|汽油)", True, "violence", "emergency"),
]


def seed(apps, schema_editor):
    SensitiveRule = apps.get_model("hotline", "SensitiveRule")
    for pattern, is_regex, kind, raise_to in RULES:
        SensitiveRule.objects.get_or_create(
            pattern=pattern, is_regex=is_regex, defaults={"kind": kind, "raise_to": raise_to}
        )


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_intake")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
