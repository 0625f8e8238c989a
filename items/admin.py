"""Django admin for items and checkups."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from items import history
from items.models import Checkup, ItemEvent, OwnedItem
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
    readonly_fields = ("id", "created_at", "updated_at", "item_history")
    date_hierarchy = "item_received_date"

    def save_model(self, request: HttpRequest, obj: OwnedItem, form: forms.ModelForm, change: bool) -> None:
        """Save and record the change in the item's history, as ItemService does."""
        with transaction.atomic():
            stored = OwnedItem.objects.select_related("current_location").filter(pk=obj.pk).first() if change else None
            super().save_model(request, obj, form, change)
            if stored is None:
                history.record_created(obj)
            else:
                history.record_changed(obj, history.snapshot(stored))

    def delete_model(self, request: HttpRequest, obj: OwnedItem) -> None:
        deleted = [(obj.user_id, obj.pk, obj.name)]  # the delete clears obj.pk
        with transaction.atomic():
            super().delete_model(request, obj)
            history.record_deleted(deleted)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OwnedItem]) -> None:
        with transaction.atomic():
            deleted = list(queryset.values_list("user_id", "pk", "name"))
            super().delete_queryset(request, queryset)
            history.record_deleted(deleted)

    @admin.display(description="History")
    def item_history(self, obj: OwnedItem) -> str:
        """The item's events, newest first (read-only)."""
        if obj.pk is None:
            return "-"
        events = ItemEvent.objects.filter(user_id=obj.user_id, item_id=obj.pk).order_by("-at", "-id")[:100]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((f"{event.at:%Y-%m-%d %H:%M:%S}", event.action, _changes_text(event.changes)) for event in events),
        )
        return format_html("<table><tr><th>At (UTC)</th><th>Action</th><th>Changes</th></tr>{}</table>", rows)


def _changes_text(changes: dict) -> str:
    return "; ".join(f"{field}: {old!r} → {new!r}" for field, (old, new) in changes.items())


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
