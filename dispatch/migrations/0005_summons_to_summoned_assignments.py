"""Whistle summons become summoned assignments: the department holds the ticket (its scope) and its
report deadline runs on the assignment. Recorded deadline steps follow to the new row."""

from django.db import migrations


def forwards(apps, schema_editor):
    WhistleSummons = apps.get_model("dispatch", "WhistleSummons")
    Assignment = apps.get_model("orders", "Assignment")
    DeadlineStepRecord = apps.get_model("orders", "DeadlineStepRecord")
    for summons in WhistleSummons.objects.select_related("whistle").order_by("pk"):
        whistle = summons.whistle
        closed = whistle.status != "open"
        row = Assignment.objects.create(
            ticket_id=whistle.ticket_id,
            unit_id=summons.unit_id,
            role="summoned",
            assigned_by_id=whistle.raised_by_id,
            assigned_at=whistle.raised_at,
            handle_started_at=whistle.raised_at,
            handle_due_at=summons.report_by,
            handle_next_step="" if closed else summons.report_next_step,
            handle_next_at=None if closed else summons.report_next_at,
            replied_at=summons.reported_at,
            ended_at=whistle.closed_at if closed else None,
            end_reason="whistle_ended" if closed else "",
        )
        DeadlineStepRecord.objects.filter(clock="report", target_id=summons.pk).update(target_id=row.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0004_auto_dispatch_failures"),
        ("orders", "0010_summoned_assignments_event_kinds"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
