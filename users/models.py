"""The MinNow user: a Django user linked to a Clerk account."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    clerk_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    is_admin = models.BooleanField(default=False, help_text="Bypasses the item limit.")
    email_notifications = models.BooleanField(default=False, help_text="Receives checkup reminder emails.")
    clerk_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "minnow_user"

    def __str__(self) -> str:
        return self.email or self.username


def is_user_admin(user: User) -> bool:
    return bool(user.is_admin)
