import utvei.core.crypto
from django.db import migrations, models

from utvei.core.crypto_upgrade import fill_row_ids


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_revisions_and_seat_endings'),
    ]

    operations = [
        migrations.AddField(
            model_name='guardian',
            name='national_id',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='national identity number'),
        ),
        migrations.AddField(
            model_name='guardian',
            name='national_id_index',
            field=models.CharField(blank=True, default='', editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name='guardian',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        fill_row_ids('cases', 'guardian'),
        migrations.AlterField(
            model_name='guardian',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='person'),
        ),
        migrations.AddIndex(
            model_name='guardian',
            index=models.Index(fields=['national_id_index'], name='guardian_national_id_index'),
        ),
    ]
