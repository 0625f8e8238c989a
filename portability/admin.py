"""The admin's "export selected user's data" action on the user list."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext, gettext_lazy

from portability.http import download_response
from portability.services import export_file
from users.admin import UserAdmin
from users.models import User


@admin.action(description=gettext_lazy("Export selected users' data (JSON)"), permissions=["change"])
def export_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> HttpResponseBase | None:
    """The user's JSON export, the file GET /api/export gives them. One user at a time: each download is one
    person's data under one name, and no archive of several people's data is built in memory."""
    users = list(queryset[:2])
    if len(users) != 1:
        modeladmin.message_user(request, gettext("Select exactly one user to export their data."), messages.WARNING)
        return None
    return download_response(export_file(users[0], "json"))


# The user admin lives with users; the one action that needs portability is added here, by registering the
# user admin again with it (this app is installed after users, so its admin is registered by now).
admin.site.unregister(User)


@admin.register(User)
class UserAdminWithExport(UserAdmin):
    actions = (export_data,)
