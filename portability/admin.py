"""The admin's "export selected user's data" action on the user list."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase

from portability.services import export_download
from users.admin import UserAdmin
from users.models import User


@admin.action(description="Export selected users' data (JSON)", permissions=["change"])
def export_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> HttpResponseBase | None:
    """The user's JSON export, the file GET /api/export gives them. One user at a time: each download is one
    person's data under one name, and no archive of several people's data is built in memory."""
    users = list(queryset[:2])
    if len(users) != 1:
        modeladmin.message_user(request, "Select exactly one user to export their data.", messages.WARNING)
        return None
    return export_download(users[0], "json")


# The user admin lives with users; the action that needs portability is added from here (this app is
# installed after users, so the user admin is registered by the time this module is imported).
UserAdmin.actions = (*(UserAdmin.actions or ()), export_data)
