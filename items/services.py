"""Write use cases for items and checkups; each runs in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from items import history
from items.models import EDITABLE_ITEM_FIELDS, Checkup, CheckupType, ItemStatus, OwnedItem
from items.reminders import build_reminder, reminder_item_count
from locations.models import Location
from locations.services import LocationService
from minNow import ratelimit
from minNow.errors import BadRequest, NotFound, UpstreamError
from users.models import User, is_user_admin
from users.services import lock_user, update_profile

TEST_EMAILS_PER_HOUR = 5
ITEM_FIELDS = set(EDITABLE_ITEM_FIELDS)


def _owned_location(user: User, location_id: UUID | None) -> Location | None:
    if location_id is None:
        return None
    return LocationService.owned(user=user, location_id=location_id, field="current_location_id")


def ensure_item_capacity(user: User, *, adding: int) -> None:
    """Refuse to go over the item limit. Call inside a transaction: it locks the user's row so that
    concurrent creations for one user queue up and see each other's items."""
    lock_user(user)
    refuse_over_item_limit(user, adding=adding)


def refuse_over_item_limit(user: User, *, adding: int) -> None:
    """Raise BadRequest when `adding` more items would take `user` over MAX_ITEMS_PER_USER. Without the user
    lock this is only an early answer; ensure_item_capacity is the check that holds under concurrency."""
    if is_user_admin(user):
        return
    count = OwnedItem.objects.filter(user=user).count()
    limit = settings.MAX_ITEMS_PER_USER
    if count + adding > limit:
        remaining = max(limit - count, 0)
        raise BadRequest(
            " ".join(
                (
                    ngettext("Cannot add %(adding)d item(s).", "Cannot add %(adding)d item(s).", adding)
                    % {"adding": adding},
                    ngettext("You have %(count)d/%(limit)d items.", "You have %(count)d/%(limit)d items.", limit)
                    % {"count": count, "limit": limit},
                    ngettext(
                        "Only %(remaining)d slot(s) remaining.", "Only %(remaining)d slot(s) remaining.", remaining
                    )
                    % {"remaining": remaining},
                )
            )
        )


class ItemService:
    @staticmethod
    def create_item(
        *,
        user: User,
        name: str,
        picture_url: str,
        item_type: str,
        item_received_date: datetime,
        last_used: datetime,
        status: str = ItemStatus.KEEP,
        ownership_duration_goal_months: int = 12,
        current_location_id: UUID | None = None,
    ) -> OwnedItem:
        with transaction.atomic():
            ensure_item_capacity(user, adding=1)  # also holds the user's lock, so the location cannot vanish
            location = _owned_location(user, current_location_id)
            item = OwnedItem.objects.create(
                user=user,
                name=name,
                picture_url=picture_url,
                item_type=item_type,
                status=status,
                item_received_date=item_received_date,
                last_used=last_used,
                ownership_duration_goal_months=ownership_duration_goal_months,
                current_location=location,
                location_updated_at=timezone.now() if location else None,
            )
            history.record_created(item)
        return item

    @staticmethod
    def update_item(*, user: User, item_id: UUID, **changes: Any) -> OwnedItem:
        unknown = set(changes) - ITEM_FIELDS - {"current_location_id"}
        if unknown:
            raise BadRequest(
                ngettext("Unknown item field(s): %(fields)s", "Unknown item field(s): %(fields)s", len(unknown))
                % {"fields": ", ".join(sorted(unknown))}
            )
        with transaction.atomic():
            if changes.get("current_location_id"):
                lock_user(user)  # placing an item is a location write: it queues behind a delete of that place
            # The place comes along (unlocked) for the item's full search text and its JSON.
            item = (
                OwnedItem.objects.select_for_update(of=("self",))
                .select_related("current_location")
                .filter(user=user, pk=item_id)
                .first()
            )
            if item is None:
                raise NotFound(gettext("Item not found"))
            before = history.snapshot(item)
            if "current_location_id" in changes:
                location = _owned_location(user, changes.pop("current_location_id"))
                if item.current_location_id != (location.pk if location else None):
                    changes.update(current_location=location, location_updated_at=timezone.now())
            for field, value in changes.items():
                setattr(item, field, value)
            if changes:
                item.save(update_fields=[*changes, "updated_at"])
                history.record_changed(item, before)
        return item

    @staticmethod
    def delete_item(*, user: User, item_id: UUID) -> None:
        """Delete the item and record it, its last name read by the delete itself (RETURNING): no item row
        refers to an item, so the one DELETE is all Django's delete would run too."""
        table = connection.ops.quote_name(OwnedItem._meta.db_table)
        pk = OwnedItem._meta.pk.get_db_prep_value(item_id, connection)
        # No savepoint: nothing in the block is undone on its own, and a missing item is raised after it.
        with transaction.atomic(savepoint=False):
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE user_id = %s AND id = %s RETURNING name", [user.pk, pk])  # noqa: S608
                row = cursor.fetchone()
            if row is not None:
                history.record_deleted([(user.pk, item_id, row[0])])
        if row is None:
            raise NotFound(gettext("Item not found"))


class CheckupService:
    @staticmethod
    def create_default_checkups(user: User) -> None:
        """One `keep` and one `give` checkup, monthly from now; existing ones are left alone."""
        now = timezone.now()
        Checkup.objects.bulk_create(
            [Checkup(user=user, checkup_type=kind, last_checkup_date=now) for kind in CheckupType.values],
            ignore_conflicts=True,
        )

    @staticmethod
    def create_missing_default_checkups(users: list[User]) -> int:
        """Create the missing defaults for these users; returns how many checkups were created."""
        now = timezone.now()
        before = Checkup.objects.filter(user__in=users).count()
        Checkup.objects.bulk_create(
            [
                Checkup(user=user, checkup_type=kind, last_checkup_date=now)
                for user in users
                for kind in CheckupType.values
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        return Checkup.objects.filter(user__in=users).count() - before

    @staticmethod
    def create_checkup(*, user: User, checkup_type: str = CheckupType.KEEP, interval_months: int = 1) -> Checkup:
        try:
            with transaction.atomic():
                return Checkup.objects.create(
                    user=user, checkup_type=checkup_type, checkup_interval_months=interval_months
                )
        except IntegrityError:
            raise BadRequest(
                gettext("A keep checkup already exists")
                if checkup_type == CheckupType.KEEP
                else gettext("A give checkup already exists")
            ) from None

    @staticmethod
    def complete_checkup(*, user: User, checkup_id: int) -> Checkup:
        return CheckupService._update(user=user, checkup_id=checkup_id, last_checkup_date=timezone.now())

    @staticmethod
    def change_checkup_interval(*, user: User, checkup_id: int, months: int) -> Checkup:
        if not 1 <= months <= 12:
            raise BadRequest(gettext("Checkup interval must be between 1 and 12 months"))
        return CheckupService._update(user=user, checkup_id=checkup_id, checkup_interval_months=months)

    @staticmethod
    def _update(*, user: User, checkup_id: int, **fields: Any) -> Checkup:
        with transaction.atomic():
            checkup = Checkup.objects.select_for_update().filter(user=user, pk=checkup_id).first()
            if checkup is None:
                raise NotFound(gettext("Checkup not found"))
            for field, value in fields.items():
                setattr(checkup, field, value)
            checkup.save(update_fields=list(fields))
        checkup.user = user  # its due date reads the owner's time zone
        return checkup

    @staticmethod
    def send_checkup_emails(user: User, checkup_types: Sequence[str]) -> list[dict[str, Any]]:
        """Send these reminders (keep, give) to the user now, due or not; the checkups' dates are left alone. One
        request of TEST_EMAILS_PER_HOUR an hour per person (ratelimit.person_key), whether it sends one reminder or
        both."""
        if not user.email:
            raise BadRequest(gettext("Your account has no email address"))
        ratelimit.enforce(f"test-email:{ratelimit.person_key(user)}", limit=TEST_EMAILS_PER_HOUR, window=3600)
        sent = []
        for checkup_type in checkup_types:
            message = build_reminder(user, checkup_type, reminder_item_count(user, checkup_type))
            try:
                message.send()
            except Exception as exc:
                raise UpstreamError(gettext("The email provider failed to send the reminder")) from exc
            sent.append(
                {
                    "checkup_type": checkup_type,
                    "status": "sent",
                    "recipient_email": user.email,
                    "recipient_username": user.username,
                }
            )
        return sent

    @staticmethod
    def sync_preferences(*, user: User, interval_months: int, email_notifications: bool) -> list[Checkup]:
        """Store the email preference and set every checkup's interval, creating missing ones."""
        if not 1 <= interval_months <= 12:
            raise BadRequest(gettext("Checkup interval must be between 1 and 12 months"))
        with transaction.atomic():
            update_profile(user, {"email_notifications": email_notifications})
            CheckupService.create_default_checkups(user)
            Checkup.objects.filter(user=user).update(checkup_interval_months=interval_months)
            checkups = list(Checkup.objects.filter(user=user).order_by("id"))
        for checkup in checkups:
            checkup.user = user  # their due dates read the owner's time zone
        return checkups
