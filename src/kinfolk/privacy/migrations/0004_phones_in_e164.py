"""Store every phone number in E.164, and index it so a coordinator can find someone by it.

Numbers that do not parse as a valid number of the person's programme country
are left exactly as they were: the person (or a coordinator) fixes them the
next time the profile is saved, which now refuses them with a clear message.
"""

from django.db import migrations, models

from kinfolk.privacy.phones import phone_e164_or_none


def _normalise(apps, schema_editor):
    Details = apps.get_model("privacy", "ContactDetails")
    rows = Details.objects.exclude(phone="").select_related(
        "volunteer__programme", "household__programme"
    )
    changed = []
    for row in rows.iterator(chunk_size=2000):
        person = row.volunteer or row.household
        e164 = phone_e164_or_none(row.phone, country=person.programme.country)
        if e164 is not None and e164 != row.phone:
            row.phone = e164
            changed.append(row)
        if len(changed) >= 2000:
            Details.objects.bulk_update(changed, ["phone"])
            changed = []
    Details.objects.bulk_update(changed, ["phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_access_log_shows_roles_and_appointments"),
        ("people", "0001_initial"),
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_normalise, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="contactdetails",
            index=models.Index(fields=["phone"], name="contact_details_phone"),
        ),
    ]
