"""Bind the encrypted history of a report to its row, like every other encrypted record."""

from django.db import migrations, models

import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_encryption_row_binding"),
        ("core", "0004_draft_row_uid_datakey"),
    ]

    operations = [
        migrations.AddField(
            model_name="escalationchange",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        fill_row_ids("cases", "escalationchange"),
        migrations.AlterField(
            model_name="escalationchange",
            name="row_uid",
            field=utvei.core.crypto.RowIdField(data_key_owner="escalation__case__person"),
        ),
    ]
