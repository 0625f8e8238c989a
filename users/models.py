"""The MinNow user: a Django user linked to a Clerk account."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


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


class WebhookDelivery(models.Model):
    """A webhook delivery already applied, by its Svix message id.

    Svix keeps a message's id across its retries and resends, so the unique id is what makes a second
    delivery of the same message a no-op: it is inserted in the same transaction as the delivery's effect,
    and the database refuses the second insert even when both arrive at once. Rows are pruned once they are
    older than users.services.DELIVERY_RETENTION.
    """

    svix_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "minnow_webhook_delivery"

    def __str__(self) -> str:
        return f"{self.event_type} {self.svix_id}"
