
import utvei.core.crypto
from utvei.core.crypto_upgrade import fill_row_ids
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0005_escalation_time_of_knowledge_and_history'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='person',
            name='person_national_id_unique_per_organisation',
        ),
        migrations.AddField(
            model_name='case',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='caseadvice',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='concern',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='escalation',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='handover',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='person',
            name='data_key',
            field=utvei.core.crypto.DataKeyField(blank=True, default='', editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name='person',
            name='national_id_index',
            field=models.CharField(blank=True, default='', editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name='person',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='relapse',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='row_uid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='case',
            name='security_assessed_by',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='assessed by (name and role)'),
        ),
        migrations.AlterField(
            model_name='concern',
            name='subject',
            field=utvei.core.crypto.EncryptedTextField(verbose_name='about (initials or a description, no identity number)'),
        ),
        migrations.AlterField(
            model_name='escalation',
            name='reference',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='reference number'),
        ),
        migrations.AlterField(
            model_name='person',
            name='national_id',
            field=utvei.core.crypto.EncryptedTextField(blank=True, verbose_name='national identity number'),
        ),
        migrations.AlterField(
            model_name='task',
            name='title',
            field=utvei.core.crypto.EncryptedTextField(verbose_name='task'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(condition=models.Q(('national_id_index', ''), _negated=True), fields=('registered_by', 'national_id_index'), name='person_national_id_unique_per_organisation'),
        ),
        fill_row_ids('cases', 'case', 'caseadvice', 'concern', 'escalation', 'handover', 'person', 'relapse', 'task'),
        migrations.AlterField(
            model_name='case',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='person'),
        ),
        migrations.AlterField(
            model_name='caseadvice',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='concern',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner=None),
        ),
        migrations.AlterField(
            model_name='escalation',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='handover',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='person',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='self'),
        ),
        migrations.AlterField(
            model_name='relapse',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
        migrations.AlterField(
            model_name='task',
            name='row_uid',
            field=utvei.core.crypto.RowIdField(data_key_owner='case__person'),
        ),
    ]
