# Contact details move off the people onto a model only the privacy app reads.
# This copies every stored phone and address; people.0003 then drops the old columns.

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000


def _copy_to_privacy(apps, schema_editor):
    ContactDetails = apps.get_model("privacy", "ContactDetails")
    for side in ("volunteer", "household"):
        Person = apps.get_model("people", side.capitalize())
        found = (
            Person.objects.exclude(phone="", address="")
            .order_by("pk")
            .values_list("pk", "phone", "address")
        )
        rows = [
            ContactDetails(**{f"{side}_id": pk}, phone=phone, address=address)
            for pk, phone, address in found.iterator(chunk_size=BATCH)
        ]
        ContactDetails.objects.bulk_create(rows, batch_size=BATCH)


def _copy_back(apps, schema_editor):
    ContactDetails = apps.get_model("privacy", "ContactDetails")
    for side in ("volunteer", "household"):
        Person = apps.get_model("people", side.capitalize())
        stored = ContactDetails.objects.filter(**{f"{side}__isnull": False})
        for details in stored.iterator(chunk_size=BATCH):
            Person.objects.filter(pk=getattr(details, f"{side}_id")).update(
                phone=details.phone, address=details.address
            )


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0002_list_indexes'),
        ('privacy', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContactDetails',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone', models.CharField(blank=True, max_length=32, verbose_name='phone')),
                ('address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('household', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.household')),
                ('volunteer', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.volunteer')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('household__isnull', True), ('volunteer__isnull', False)), models.Q(('household__isnull', False), ('volunteer__isnull', True)), _connector='OR'), name='contact_details_of_one_participant')],
            },
        ),
        migrations.RunPython(_copy_to_privacy, _copy_back),
    ]
