"""Django admin for users."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase

from portability.services import export_download
from users.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "clerk_id", "is_admin", "email_notifications", "is_active", "date_joined")
    list_filter = ("is_admin", "email_notifications", "is_active", "is_staff")
    search_fields = ("username", "email", "clerk_id", "first_name", "last_name")
    readonly_fields = ("clerk_synced_at",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("MinNow", {"fields": ("clerk_id", "is_admin", "email_notifications", "clerk_synced_at")}),
    )
    actions = ("export_data",)

    @admin.action(description="Export selected users' data (JSON)", permissions=["change"])
    def export_data(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponseBase | None:
        """The user's JSON export, the file GET /api/export gives them. One user at a time: each download is
        one person's data under one name, and no archive of several people's data is built in memory."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, "Select exactly one user to export their data.", messages.WARNING)
            return None
        return export_download(users[0], "json")
