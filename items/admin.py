"""Django admin for items and checkups."""

from django.contrib import admin

from items.models import Checkup, OwnedItem


@admin.register(OwnedItem)
class OwnedItemAdmin(admin.ModelAdmin):
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
