"""The tree's invariants at the model and database layers, for writes that bypass the service (the admin,
a shell, a data migration): save() derives slug, path and level and carries a changed path to the subtree;
the database refuses an empty slug or path and a path that does not end in the slug."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from locations.models import Location, TreeError

pytestmark = pytest.mark.django_db


def test_an_orm_create_derives_slug_path_and_level(alice):
    home = Location.objects.create(user=alice, display_name="Home")
    closet = Location.objects.create(user=alice, display_name="Kid's Closet", parent=home)

    assert (home.slug, home.full_path, home.level) == ("home", "home", 0)
    assert (closet.slug, closet.full_path, closet.level) == ("kids-closet", "home/kids-closet", 1)


def test_an_orm_rename_or_move_carries_the_whole_subtree(alice):
    home = Location.objects.create(user=alice, display_name="Home")
    garage = Location.objects.create(user=alice, display_name="Garage")
    shelf = Location.objects.create(user=alice, display_name="Shelf", parent=home)
    Location.objects.create(user=alice, display_name="Bin", parent=shelf)

    shelf = Location.objects.get(pk=shelf.pk)
    shelf.display_name = "Rack"
    shelf.parent = garage
    shelf.save()

    assert dict(Location.objects.values_list("display_name", "full_path")) == {
        "Home": "home",
        "Garage": "garage",
        "Rack": "garage/rack",
        "Bin": "garage/rack/bin",
    }
    assert Location.objects.get(display_name="Bin").level == 2


def test_an_orm_save_with_update_fields_still_derives_the_path(alice):
    home = Location.objects.create(user=alice, display_name="Home")
    home = Location.objects.get(pk=home.pk)
    home.display_name = "House"
    home.save(update_fields=["display_name"])

    assert Location.objects.get(pk=home.pk).full_path == "house"


def test_an_orm_save_under_itself_or_a_descendant_is_refused(alice):
    home = Location.objects.create(user=alice, display_name="Home")
    shelf = Location.objects.create(user=alice, display_name="Shelf", parent=home)

    home = Location.objects.get(pk=home.pk)
    home.parent = shelf
    with pytest.raises(TreeError):
        home.save()
    home.parent = home
    with pytest.raises(TreeError):
        home.save()
    assert Location.objects.get(pk=home.pk).parent_id is None


def test_model_validation_refuses_a_parent_of_another_user(alice, bob):
    home = Location.objects.create(user=alice, display_name="Home")
    bobs_garage = Location.objects.create(user=bob, display_name="Garage")

    derived = {"slug", "full_path"}  # save() fills them in
    with pytest.raises(ValidationError) as refused:
        Location(user=alice, display_name="Shelf", parent=bobs_garage).full_clean(exclude=derived)
    assert set(refused.value.message_dict) == {"parent"}
    Location(user=alice, display_name="Shelf", parent=home).full_clean(exclude=derived)  # the owner's own is fine


def test_the_admin_cannot_change_a_locations_owner_or_parent(superuser_client, alice, bob):
    """Location edits go through the API (a move carries a subtree); the admin shows them read-only."""
    home = Location.objects.create(user=alice, display_name="Home")
    shelf = Location.objects.create(user=alice, display_name="Shelf", parent=home)
    bobs_garage = Location.objects.create(user=bob, display_name="Garage")

    page = superuser_client.get(f"/admin/locations/location/{shelf.pk}/change/")
    posted = superuser_client.post(
        f"/admin/locations/location/{shelf.pk}/change/", {"parent": str(bobs_garage.pk), "user": str(bob.pk)}
    )

    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields) == set()  # nothing editable
    assert posted.status_code == 302
    stored = Location.objects.get(pk=shelf.pk)
    assert (stored.user_id, stored.parent_id, stored.full_path) == (alice.pk, home.pk, "home/shelf")


@pytest.mark.parametrize(
    "fields",
    [
        {"slug": "", "full_path": "x", "level": 0},
        {"slug": "x", "full_path": "", "level": 0},
        {"slug": "x", "full_path": "y", "level": 0},  # a root's path is its slug
        {"slug": "x", "full_path": "x", "level": 3},  # a root is level 0
    ],
)
def test_the_database_refuses_rows_that_break_the_tree(alice, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.bulk_create([Location(user=alice, display_name="X", **fields)])


def test_the_database_refuses_a_child_whose_path_does_not_end_in_its_slug(alice):
    home = Location.objects.create(user=alice, display_name="Home")

    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.bulk_create(
            [Location(user=alice, parent=home, display_name="Bin", slug="bin", full_path="home/box", level=1)]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.filter(pk=home.pk).update(slug="")
