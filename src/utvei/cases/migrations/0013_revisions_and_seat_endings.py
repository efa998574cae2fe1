"""Corrections with history: the revisions that keep earlier values, and a team seat's end with its reason."""

import django.db.models.deletion
import django.utils.timezone
import utvei.core.crypto
from django.conf import settings
from django.db import migrations, models

from utvei.core.crypto_upgrade import fill_row_ids


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_organisation_body_sector_and_professional_status'),
        ('cases', '0012_phase_change_reason'),
        ('core', '0004_draft_row_uid_datakey'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='teammember',
            name='end_reason',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='why the seat ended'),
        ),
        migrations.AddField(
            model_name='teammember',
            name='ended_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='teammember',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        fill_row_ids("cases", "teammember"),
        migrations.AlterField(
            model_name='teammember',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.CreateModel(
            name='Revision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target_type', models.CharField(max_length=64, verbose_name='kind of record')),
                ('target_id', models.PositiveBigIntegerField(verbose_name='record number')),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='corrected at')),
                ('changed_fields', models.JSONField(default=list, verbose_name='fields corrected')),
                ('previous', utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='earlier values')),
                ('row_uid', utvei.core.crypto.RowIdField(data_key_owner='person')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case')),
                ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('record_owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='cases.person')),
            ],
            options={
                'ordering': ['-changed_at', '-pk'],
                'verbose_name': 'correction',
                'verbose_name_plural': 'corrections',
                'indexes': [models.Index(fields=['target_type', 'target_id'], name='revision_target')],
            },
        ),
    ]
