"""The default SLA policy (data, editable in the admin; see docs/deadlines.md for its basis)."""

from django.db import migrations


def seed(apps, schema_editor):
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    SlaPolicy = apps.get_model("orders", "SlaPolicy")
    SlaTier = apps.get_model("orders", "SlaTier")
    if SlaPolicy.objects.exists():
        return
    policy = SlaPolicy.objects.create(
        name="北京接诉即办时限（公开报道口径）",
        effective_from=dt.datetime(2019, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
        handling_clock_starts="dispatch",
        warn_ratio=Decimal("0.80"),
        urge_after_hours=2,
        supervise_after_hours=24,
        max_extensions=1,
        whistle_routine_hours=24,
        whistle_critical_hours=4,
        basis=(
            "按公开报道的北京接诉即办时限分级：涉及生命财产安全的紧急诉求2小时、水电气热24小时、一般诉求7天、"
            "疑难复杂诉求15天。这些数字来自新闻报道，并非《北京市接诉即办工作条例》原文；签收与回访时限为本系统"
            "的默认值。管理员可按实际规定修改或新增生效日期更晚的规则。"
        ),
    )
    tiers = {
        "emergency": (("0.5", "hours"), ("2", "hours"), ("24", "hours")),
        "utility": (("2", "hours"), ("24", "hours"), ("24", "hours")),
        "general": (("24", "hours"), ("7", "working_days"), ("2", "working_days")),
        "complex": (("24", "hours"), ("15", "working_days"), ("2", "working_days")),
    }
    for urgency, ((sv, su), (hv, hu), (cv, cu)) in tiers.items():
        SlaTier.objects.create(policy=policy, urgency=urgency, sign_value=Decimal(sv), sign_unit=su,
                               handle_value=Decimal(hv), handle_unit=hu, callback_value=Decimal(cv), callback_unit=cu)


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_deadlines")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
