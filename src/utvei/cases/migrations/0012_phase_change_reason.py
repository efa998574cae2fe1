import utvei.core.crypto
from django.db import migrations, models

from utvei.core.crypto_upgrade import fill_row_ids


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_escalation_receipt'),
    ]

    operations = [
        migrations.AddField(
            model_name='phasechange',
            name='reason',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='reason'),
        ),
        migrations.AddField(
            model_name='phasechange',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        fill_row_ids('cases', 'phasechange'),
        migrations.AlterField(
            model_name='phasechange',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
    ]
