"""Store an invitation's token only as its SHA-256; links already sent keep working."""

import hashlib
import secrets

from django.db import migrations, models

import kinfolk.accounts.tokens


def hash_tokens(apps, schema_editor):
    Invitation = apps.get_model("people", "Invitation")
    for invitation in Invitation.objects.only("pk", "token").iterator():
        digest = hashlib.sha256(invitation.token.encode()).hexdigest()
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=digest)


def new_tokens(apps, schema_editor):
    # Going back cannot recover a token from its hash: every link sent stops working.
    Invitation = apps.get_model("people", "Invitation")
    for pk in Invitation.objects.values_list("pk", flat=True).iterator():
        Invitation.objects.filter(pk=pk).update(token=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_consent_withdrawal_recorded_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, new_tokens),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(
                default=kinfolk.accounts.tokens.token_hash_unusable,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
        migrations.RemoveField(
            model_name="invitation",
            name="token",
        ),
    ]
