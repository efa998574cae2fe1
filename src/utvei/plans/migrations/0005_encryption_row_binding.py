
import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0004_legal_references_verified'),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='domainnote',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='goal',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='measure',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='meeting',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='participant',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='plan',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='planversion',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='planwish',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='measure',
            name='title',
            field=utvei.core.crypto.EncryptedTextField(verbose_name='short description'),
        ),
        fill_row_ids('plans', 'decision', 'domainnote', 'goal', 'measure', 'meeting', 'participant', 'plan', 'planversion', 'planwish'),
        migrations.AlterField(
            model_name='decision',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='domainnote',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='goal',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='measure',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='participant',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='plan',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='person'),
        ),
        migrations.AlterField(
            model_name='planversion',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='planwish',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='person'),
        ),
    ]
