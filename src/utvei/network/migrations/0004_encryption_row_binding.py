
import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0003_node_version'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='networknode',
            options={'ordering': ['closeness', 'pk']},
        ),
        migrations.AddField(
            model_name='networknode',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='networksnapshot',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='nodecontact',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='networknode',
            name='full_name',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='full name'),
        ),
        migrations.AlterField(
            model_name='networknode',
            name='label',
            field=utvei.core.crypto.EncryptedTextField(verbose_name='label'),
        ),
        migrations.AlterField(
            model_name='networksnapshot',
            name='nodes',
            field=utvei.core.crypto.EncryptedJSONField(default=list),
        ),
        fill_row_ids('network', 'networknode', 'networksnapshot', 'nodecontact'),
        migrations.AlterField(
            model_name='networknode',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='networksnapshot',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='nodecontact',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
    ]
