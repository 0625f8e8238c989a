"""`run_scheduler`: the schedules it reads (REMINDERS_CRON, CLERK_SYNC_CRON) and refuses, `--list`, a failing job
not stopping it, start-up staying light, and a real scheduler process firing the reminder job and stopping on
SIGTERM."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from config.testing import PROJECT_DIR, database_url, make_user
from items.management.commands import run_scheduler
from items.models import Checkup

# 2026-03-01 is a Sunday.
FROZEN = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def listed(**schedules: str) -> list[str]:
    """`run_scheduler --list` at FROZEN with the schedules in `schedules` (the others as configured)."""
    out = io.StringIO()
    with override_settings(**schedules), time_machine.travel(FROZEN, tick=False):
        call_command("run_scheduler", "--list", stdout=out)
    return out.getvalue().splitlines()


# --- Schedules -----------------------------------------------------------------------------------
def test_the_default_schedules_are_daily_at_nine_utc_and_hourly_at_seventeen_past():
    assert listed() == [
        "run_email_notifications  [0 9 * * *]  next run: 2026-03-01T09:00:00+00:00",
        "backfill_clerk_emails  [17 * * * *]  next run: 2026-03-01T09:17:00+00:00",
    ]


def test_the_schedules_come_from_the_settings():
    lines = listed(REMINDERS_CRON="30 7 * * mon-fri", CLERK_SYNC_CRON="0 */6 * * *")

    assert lines == [
        "run_email_notifications  [30 7 * * mon-fri]  next run: 2026-03-02T07:30:00+00:00",
        "backfill_clerk_emails  [0 */6 * * *]  next run: 2026-03-01T12:00:00+00:00",
    ]


def test_six_fields_count_seconds_and_off_disables_a_job():
    lines = listed(REMINDERS_CRON="*/20 * * * * *", CLERK_SYNC_CRON="off")

    assert lines == [
        "run_email_notifications  [*/20 * * * * *]  next run: 2026-03-01T08:30:00+00:00",
        "backfill_clerk_emails  [off]  next run: off",
    ]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 25 * * *", "REMINDERS_CRON is not a valid cron line ('0 25 * * *')"),
        ("0 9 * *", "REMINDERS_CRON must be a cron line of 5 fields (or 6, seconds first), got '0 9 * *'"),
        ("every day", "REMINDERS_CRON must be a cron line of 5 fields"),
        ("0 9 * * 1", "REMINDERS_CRON: write days of the week as names (mon-fri), got '1'"),
    ],
)
def test_an_invalid_schedule_stops_the_command_with_its_reason(expression, message):
    with pytest.raises(CommandError) as failure:
        listed(REMINDERS_CRON=expression)

    assert message in str(failure.value)


# --- A job's failure -----------------------------------------------------------------------------
def test_a_failing_job_is_logged_and_not_raised(monkeypatch, caplog):
    def failing(name: str) -> None:
        raise CommandError(f"{name} failed")

    monkeypatch.setattr(run_scheduler, "call_command", failing)

    with caplog.at_level(logging.INFO, logger=run_scheduler.__name__):
        run_scheduler.run_job("run_email_notifications")

    failed = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert [record.getMessage() for record in failed] == ["scheduled job failed: run_email_notifications"]
    assert failed[0].exc_info is not None


# --- Start-up ------------------------------------------------------------------------------------
@pytest.mark.slow  # a fresh process (about a second)
def test_loading_the_command_does_not_import_apscheduler():
    script = (
        "import sys, django; django.setup()\n"
        "from django.core.management import load_command_class\n"
        "load_command_class('items', 'run_scheduler')\n"
        "print(sorted(name for name in sys.modules if name.startswith('apscheduler')))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "CRITICAL"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


# --- A real scheduler ----------------------------------------------------------------------------
@pytest.mark.slow  # manage.py in a fresh process, for a few seconds
def test_the_scheduler_runs_the_reminder_job_on_time_and_stops_on_sigterm(transactional_db):
    """`run_scheduler` with the reminders every second sends a due user's reminders (their checkups move to now),
    prints the job's summary, and exits cleanly on SIGTERM, as `docker stop` sends it."""
    user = make_user("scheduled", email_notifications=True)
    old = timezone.now() - relativedelta(months=2)
    Checkup.objects.filter(user=user).update(last_checkup_date=old)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"PROD", "SECRET_KEY"}},
        "DATABASE_URL": database_url(),
        "REMINDERS_CRON": "* * * * * *",
        "CLERK_SYNC_CRON": "off",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MAILERSEND_API_KEY": "",
        "LOG_LEVEL": "INFO",
    }
    scheduler = subprocess.Popen(
        [sys.executable, "manage.py", "run_scheduler"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Checkup.objects.filter(user=user, last_checkup_date=old).exists():
            time.sleep(0.2)
        dates = set(Checkup.objects.filter(user=user).values_list("last_checkup_date", flat=True))
    finally:
        scheduler.send_signal(signal.SIGTERM)
        stdout, stderr = scheduler.communicate(timeout=30)

    assert old not in dates, stdout + stderr
    assert scheduler.returncode == 0, stderr
    lines = stdout.splitlines()
    assert "summary: sent 2, skipped 0, failed 0" in lines
    messages = [json.loads(line)["message"] for line in lines if line.startswith("{")]
    assert "scheduled job: run_email_notifications [* * * * * *]" in messages
    assert "scheduled job disabled: backfill_clerk_emails" in messages
    assert "scheduled job finished: run_email_notifications" in messages
    assert "scheduled job failed: run_email_notifications" not in messages
    assert messages[-1] == "scheduler stopped"
