"""A person's open sockets (config/live.py) close once their account is gone: deleted (DELETE /api/me, a Clerk
webhook, the admin) or deactivated. Signals, so that every way of writing the row is covered."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from minNow import live
from users.models import User


def _on_user_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    live.close_sockets(instance.pk)


def _on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        live.close_sockets(instance.pk)


post_delete.connect(_on_user_deleted, sender=User, dispatch_uid="users.live.deleted")
post_save.connect(_on_user_saved, sender=User, dispatch_uid="users.live.saved")
