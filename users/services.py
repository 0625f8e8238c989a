"""User use cases shared by the other apps."""

from __future__ import annotations

from users.models import User


def lock_user(user: User) -> None:
    """Lock the user's row until the end of the current transaction.

    Every write that must see a user's data as a whole (the item and location limits, the location tree,
    placing an item in a location) takes this lock first, so such writes for one user run one after
    another and each reads what the previous one committed. On SQLite a write transaction already
    excludes all others (`BEGIN IMMEDIATE`), so this is a no-op there.
    """
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
