
import django.utils.timezone
import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_submission_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataKey',
            fields=[
                ('id', models.CharField(max_length=32, primary_key=True, serialize=False)),
                ('master_kid', models.CharField(blank=True, max_length=64)),
                ('wrapped', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('destroyed_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddField(
            model_name='draft',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        fill_row_ids('core', 'draft'),
        migrations.AlterField(
            model_name='draft',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner=None),
        ),
    ]
