"""Run the periodic jobs in the foreground, on cron schedules (the `scheduler` service in compose.yaml).

- `run_email_notifications` (checkup reminders): REMINDERS_CRON, default `0 9 * * *` (09:00 UTC daily);
- `backfill_clerk_emails` (Clerk profile sync): CLERK_SYNC_CRON, default `17 * * * *` (hourly).

A schedule is a crontab line in UTC (minute hour day month weekday), or six fields with seconds first; `off`
disables the job. Days of the week must be names (`mon-fri`): APScheduler 3 counts 0 as Monday where cron counts
it as Sunday, so a number would silently mean another day. `--list` prints each job's next run and exits.

Run one scheduler per deployment. Even so, two overlapping reminder runs (a second scheduler, a manual run) never
send a reminder twice: each run claims its checkups first (docs/design.md, "Reminder emails: claims are leases").
Jobs live in memory: a run missed while the scheduler was down is not caught up, and the next one picks up what is
still due. A failing job is logged and retried at its next time; SIGTERM stops the scheduler and lets a running
job finish (a job killed mid-run is safe too: its claims expire).
"""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]  # APScheduler 3 ships no types

logger = logging.getLogger(__name__)

# (command, the setting holding its schedule: config/settings.py, "Scheduled jobs")
JOBS = (("run_email_notifications", "REMINDERS_CRON"), ("backfill_clerk_emails", "CLERK_SYNC_CRON"))
CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
# A run delayed by a busy or paused process still happens if it is at most this late; later, it waits for the next.
MISFIRE_GRACE_SECONDS = 15 * 60


def cron_trigger(variable: str, expression: str) -> CronTrigger | None:
    """The trigger for a 5-field (or 6-field, seconds first) cron line in UTC; None for `off`."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if fields == ["off"]:
        return None
    names = CRON_FIELDS if len(fields) == 5 else ("second", *CRON_FIELDS) if len(fields) == 6 else None
    if names is None:
        raise CommandError(f"{variable} must be a cron line of 5 fields (or 6, seconds first), got {expression!r}")
    if any(char.isdigit() for char in fields[-1]):
        raise CommandError(f"{variable}: write days of the week as names (mon-fri), got {fields[-1]!r}")
    try:
        return CronTrigger(timezone=UTC, **dict(zip(names, fields, strict=True)))
    except ValueError as exc:
        raise CommandError(f"{variable} is not a valid cron line ({expression!r}): {exc}") from None


def run_job(command: str) -> None:
    """One run of `command`; its failure is logged, never raised, so that the scheduler keeps going."""
    close_old_connections()
    try:
        logger.info("scheduled job started: %s", command)
        call_command(command)
        logger.info("scheduled job finished: %s", command)
    except Exception:
        logger.exception("scheduled job failed: %s", command)
    finally:
        # The job's thread sleeps until its next run (an hour or a day): a connection kept open would sit idle.
        connections.close_all()


class Command(BaseCommand):
    help = "Run the reminder and Clerk sync jobs on their cron schedules (REMINDERS_CRON, CLERK_SYNC_CRON)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--list", action="store_true", help="print each job and its next run time, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        schedule: list[tuple[str, str, CronTrigger | None]] = []
        for command, variable in JOBS:
            expression = getattr(settings, variable)
            schedule.append((command, expression, cron_trigger(variable, expression)))

        if options["list"]:
            now = datetime.now(UTC)
            for command, expression, trigger in schedule:
                next_run = trigger.get_next_fire_time(None, now) if trigger else None
                when = next_run.isoformat() if next_run else "never" if trigger else "off"
                self.stdout.write(f"{command}  [{expression}]  next run: {when}")
            return

        # Imported here, not at module level: every manage.py command loads this module's neighbours at start-up.
        from apscheduler.schedulers.blocking import BlockingScheduler  # type: ignore[import-untyped]

        scheduler = BlockingScheduler(
            timezone=UTC,
            # A job is never run twice at once, and runs missed while it was busy collapse into one.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        )
        for command, expression, trigger in schedule:
            if trigger is None:
                logger.info("scheduled job disabled: %s", command)
                continue
            scheduler.add_job(run_job, trigger, args=[command], id=command, name=command)
            logger.info("scheduled job: %s [%s]", command, expression)

        def stop(signum: int, frame: FrameType | None) -> None:
            # `docker stop` sends SIGTERM: stop taking new runs; a running job finishes before the process exits.
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        scheduler.start()
        logger.info("scheduler stopped")
