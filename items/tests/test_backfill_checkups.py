"""`backfill_checkups`, `run_addition_task` and the background task module.

Users whose default checkups were deleted get exactly the missing ones back (keep, give or both),
a dry run lists them and writes nothing, a second run creates nothing; existing checkups keep their
dates and intervals. `run_addition_task` adds; `items.background.tasks` works without Celery.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import sys
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command

from config.testing import make_user
from items.background import tasks
from items.models import Checkup, CheckupType
from users.models import User

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 5, 10, 12, 0, tzinfo=UTC)


def backfill(*args: str) -> str:
    out = io.StringIO()
    call_command("backfill_checkups", *args, stdout=out)
    return out.getvalue()


def types_by_user() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for username, kind in Checkup.objects.order_by("checkup_type").values_list("user__username", "checkup_type"):
        result.setdefault(username, []).append(kind)
    return result


@pytest.fixture
def users_missing_checkups(db) -> dict[str, User]:
    """complete: both; nokeep: give only; nogive: keep only; none: neither."""
    users = {name: make_user(name) for name in ("complete", "nokeep", "nogive", "bare")}
    Checkup.objects.filter(user=users["nokeep"], checkup_type=CheckupType.KEEP).delete()
    Checkup.objects.filter(user=users["nogive"], checkup_type=CheckupType.GIVE).delete()
    Checkup.objects.filter(user=users["bare"]).delete()
    return users


def test_dry_run_lists_the_users_and_missing_types_and_writes_nothing(users_missing_checkups):
    before = sorted(Checkup.objects.values_list("pk", "user_id", "checkup_type", "last_checkup_date"))

    output = backfill("--dry-run")

    assert output.splitlines() == [
        "would create: nokeep@example.com keep",
        "would create: nogive@example.com give",
        "would create: bare@example.com keep, give",
        "dry run: 4 checkup(s) for 3 user(s)",
    ]
    assert sorted(Checkup.objects.values_list("pk", "user_id", "checkup_type", "last_checkup_date")) == before


def test_backfill_creates_exactly_the_missing_checkups_and_prints_the_count(users_missing_checkups):
    complete = users_missing_checkups["complete"]
    Checkup.objects.filter(user=complete).update(
        last_checkup_date=datetime(2024, 1, 1, tzinfo=UTC), checkup_interval_months=3
    )
    kept = {c.pk: c.last_checkup_date for c in Checkup.objects.all()}

    with time_machine.travel(NOW, tick=False):
        output = backfill()

    assert output.splitlines() == ["created 4 checkup(s) for 3 user(s)"]
    assert types_by_user() == {name: ["give", "keep"] for name in ("complete", "nokeep", "nogive", "bare")}
    assert Checkup.objects.count() == 8
    created = Checkup.objects.exclude(pk__in=kept)
    assert sorted(created.values_list("user__username", "checkup_type")) == [
        ("bare", "give"),
        ("bare", "keep"),
        ("nogive", "give"),
        ("nokeep", "keep"),
    ]
    assert {(c.last_checkup_date, c.checkup_interval_months) for c in created} == {(NOW, 1)}
    assert {c.pk: c.last_checkup_date for c in Checkup.objects.filter(pk__in=kept)} == kept
    assert set(Checkup.objects.filter(user=complete).values_list("checkup_interval_months", flat=True)) == {3}


def test_a_second_run_creates_nothing(users_missing_checkups):
    backfill()

    output = backfill()

    assert output.splitlines() == ["created 0 checkup(s) for 0 user(s)"]
    assert Checkup.objects.count() == 8


def test_verbose_lists_each_user_it_creates_for(users_missing_checkups):
    output = backfill("--verbose")

    assert output.splitlines() == [
        "creating: nokeep@example.com keep",
        "creating: nogive@example.com give",
        "creating: bare@example.com keep, give",
        "created 4 checkup(s) for 3 user(s)",
    ]


def test_a_user_without_an_email_is_listed_by_username(db):
    ghost = make_user("ghost")
    User.objects.filter(pk=ghost.pk).update(email="")
    Checkup.objects.filter(user=ghost).delete()

    output = backfill("--dry-run")

    assert output.splitlines() == ["would create: ghost keep, give", "dry run: 2 checkup(s) for 1 user(s)"]


def test_with_nothing_missing_the_backfill_reports_zero(alice, bob):
    assert backfill("--dry-run").splitlines() == ["dry run: 0 checkup(s) for 0 user(s)"]
    assert backfill().splitlines() == ["created 0 checkup(s) for 0 user(s)"]
    assert Checkup.objects.count() == 4


def test_backfill_of_bulk_created_users_without_signals(db, django_assert_max_num_queries):
    """bulk_create fires no post_save: such users have no checkups until the backfill runs."""
    User.objects.bulk_create(User(username=f"bulk{n:04d}", clerk_id=f"user_bulk{n:04d}") for n in range(1200))
    assert Checkup.objects.count() == 0

    # 2 reads, 2 counts, and the INSERTs: 3 on PostgreSQL (1000 rows each), ~10 on SQLite (999 variables)
    with django_assert_max_num_queries(20):
        output = backfill()

    assert output.splitlines() == ["created 2400 checkup(s) for 1200 user(s)"]
    assert Checkup.objects.count() == 2400


# --- run_addition_task ---------------------------------------------------------------------------
def test_run_addition_task_verbose_prints_the_sum():
    out = io.StringIO()

    call_command("run_addition_task", "--x", "16", "--y", "16", "--verbose", stdout=out)

    assert out.getvalue().splitlines() == ["16 + 16 = 32"]


def test_run_addition_task_prints_only_the_result_without_verbose():
    out = io.StringIO()

    call_command("run_addition_task", "--x", "-4", "--y", "10", stdout=out)

    assert out.getvalue().splitlines() == ["6"]


# --- Background tasks ----------------------------------------------------------------------------
def test_celery_is_not_installed_and_the_tasks_module_works_without_it():
    assert importlib.util.find_spec("celery") is None
    assert tasks.app is None
    assert tasks.add(2, 3) == 5


def test_tasks_module_imports_when_celery_cannot_be_imported(monkeypatch):
    monkeypatch.setitem(sys.modules, "celery", None)  # any `import celery` now raises ImportError

    reloaded = importlib.reload(tasks)

    assert reloaded.app is None
    assert reloaded.add(2, 3) == 5


def test_backfill_checkups_task_returns_the_created_count(users_missing_checkups):
    assert tasks.backfill_checkups() == 4
    assert tasks.backfill_checkups() == 0
    assert Checkup.objects.count() == 8


def test_send_checkup_reminders_task_returns_the_run_summary(mailoutbox):
    dora = make_user("dora", email_notifications=True)
    Checkup.objects.filter(user=dora).update(last_checkup_date=datetime(2024, 1, 1, tzinfo=UTC))

    assert tasks.send_checkup_reminders() == {"sent": 2, "skipped": 0, "failed": 0}
    assert len(mailoutbox) == 2
    assert tasks.send_checkup_reminders() == {"sent": 0, "skipped": 0, "failed": 0}
