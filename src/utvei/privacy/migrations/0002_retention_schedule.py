"""The retention schedule as data: one rule per record type, each naming its section of docs/retention.md.

An empty period means the default from the settings (concerns and closed cases), so a municipality sets
its archive schedule by configuration. The audit log is kept (no deletion in this version).
"""

from django.db import migrations

RULES = [
    ("concern", "delete", None, "docs/retention.md#concern-only-records"),
    ("closed_case", "anonymise", None, "docs/retention.md#closed-cases"),
    ("draft", "delete", 30, "docs/retention.md#drafts"),
    ("session", "delete", 0, "docs/retention.md#sessions"),
    ("audit_entry", "keep", 3653, "docs/retention.md#audit-entries"),
]


def forward(apps, schema_editor):
    rule = apps.get_model("privacy", "RetentionRule")
    for record_type, action, days, source in RULES:
        rule.objects.get_or_create(
            record_type=record_type, defaults={"action": action, "period_days": days, "legal_source": source}
        )


def reverse(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(record_type__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
