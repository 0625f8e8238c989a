from django.db import migrations

import minNow.text
from minNow.text import indexed, postgres_only, trigram_index

CREATE_INDEX, DROP_INDEX = trigram_index("locations_location", "location_search_trgm")


def fill_search_text(apps, schema_editor):
    Location = apps.get_model("locations", "Location")
    locations = list(Location.objects.only("id", "full_path"))
    for location in locations:
        location.search_text = indexed(location.full_path)[:600]
    Location.objects.bulk_update(locations, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0003_tree_invariants"),
    ]

    operations = [
        migrations.AddField(
            model_name="location",
            name="search_text",
            field=minNow.text.SearchTextField(default="", editable=False, max_length=600),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(postgres_only(CREATE_INDEX), postgres_only(DROP_INDEX)),
    ]
