"""Django admin for locations."""

from django.contrib import admin
from django.db import transaction
from django.db.models import Count, QuerySet

from locations.models import Location
from minNow import live


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("full_path", "display_name", "user", "level", "item_count", "updated_at")
    list_filter = ("level",)
    search_fields = ("full_path", "display_name", "user__email", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user", "parent")
    # Paths of a whole subtree change together, so edits go through the API (LocationService), not here.
    readonly_fields = ("id", "user", "parent", "display_name", "slug", "full_path", "level", "created_at", "updated_at")
    ordering = ("user_id", "full_path")

    def has_add_permission(self, request) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(ordering="item_count", description="Items")
    def item_count(self, location: Location) -> int:
        return location.item_count  # type: ignore[attr-defined]  # get_queryset annotates it

    # Deletions tell the owner's open screens (minNow/live.py); a deleted place takes the places under it.
    def delete_model(self, request, obj: Location) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            live.publish(obj.user_id, "location.deleted", obj.pk, full_path=obj.full_path)

    def delete_queryset(self, request, queryset: QuerySet[Location]) -> None:
        with transaction.atomic():
            deleted = list(queryset.values_list("user_id", "id", "full_path"))
            super().delete_queryset(request, queryset)
            for user_id, location_id, full_path in deleted:
                live.publish(user_id, "location.deleted", location_id, full_path=full_path)
