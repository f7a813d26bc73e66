"""The default wording of the messages to callers (editable in the admin afterwards)."""

from django.db import migrations

TEMPLATES = {
    "received": "【12345】您的诉求已受理，编号{number}。凭编号和来电号码后四位可查询办理进度：{progress_url}",
    "dispatched": "【12345】您的诉求（编号{number}）已转{unit}办理。",
    "handled": "【12345】{unit}已就您的诉求（编号{number}）作出答复，我们将尽快回访。进度：{progress_url}",
    "reopened": "【12345】您的诉求（编号{number}）经回访未解决，已退回{unit}重新办理。",
    "closed": "【12345】您的诉求（编号{number}）已办结，感谢您对首都发展的支持。",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("citizens", "MessageTemplate")
    for step, text in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(step=step, defaults={"text": text})


def unseed(apps, schema_editor):
    apps.get_model("citizens", "MessageTemplate").objects.filter(step__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("citizens", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
