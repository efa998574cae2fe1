"""Chain version 2: what a read showed and the grounds it rested on (nullable: no table rewrite)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='categories',
            field=models.JSONField(null=True),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='chain_version',
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='grounds',
            field=models.JSONField(null=True),
        ),
    ]
