# Phone and address now live in the privacy app (privacy.0002 copies them there first).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0002_list_indexes'),
        ('privacy', '0002_contact_details'),
    ]

    operations = [
        migrations.RemoveField(model_name='household', name='address'),
        migrations.RemoveField(model_name='household', name='phone'),
        migrations.RemoveField(model_name='volunteer', name='address'),
        migrations.RemoveField(model_name='volunteer', name='phone'),
    ]
