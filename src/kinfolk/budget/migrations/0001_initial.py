from django.db import migrations


class Migration(migrations.Migration):
    """An empty start, so that the rates and the claims can each add their own tables."""

    initial = True
    dependencies: list[tuple[str, str]] = []
    operations: list[migrations.operations.base.Operation] = []
