"""Spell «barnevernstjenesten» in the seeded guidance, as the glossary decides (docs/glossary.md)."""

from django.db import migrations

OLD, NEW = "barneverntjenesten", "barnevernstjenesten"


def _replace(apps, old, new):
    method_model = apps.get_model("contacts", "ConversationMethod")
    for method in method_model.objects.filter(guidance_nb__contains=old):
        method.guidance_nb = method.guidance_nb.replace(old, new)
        method.save(update_fields=["guidance_nb"])


def forwards(apps, schema_editor):
    _replace(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _replace(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_encryption_row_binding")]

    operations = [migrations.RunPython(forwards, backwards)]
