"""The Django admin's item form: an item's place can only be one of its owner's own locations (the choices
shown, and `OwnedItem.clean`, which the form calls, refuses any other), so the admin cannot put one user's
item in another user's place."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from config.testing import make_item
from items.models import OwnedItem
from locations.models import Location
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(alice, bob) -> dict[str, Location]:
    home = Location.objects.create(user=alice, display_name="Home")
    return {
        "home": home,
        "closet": Location.objects.create(user=alice, display_name="Closet", parent=home),
        "bobs_garage": Location.objects.create(user=bob, display_name="Garage"),
    }


@pytest.fixture
def item(alice, places) -> OwnedItem:
    return make_item(alice, "Rain Jacket", current_location=places["closet"])


def form_data(owner: User, location: Location | None, name: str = "Rain Jacket") -> dict[str, Any]:
    """A complete POST of the item add or change form."""
    return {
        "user": str(owner.pk),
        "name": name,
        "picture_url": "🧥",
        "item_type": "Clothing_Accessories",
        "status": "Keep",
        "item_received_date_0": "2024-01-15",
        "item_received_date_1": "10:30:00",
        "last_used_0": "2024-12-01",
        "last_used_1": "08:00:00",
        "ownership_duration_goal_months": "24",
        "current_location": str(location.pk) if location else "",
        "location_updated_at_0": "",
        "location_updated_at_1": "",
    }


def change_url(item: OwnedItem) -> str:
    return f"/admin/items/owneditem/{item.pk}/change/"


def location_choices(response) -> set[str]:
    field = response.context["adminform"].form.fields["current_location"]
    return {str(location.pk) for location in field.queryset}


def test_the_change_form_offers_only_the_owners_locations(superuser_client, item, places):
    response = superuser_client.get(change_url(item))

    assert response.status_code == 200
    assert location_choices(response) == {str(places["home"].pk), str(places["closet"].pk)}
    assert str(places["bobs_garage"].pk) not in response.content.decode()


def test_the_add_form_offers_the_chosen_owners_locations_and_none_before(superuser_client, alice, places):
    before = superuser_client.get("/admin/items/owneditem/add/")
    chosen = superuser_client.get(f"/admin/items/owneditem/add/?user={alice.pk}")

    assert location_choices(before) == set()
    assert location_choices(chosen) == {str(places["home"].pk), str(places["closet"].pk)}


def test_saving_an_item_into_another_users_location_is_refused_and_saves_nothing(superuser_client, alice, item, places):
    response = superuser_client.post(change_url(item), form_data(alice, places["bobs_garage"], name="Renamed"))

    assert response.status_code == 200  # the form again, with the error
    assert "current_location" in response.context["adminform"].form.errors
    stored = OwnedItem.objects.get(pk=item.pk)
    assert (stored.name, stored.current_location_id) == ("Rain Jacket", places["closet"].pk)


def test_handing_an_item_to_another_user_with_its_old_place_is_refused(superuser_client, bob, item, places):
    response = superuser_client.post(change_url(item), form_data(bob, places["closet"]))

    assert response.status_code == 200
    assert "current_location" in response.context["adminform"].form.errors
    stored = OwnedItem.objects.get(pk=item.pk)
    assert (stored.user_id, stored.current_location_id) == (item.user_id, places["closet"].pk)


def test_a_new_item_in_another_users_location_is_refused_and_not_created(superuser_client, alice, places):
    response = superuser_client.post("/admin/items/owneditem/add/", form_data(alice, places["bobs_garage"]))

    assert response.status_code == 200
    assert "current_location" in response.context["adminform"].form.errors
    assert not OwnedItem.objects.exists()


def test_items_saved_in_their_owners_locations_are_stored(superuser_client, alice, bob, item, places):
    moved = superuser_client.post(change_url(item), form_data(alice, places["home"]))
    created = superuser_client.post("/admin/items/owneditem/add/", form_data(bob, places["bobs_garage"], name="Bike"))

    assert (moved.status_code, created.status_code) == (302, 302)
    assert OwnedItem.objects.get(pk=item.pk).current_location_id == places["home"].pk
    assert OwnedItem.objects.get(name="Bike").current_location_id == places["bobs_garage"].pk


def test_model_validation_refuses_another_users_location(bob, item, places):
    item.current_location = places["bobs_garage"]
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "current_location" in refused.value.message_dict

    item.current_location = places["home"]
    item.full_clean()  # the owner's own place is fine
