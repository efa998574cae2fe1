
import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sharing', '0008_consent_grants'),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='disclosure',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        fill_row_ids('sharing', 'consent', 'disclosure'),
        migrations.AlterField(
            model_name='consent',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='person'),
        ),
        migrations.AlterField(
            model_name='disclosure',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='person'),
        ),
    ]
