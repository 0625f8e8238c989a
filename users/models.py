"""The MinNow user: a Django user linked to a Clerk account."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import date, datetime, tzinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Language(models.TextChoices):
    """The languages MinNow speaks: API messages, type labels, badge names and emails."""

    EN = "en", "English"
    ES = "es", "Español"
    DE = "de", "Deutsch"
    FR = "fr", "Français"


@functools.cache
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows (the tzdata package), e.g. `Europe/Berlin`."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> None:
    if name not in time_zone_names():
        raise ValidationError(f"{name!r} is not an IANA time zone name (such as Europe/Berlin)")


class User(AbstractUser):
    clerk_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    is_admin = models.BooleanField(default=False, help_text="Bypasses the item limit.")
    email_notifications = models.BooleanField(default=False, help_text="Receives checkup reminder emails.")
    clerk_synced_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.EN, help_text="Messages and emails."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="An IANA name: what 'today' means for this person.",
    )

    class Meta:
        db_table = "minnow_user"

    def __str__(self) -> str:
        return self.email or self.username

    @property
    def zone(self) -> tzinfo:
        """The person's time zone (UTC for a name this machine does not know)."""
        return zoneinfo.ZoneInfo(self.time_zone) if self.time_zone in time_zone_names() else zoneinfo.ZoneInfo("UTC")

    def local_now(self, now: datetime | None = None) -> datetime:
        """`now` (the current moment by default) on the person's clock."""
        return (now or timezone.now()).astimezone(self.zone)

    def today(self, now: datetime | None = None) -> date:
        """The person's calendar date at `now` (the current moment by default)."""
        return self.local_now(now).date()


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
