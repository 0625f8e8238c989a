"""Django admin for items and checkups."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from items.models import Checkup, OwnedItem
from locations.models import Location


class OwnedItemAdminForm(forms.ModelForm):
    """The item form: its place can only be one of its owner's locations (OwnedItem.clean refuses any other)."""

    class Meta:
        model = OwnedItem
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets decide what is shown)
        help_texts = {
            "current_location": "One of the owner's locations. For a new item, choose the owner and save first "
            "(or open this page with ?user=<id>) to be offered them.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "current_location" in self.fields:
            owner = self._owner_id()
            places = Location.objects.filter(user_id=owner) if owner else Location.objects.none()
            cast(forms.ModelChoiceField, self.fields["current_location"]).queryset = places.order_by("full_path")

    def _owner_id(self) -> int | None:
        """The owner the form saves: the user posted (an item may be handed to someone else), else the one the
        page was opened with (an item's own, or ?user=<id> on the add page)."""
        if "user" not in self.fields:
            return self.instance.user_id
        value = self.data.get(self.add_prefix("user")) if self.is_bound else self.initial.get("user")
        if value in (None, ""):
            return None
        try:
            return self.fields["user"].clean(value).pk
        except ValidationError:
            return None


@admin.register(OwnedItem)
class OwnedItemAdmin(admin.ModelAdmin):
    form = OwnedItemAdminForm
    list_display = ("name", "user", "item_type", "status", "item_received_date", "ownership_duration_goal_months")
    list_filter = ("status", "item_type")
    search_fields = ("name", "user__email", "user__username", "user__clerk_id")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("id", "created_at", "updated_at")
    date_hierarchy = "item_received_date"


@admin.register(Checkup)
class CheckupAdmin(admin.ModelAdmin):
    list_display = ("user", "checkup_type", "last_checkup_date", "checkup_interval_months", "is_checkup_due")
    list_filter = ("checkup_type", "checkup_interval_months")
    search_fields = ("user__email", "user__username", "user__clerk_id")
    list_select_related = ("user",)
    raw_id_fields = ("user",)

    @admin.display(boolean=True, description="Due")
    def is_checkup_due(self, checkup: Checkup) -> bool:
        return checkup.is_checkup_due
