"""Store a calendar feed's token only as its SHA-256; addresses already in calendars keep working."""

import hashlib
import secrets

from django.db import migrations, models

import kinfolk.accounts.tokens


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("visits", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token").iterator():
        digest = hashlib.sha256(feed.token.encode()).hexdigest()
        CalendarFeed.objects.filter(pk=feed.pk).update(token_hash=digest)


def new_tokens(apps, schema_editor):
    # Going back cannot recover a token from its hash: every address in a calendar stops working.
    CalendarFeed = apps.get_model("visits", "CalendarFeed")
    for pk in CalendarFeed.objects.values_list("pk", flat=True).iterator():
        CalendarFeed.objects.filter(pk=pk).update(token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, new_tokens),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(
                default=kinfolk.accounts.tokens.token_hash_unusable,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
        migrations.RemoveField(
            model_name="calendarfeed",
            name="token",
        ),
    ]
