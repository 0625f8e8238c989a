from django.db import migrations

import minNow.text
from minNow.text import indexed, postgres_only, trigram_index

# The type labels as they were when this migration was written.
LABELS = {
    "Clothing_Accessories": "Clothing & Accessories",
    "Personal_Care_Items": "Personal Care Items",
    "Cleaning_Supplies": "Cleaning Supplies",
    "Furniture_Appliances": "Furniture & Appliances",
    "Decor_Art": "Decor & Art",
    "Subscriptions_Licenses": "Subscriptions & Licenses",
    "Technology": "Technology",
    "Vehicles": "Vehicles",
    "Tools_Equipment": "Tools & Equipment",
    "Outdoor_Gear": "Outdoor Gear",
    "Fitness_Equipment": "Fitness Equipment",
    "Toys_Games": "Toys & Games",
    "Pet_Supplies": "Pet Supplies",
    "Books_Media": "Books & Media",
    "Miscellaneous": "Miscellaneous",
    "Other": "Other",
}
CREATE_INDEX, DROP_INDEX = trigram_index("items_owneditem", "item_search_trgm")


def fill_search_text(apps, schema_editor):
    OwnedItem = apps.get_model("items", "OwnedItem")
    items = list(OwnedItem.objects.only("id", "name", "item_type"))
    for item in items:
        item.search_text = indexed(f"{item.name} {LABELS.get(item.item_type, '')}")[:600]
    OwnedItem.objects.bulk_update(items, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0004_checkup_reminder_lease"),
    ]

    operations = [
        migrations.AddField(
            model_name="owneditem",
            name="search_text",
            field=minNow.text.SearchTextField(default="", editable=False, max_length=600),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(postgres_only(CREATE_INDEX), postgres_only(DROP_INDEX)),
    ]
