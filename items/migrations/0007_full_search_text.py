from django.db import migrations, models
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat

import items.models
import minNow.text
from minNow.text import postgres_only, trigram_index

CREATE_INDEX, DROP_INDEX = trigram_index("items_owneditem", "item_full_search_trgm", column="full_search_text")
# The index on the item's own text served the searches that now read the full text.
OLD_CREATE_INDEX, OLD_DROP_INDEX = trigram_index("items_owneditem", "item_search_trgm")


def fill_full_search_text(apps, schema_editor):
    OwnedItem = apps.get_model("items", "OwnedItem")
    Location = apps.get_model("locations", "Location")
    place_text = Location.objects.filter(pk=OuterRef("current_location_id")).values("search_text")[:1]
    OwnedItem.objects.update(
        full_search_text=Concat(F("search_text"), Coalesce(Subquery(place_text), Value("")), output_field=CharField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0006_item_user_location_idx"),
        ("locations", "0004_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="owneditem",
            name="full_search_text",
            field=minNow.text.SearchTextField(
                default="", editable=False, max_length=1500, source="full_search_source"
            ),
        ),
        migrations.AlterField(
            model_name="owneditem",
            name="current_location",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=items.models.unplace,
                related_name="items",
                to="locations.location",
            ),
        ),
        migrations.RunPython(fill_full_search_text, migrations.RunPython.noop),
        migrations.RunPython(postgres_only(CREATE_INDEX), postgres_only(DROP_INDEX)),
        migrations.RunPython(postgres_only(OLD_DROP_INDEX), postgres_only(OLD_CREATE_INDEX)),
    ]
