"""Django admin for users."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from users.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "clerk_id", "is_admin", "email_notifications", "is_active", "date_joined")
    list_filter = ("is_admin", "email_notifications", "is_active", "is_staff")
    search_fields = ("username", "email", "clerk_id", "first_name", "last_name")
    readonly_fields = ("clerk_synced_at",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("MinNow", {"fields": ("clerk_id", "is_admin", "email_notifications", "clerk_synced_at")}),
    )
