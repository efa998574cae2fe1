"""Re-encrypt every stored value to format v2: bound to its row, under the person's own data key.

Fields that were stored in clear until now are encrypted as well, and each national identity number gets
its blind index. One transaction: a run killed halfway changes nothing, and the next run starts over.
Run ``manage.py migrate --database keys`` before this migration, so the key store can take the data keys.
"""

from typing import Any

from django.db import migrations

from utvei.core.crypto_upgrade import upgrade_values

# (model label, field) of the fields that were stored in clear before this migration.
NEWLY_ENCRYPTED = frozenset(
    {
        ("cases.Person", "national_id"),
        ("cases.Case", "security_assessed_by"),
        ("cases.Task", "title"),
        ("cases.Escalation", "reference"),
        ("cases.Concern", "subject"),
        ("contacts.ContactPlan", "interpreter_language"),
        ("contacts.Consultation", "consulted_organisation"),
        ("network.NetworkNode", "label"),
        ("network.NetworkNode", "full_name"),
        ("network.NetworkSnapshot", "nodes"),
        ("plans.Measure", "title"),
        ("mentoring.Mentor", "name"),
        ("mentoring.Mentor", "contact"),
    }
)


def forward(apps: Any, schema_editor: Any) -> None:
    upgrade_values(apps, alias=schema_editor.connection.alias, newly_encrypted=NEWLY_ENCRYPTED)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_draft_row_uid_datakey"),
        ("cases", "0007_escalation_change_row_binding"),
        ("privacy", "0003_access_log_exception_row_binding"),
        ("contacts", "0004_encryption_row_binding"),
        ("mentoring", "0002_encryption_row_binding"),
        ("network", "0004_encryption_row_binding"),
        ("plans", "0005_encryption_row_binding"),
        ("sharing", "0009_encryption_row_binding"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop, hints={"model_name": "draft"}),
    ]
