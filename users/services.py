"""User use cases: creating users from Clerk ids, Clerk webhooks or dev emails, updating profiles, locking,
deleting, and the bookkeeping of webhook deliveries already applied."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from minNow import clerk
from users.cache import user_changed
from users.models import User, WebhookDelivery

logger = logging.getLogger(__name__)

# Svix retries a failed delivery for about 28 hours with the same id; a delivery whose answer was lost is
# such a retry of one already applied, so ids are kept longer than that.
DELIVERY_RETENTION = timedelta(days=3)
PRUNE_BATCH = 100  # at most this many old ids are deleted per delivery, so pruning costs a bounded time


def lock_user(user: User) -> None:
    """Lock the user's row until the end of the current transaction.

    Every write that must see a user's data as a whole (the item and location limits, the location tree,
    placing an item in a location) takes this lock first, so such writes for one user run one after
    another and each reads what the previous one committed (docs/design.md, "Per-user limits and the user
    lock"). On SQLite a write transaction already excludes all others, so this is a no-op there.
    """
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def user_by_clerk_id(clerk_id: str) -> User | None:
    """The user with this Clerk id, or None. Every authenticated request runs this one lookup, so its SQL is
    compiled by the ORM once per database backend and then run as a raw query (about 0.3 ms a request less
    than compiling `filter(...).first()` each time); the row still goes through the fields' converters."""
    return next(iter(User.objects.raw(_by_clerk_id_sql(connection.vendor), [clerk_id])), None)


@functools.cache
def _by_clerk_id_sql(vendor: str) -> str:
    sql, _params = User.objects.filter(clerk_id="").order_by()[:1].query.sql_with_params()
    return sql


def user_for_clerk_id(clerk_id: str, **profile: Any) -> User:
    """The user with this Clerk id, created with `profile` when there is none (its keep and give checkups
    come with it). Two first requests at once both get the one user. The username is the Clerk id, or the
    id with a random suffix when another account already holds that username."""
    for username in (clerk_id, f"{clerk_id[:140]}-{secrets.token_hex(4)}"):
        try:
            user, _created = User.objects.get_or_create(clerk_id=clerk_id, defaults={"username": username, **profile})
        except IntegrityError:  # the username is another account's; get_or_create already re-read the id
            continue
        return user
    raise IntegrityError(f"Could not create a user for {clerk_id}")


def dev_clerk_id(email: str) -> str:
    """The stable Clerk id a development user gets for an email."""
    return "dev_" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def dev_user_for_email(email: str) -> User:
    """The local user with this email, created (with a stable dev Clerk id) when there is none."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        return user_for_clerk_id(dev_clerk_id(email), email=email)
    if not user.clerk_id:
        update_profile(user, {"clerk_id": dev_clerk_id(email)})
    return user


def update_profile(user: User, profile: dict[str, Any]) -> list[str]:
    """Store the fields of `profile` that differ from the user's; returns the fields that changed."""
    changed = [field for field, value in profile.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, profile[field])
    if changed:
        user.save(update_fields=changed)
    return changed


def sync_emails(emails: dict[str, str], *, dry_run: bool = False) -> list[tuple[str, str, str]]:
    """Give each user (by Clerk id) the non-empty email `emails` holds for them, in one UPDATE; returns
    `(clerk_id, old email, new email)` per change. A dry run changes nothing."""
    changes, changed_users = [], []
    for user in User.objects.filter(clerk_id__in=emails):
        clerk_id = cast(str, user.clerk_id)  # the filter above leaves no user without one
        email = emails[clerk_id]
        if email and email != user.email:
            changes.append((clerk_id, user.email, email))
            user.email = email
            changed_users.append(user)
    if changed_users and not dry_run:
        User.objects.bulk_update(changed_users, ["email"])
        user_changed(*(user.clerk_id for user in changed_users))
    return changes


def delete_user(user: User) -> None:
    """Delete the user and everything that is theirs (items, locations, checkups) in one transaction.

    The user lock comes first, so a write of theirs that is under way finishes (or waits and then finds no
    user) instead of adding a row to a user being deleted. Deleting the user row cascades to everything
    that points at it, including tables added later. Location.parent is RESTRICT, which Django's collector
    allows here because every child goes with its parent; the database checks the foreign keys at commit
    (Django declares them DEFERRABLE INITIALLY DEFERRED on SQLite and PostgreSQL), so the order in which
    the tree's rows are deleted does not matter.
    """
    with transaction.atomic():
        lock_user(user)
        user.delete()


# --- Clerk webhooks ---------------------------------------------------------------------------------
def profile_from_clerk_webhook(clerk_user: dict[str, Any]) -> dict[str, Any]:
    """User fields from a webhook's user object, which has the Backend API's shape. The object is the whole
    current profile, so it counts as a sync and the next request does not fetch the profile again."""
    return {**clerk.profile_from_clerk_user(clerk_user), "clerk_synced_at": timezone.now()}


def create_user_from_clerk(clerk_user: dict[str, Any]) -> User:
    """The user of a `user.created` event, with its checkups; a user first seen through a token before the
    event arrived is refreshed instead."""
    profile = profile_from_clerk_webhook(clerk_user)
    user = user_for_clerk_id(clerk_user["id"], **profile)
    update_profile(user, profile)
    return user


def update_user_from_clerk(clerk_user: dict[str, Any]) -> User | None:
    """Refresh the profile of a `user.updated` event's user; None when there is no such user. An unknown user
    is not created: they are on their first sign-in, and a late update of an account already deleted must
    not bring it back."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(clerk_id=clerk_user["id"]).first()
        if user is not None:
            update_profile(user, profile_from_clerk_webhook(clerk_user))
        return user


def delete_user_by_clerk_id(clerk_id: str) -> bool:
    """Delete the user of a `user.deleted` event as DELETE /api/me does; False when there is no such user."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(clerk_id=clerk_id).first()
        if user is None:
            return False
        delete_user(user)
        return True


# --- Webhook deliveries -----------------------------------------------------------------------------
def apply_delivery_once(svix_id: str, event_type: str, apply: Callable[[], str]) -> str | None:
    """The note `apply` returns, run in the transaction that records the delivery, then old ids pruned; None, with
    `apply` not run, when this id was applied before. An exception from `apply` rolls the record back too, so
    a retry of that delivery is applied afresh."""
    with transaction.atomic():
        if not record_delivery(svix_id, event_type):
            return None
        result = apply()
    prune_deliveries()
    return result


def record_delivery(svix_id: str, event_type: str) -> bool:
    """Record the delivery in the caller's transaction; False when its id was recorded before.

    The insert sits in a savepoint so that the duplicate's IntegrityError leaves the outer transaction
    usable. On PostgreSQL a concurrent insert of the same id waits for the first transaction: it fails if
    that one commits and succeeds (and applies the event) if it rolls back.
    """
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(svix_id=svix_id, event_type=event_type)
    except IntegrityError:
        return False
    return True


def prune_deliveries() -> int:
    """Delete up to PRUNE_BATCH delivery ids older than DELIVERY_RETENTION, oldest first; returns how many.

    Run after each applied delivery, outside its transaction so that it never holds up or fails the delivery:
    every delivery adds one id and removes up to a hundred, so the table holds about DELIVERY_RETENTION's
    worth of deliveries. A failure is only logged.
    """
    cutoff = timezone.now() - DELIVERY_RETENTION
    oldest = WebhookDelivery.objects.filter(received_at__lt=cutoff).order_by("received_at")[:PRUNE_BATCH]
    try:
        ids = list(oldest.values_list("pk", flat=True))
        deleted, _by_model = WebhookDelivery.objects.filter(pk__in=ids).delete() if ids else (0, {})
    except DatabaseError as exc:
        logger.warning("Pruning webhook deliveries failed: %s", exc.__class__.__name__)
        return 0
    return deleted
