"""Background tasks: plain functions the management commands use, and Celery tasks when Celery exists.

Celery is optional (not in requirements). With it installed, start a worker with
`celery -A items.background.tasks worker --loglevel=info` (broker: REDIS_URL).
"""

from __future__ import annotations

import os

import django


def add(x: int, y: int) -> int:
    return x + y


def send_checkup_reminders() -> dict[str, int]:
    from items.reminders import send_due_reminders

    run = send_due_reminders()
    return {"sent": run.sent, "skipped": run.skipped, "failed": run.failed}


def backfill_checkups() -> int:
    from items.selectors import missing_default_checkups
    from items.services import CheckupService

    missing = missing_default_checkups()
    return CheckupService.create_missing_default_checkups([user for user, _ in missing])


try:
    from celery import Celery
except ImportError:  # Celery is optional
    app = None
else:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    app = Celery("minnow", broker=settings.REDIS_URL or "redis://127.0.0.1:6379/0")
    app.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json", worker_pool="solo")
    add = app.task(name="minnow.add")(add)
    send_checkup_reminders = app.task(name="minnow.send_checkup_reminders")(send_checkup_reminders)
    backfill_checkups = app.task(name="minnow.backfill_checkups")(backfill_checkups)
