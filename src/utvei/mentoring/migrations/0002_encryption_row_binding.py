
import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mentoring', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='mentor',
            options={'ordering': ['pk'], 'verbose_name': 'mentor', 'verbose_name_plural': 'mentors'},
        ),
        migrations.AddField(
            model_name='mentor',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='mentorlogentry',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='mentor',
            name='contact',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='phone or e-mail'),
        ),
        migrations.AlterField(
            model_name='mentor',
            name='name',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='name'),
        ),
        fill_row_ids('mentoring', 'mentor', 'mentorlogentry'),
        migrations.AlterField(
            model_name='mentor',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner=None),
        ),
        migrations.AlterField(
            model_name='mentorlogentry',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
    ]
