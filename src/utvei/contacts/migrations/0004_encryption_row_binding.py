
import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0003_contact_plan_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='consultation',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='contactplan',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='conversation',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='consultation',
            name='consulted_organisation',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='organisation consulted'),
        ),
        migrations.AlterField(
            model_name='contactplan',
            name='interpreter_language',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='interpreter language'),
        ),
        fill_row_ids('contacts', 'consultation', 'contactplan', 'conversation'),
        migrations.AlterField(
            model_name='consultation',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='contactplan',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='conversation',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
    ]
