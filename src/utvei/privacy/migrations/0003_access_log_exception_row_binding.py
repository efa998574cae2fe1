"""Bind the encrypted reason of an access-log exception to its row, like every other encrypted record."""

from django.db import migrations, models

import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_retention_schedule"),
        ("core", "0004_draft_row_uid_datakey"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogexception",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        fill_row_ids("privacy", "accesslogexception"),
        migrations.AlterField(
            model_name="accesslogexception",
            name="row_uid",
            field=utvei.core.crypto.RowIdField(data_key_owner="case__person"),
        ),
    ]
