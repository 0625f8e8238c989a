"""Every new user gets its default keep and give checkups, whichever way it was created."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from items.services import CheckupService


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="items.default_checkups")
def create_default_checkups(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        CheckupService.create_default_checkups(instance)
