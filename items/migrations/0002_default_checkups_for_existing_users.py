from django.db import migrations
from django.utils import timezone


def create_missing_checkups(apps, schema_editor):
    User = apps.get_model("users", "User")
    Checkup = apps.get_model("items", "Checkup")
    now = timezone.now()
    Checkup.objects.bulk_create(
        [Checkup(user_id=pk, checkup_type=kind, last_checkup_date=now) for pk in User.objects.values_list("pk", flat=True) for kind in ("keep", "give")],
        ignore_conflicts=True,
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("items", "0001_initial"), ("users", "0001_initial")]

    operations = [migrations.RunPython(create_missing_checkups, migrations.RunPython.noop)]
