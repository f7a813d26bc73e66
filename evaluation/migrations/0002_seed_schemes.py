"""Default assessment schemes, one per group (data, editable; see docs/assessment.md)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

BASIS = (
    "北京考评办法的权重未见公开原文。常见说法为响应率10%、解决率45%、满意率45%；亦有实践代码采用"
    "10/50/40、基本满意按0.9计。此处取10/45/45与0.9作为默认值，管理员可按实际办法修改或新增生效日期更晚的方案。"
)


def seed(apps, schema_editor):
    Scheme = apps.get_model("evaluation", "AssessmentScheme")
    if Scheme.objects.exists():
        return
    for group in ("street", "district", "department", "district_department", "enterprise"):
        Scheme.objects.create(
            name="默认方案（10/45/45）", group=group, effective_from=dt.date(2019, 1, 1),
            weight_response=Decimal("0.100"), weight_resolution=Decimal("0.450"),
            weight_satisfaction=Decimal("0.450"), basic_satisfied_factor=Decimal("0.900"),
            period_start_day=1, appeal_window_days=7, basis=BASIS,
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_callback_assessment")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
