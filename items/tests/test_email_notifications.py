"""The checkup reminder job `run_email_notifications` (docs/design.md "Reminder emails: claims are leases").

Covers: who gets a reminder (opted in, has an email, checkup due), the exact messages, dates moved
to now, a second run sending nothing, --dry-run / --verbose / --log-file, a failing provider
(MailerSend on a loopback server answering 500, then 202: dates released exactly and retried), a
per-user failure not stopping the others, the optimistic claim (a checkup changed under the job is
skipped; two concurrent runs never send twice), the query budget and wall time for 2,000 users, and
the calendar-month due rule (Jan 31 + 1 month = Feb 28/29).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from config.testing import PROJECT_DIR, database_url, make_item, make_items, make_user, run_concurrently
from config.tests.servers import LoopbackServer, Recorded, Reply
from items import reminders
from items.models import Checkup, CheckupType, ItemStatus
from users.models import User

pytestmark = pytest.mark.django_db

KEEP_SUBJECT = "Your Keep Checkup Reminder"
GIVE_SUBJECT = "Your Give Checkup Reminder"


# --- Helpers -------------------------------------------------------------------------------------
def make_due(user: User, *, months_ago: int = 2, checkup_type: str | None = None) -> datetime:
    """Date the user's checkups (or one of them) `months_ago` months back, so they are due."""
    old = timezone.now() - relativedelta(months=months_ago)
    checkups = Checkup.objects.filter(user=user)
    if checkup_type:
        checkups = checkups.filter(checkup_type=checkup_type)
    checkups.update(last_checkup_date=old)
    return old


def dates_of(*users: User) -> dict[tuple[str, str], datetime]:
    """(username, checkup type) -> last_checkup_date, straight from the database."""
    return {
        (c.user.username, c.checkup_type): c.last_checkup_date
        for c in Checkup.objects.filter(user__in=users).select_related("user")
    }


def run(*args: str) -> str:
    """Run the job and return what it printed."""
    out = io.StringIO()
    call_command("run_email_notifications", *args, stdout=out)
    return out.getvalue()


def run_expecting_failure(*args: str) -> tuple[str, CommandError]:
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("run_email_notifications", *args, stdout=out)
    return out.getvalue(), failure.value


def sent_pairs(outbox) -> Counter:
    """How many times each (recipient, subject) was sent."""
    return Counter((tuple(message.to), message.subject) for message in outbox)


@pytest.fixture
def three_users(db) -> dict[str, User]:
    """Opted in + due, opted in + not due, opted out + due."""
    due_in = make_user("duein", email_notifications=True)
    fresh_in = make_user("freshin", email_notifications=True)
    due_out = make_user("dueout", email_notifications=False)
    make_due(due_in)
    make_due(due_out)
    return {"due_in": due_in, "fresh_in": fresh_in, "due_out": due_out}


# --- Who gets what -------------------------------------------------------------------------------
def test_only_the_opted_in_due_user_gets_a_keep_and_a_give_reminder(three_users, mailoutbox):
    due_in, fresh_in, due_out = three_users["due_in"], three_users["fresh_in"], three_users["due_out"]
    before = dates_of(fresh_in, due_out)
    started = timezone.now()

    output = run()

    finished = timezone.now()
    assert sorted((m.to, m.subject) for m in mailoutbox) == [
        (["duein@example.com"], GIVE_SUBJECT),
        (["duein@example.com"], KEEP_SUBJECT),
    ]
    for checkup in Checkup.objects.filter(user=due_in):
        assert started <= checkup.last_checkup_date <= finished
    assert dates_of(fresh_in, due_out) == before
    assert "summary: sent 2, skipped 0, failed 0" in output.splitlines()


def test_a_second_run_sends_nothing_and_changes_nothing(three_users, mailoutbox):
    run()
    after_first = dates_of(*three_users.values())
    mailoutbox.clear()

    output = run()

    assert mailoutbox == []
    assert dates_of(*three_users.values()) == after_first
    assert "summary: sent 0, skipped 0, failed 0" in output.splitlines()


def test_an_opted_in_user_without_an_email_gets_nothing(mailoutbox):
    nomail = make_user("nomail", email_notifications=True)
    User.objects.filter(pk=nomail.pk).update(email="")
    old = make_due(nomail)

    output = run()

    assert mailoutbox == []
    assert set(dates_of(nomail).values()) == {old}
    assert "summary: sent 0, skipped 0, failed 0" in output.splitlines()


def test_an_inactive_user_gets_nothing(mailoutbox):
    gone = make_user("gone", email_notifications=True, is_active=False)
    make_due(gone)

    run()

    assert mailoutbox == []


def test_a_checkup_with_a_longer_interval_is_not_due_yet(mailoutbox):
    carol = make_user("carol", email_notifications=True)
    make_due(carol, months_ago=2)
    Checkup.objects.filter(user=carol, checkup_type=CheckupType.GIVE).update(checkup_interval_months=3)

    run()

    assert [(m.to, m.subject) for m in mailoutbox] == [(["carol@example.com"], KEEP_SUBJECT)]


def test_reminder_content_greets_by_first_name_counts_items_and_links_to_the_frontend(mailoutbox, settings):
    settings.FRONTEND_URL = "https://app.example.test"
    dora = make_user("dora", email_notifications=True)
    make_due(dora)
    make_item(dora, "Lamp", status=ItemStatus.KEEP)
    make_item(dora, "Chair", status=ItemStatus.KEEP)
    make_item(dora, "Desk", status=ItemStatus.KEEP)
    make_item(dora, "Coat", status=ItemStatus.GIVE)
    make_item(dora, "Books", status=ItemStatus.DONATE)
    other = make_user("other")
    make_item(other, "Not Dora's", status=ItemStatus.KEEP)

    run()

    by_subject = {message.subject: message for message in mailoutbox}
    keep, give = by_subject[KEEP_SUBJECT], by_subject[GIVE_SUBJECT]
    assert keep.from_email == "MinNow <noreply@min-now.store>"
    assert "Hi Dora," in keep.body
    assert "You are keeping 3 items." in keep.body
    assert "given away or donated 2 items." in give.body
    for message in (keep, give):
        assert "https://app.example.test" in message.body
        (html, mimetype), *_ = message.alternatives
        assert mimetype == "text/html"
        assert "Hi Dora," in html
        assert 'href="https://app.example.test"' in html


def test_greeting_falls_back_to_the_username_without_a_first_name(mailoutbox):
    eve = make_user("eve", email_notifications=True)
    User.objects.filter(pk=eve.pk).update(first_name="")
    make_due(eve, checkup_type=CheckupType.KEEP)

    run()

    (message,) = mailoutbox
    assert "Hi eve," in message.body
    assert "You are keeping 0 items." in message.body


# --- Options -------------------------------------------------------------------------------------
def test_dry_run_lists_what_would_be_sent_and_sends_or_writes_nothing(three_users, mailoutbox):
    before = dates_of(*three_users.values())

    output = run("--dry-run")

    lines = output.splitlines()
    assert "would send: duein@example.com keep" in lines
    assert "would send: duein@example.com give" in lines
    assert not any("dueout" in line or "freshin" in line for line in lines)
    assert "summary: would send 2, skipped 0, failed 0" in lines
    assert mailoutbox == []
    assert dates_of(*three_users.values()) == before


def test_without_verbose_no_per_reminder_lines_are_printed(three_users, mailoutbox):
    output = run()

    assert output.splitlines() == ["summary: sent 2, skipped 0, failed 0"]


def test_verbose_prints_a_sent_line_per_reminder(three_users, mailoutbox):
    output = run("--verbose")

    lines = output.splitlines()
    assert "sent: duein@example.com keep" in lines
    assert "sent: duein@example.com give" in lines
    assert lines[-1] == "summary: sent 2, skipped 0, failed 0"


def test_log_file_gets_every_line_and_is_appended_to(three_users, mailoutbox, tmp_path):
    log_file = tmp_path / "logs" / "reminders.log"

    run("--log-file", str(log_file))
    run("--log-file", str(log_file))

    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert sorted(lines[:2]) == ["sent: duein@example.com give", "sent: duein@example.com keep"]
    assert lines[2:] == ["summary: sent 2, skipped 0, failed 0", "summary: sent 0, skipped 0, failed 0"]


def test_dry_run_with_log_file_logs_the_would_send_lines(three_users, mailoutbox, tmp_path):
    log_file = tmp_path / "dry.log"

    run("--dry-run", "--log-file", str(log_file))

    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert "would send: duein@example.com keep" in lines
    assert lines[-1] == "summary: would send 2, skipped 0, failed 0"
    assert mailoutbox == []


# --- Failures ------------------------------------------------------------------------------------
def mailersend(server: LoopbackServer):
    return override_settings(
        EMAIL_BACKEND="minNow.email.MailerSendBackend",
        MAILERSEND_API_KEY="k",
        MAILERSEND_API_URL=server.url + "/v1",
    )


def failing(request: Recorded) -> Reply:
    return Reply(500, {"message": "Server Error"})


def accepting(request: Recorded) -> Reply:
    if request.path.endswith("/bulk-email"):
        return Reply(202, {"message": "The bulk email is being processed.", "bulk_email_id": "bulk-1"})
    return Reply(202, b"", {"X-Message-Id": "msg-1"})


def test_provider_failure_raises_releases_the_dates_exactly_and_the_next_run_retries(three_users, mailoutbox):
    due_in = three_users["due_in"]
    before = dates_of(*three_users.values())

    with LoopbackServer(failing) as server, mailersend(server):
        output, error = run_expecting_failure()

        assert "2 reminder(s) failed" in str(error)
        assert "summary: sent 0, skipped 0, failed 2" in output.splitlines()
        assert any(line.startswith("failed: batch of 2 reminders") for line in output.splitlines())
        assert dates_of(*three_users.values()) == before
        assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/bulk-email")]
        assert server.requests[0].headers["Authorization"] == "Bearer k"

        server.handler = accepting
        started = timezone.now()
        output = run()

        assert "summary: sent 2, skipped 0, failed 0" in output.splitlines()
        retry = server.requests[-1]
        assert (retry.method, retry.path) == ("POST", "/v1/bulk-email")
        assert sorted((e["to"][0]["email"], e["subject"]) for e in retry.json()) == [
            ("duein@example.com", GIVE_SUBJECT),
            ("duein@example.com", KEEP_SUBJECT),
        ]
    assert mailoutbox == []
    for checkup in Checkup.objects.filter(user=due_in):
        assert checkup.last_checkup_date >= started


def test_single_reminder_goes_to_the_single_endpoint_and_is_released_on_failure(mailoutbox):
    fay = make_user("fay", email_notifications=True)
    make_due(fay, checkup_type=CheckupType.KEEP)
    before = dates_of(fay)

    with LoopbackServer(failing) as server, mailersend(server):
        output, _ = run_expecting_failure()
        assert "summary: sent 0, skipped 0, failed 1" in output.splitlines()
        assert dates_of(fay) == before

        server.handler = accepting
        output = run()

        assert "summary: sent 1, skipped 0, failed 0" in output.splitlines()
        assert [r.path for r in server.requests] == ["/v1/email", "/v1/email"]
        body = server.requests[-1].json()
        assert body["to"][0]["email"] == "fay@example.com"
        assert body["subject"] == KEEP_SUBJECT
        assert body["from"]["email"] == "noreply@min-now.store"
    assert Checkup.objects.get(user=fay, checkup_type=CheckupType.KEEP).last_checkup_date > before[("fay", "keep")]


def test_one_address_mailersend_refuses_does_not_stop_the_other_users_reminders(three_users, mailoutbox):
    """One user's failure never stops the others. `kim@localhost` is a valid Django EmailField
    value, but the MailerSend SDK's validation refuses it while building the bulk request, so the
    whole batch (up to 250 users) fails, is released, and fails again on every later run."""
    kim = make_user("kim", email_notifications=True)
    User.objects.filter(pk=kim.pk).update(email="kim@localhost")
    make_due(kim)
    kim_before = dates_of(kim)

    with LoopbackServer(accepting) as server, mailersend(server):
        output, _ = run_expecting_failure()

        delivered = {e["to"][0]["email"] for r in server.requests if r.path == "/v1/bulk-email" for e in r.json()}
        delivered |= {r.json()["to"][0]["email"] for r in server.requests if r.path == "/v1/email"}
    assert delivered == {"duein@example.com"}
    assert "summary: sent 2, skipped 0, failed 2" in output.splitlines()
    assert dates_of(kim) == kim_before
    assert all(date > kim_before[("kim", "keep")] for date in dates_of(three_users["due_in"]).values())


class ExplodingBackend(BaseEmailBackend):
    """An email backend whose provider is down."""

    def send_messages(self, email_messages):
        raise ConnectionError("provider down")


@override_settings(EMAIL_BACKEND="items.tests.test_email_notifications.ExplodingBackend")
def test_a_failed_batch_larger_than_the_claim_chunk_is_released_exactly(mailoutbox):
    """More checkups than one claim UPDATE holds (and two fetch batches): all released to their old dates."""
    users = [make_user(f"bulk{n:03d}", email_notifications=True) for n in range(260)]
    Checkup.objects.filter(user__in=users).update(last_checkup_date=timezone.now() - relativedelta(months=2))
    for n, user in enumerate(users[:10]):  # a few distinct old dates, so a wrong release would show
        Checkup.objects.filter(user=user).update(last_checkup_date=datetime(2024, 1, 1 + n, 7, 30, 15, 123456, UTC))
    before = dates_of(*users)

    output, error = run_expecting_failure()

    assert "summary: sent 0, skipped 0, failed 520" in output.splitlines()
    assert "520 reminder(s) failed" in str(error)
    assert dates_of(*users) == before


def test_one_users_broken_reminder_does_not_stop_the_others(three_users, mailoutbox, monkeypatch):
    gus = make_user("gus", email_notifications=True)
    make_due(gus)
    before_gus = dates_of(gus)
    real_build = reminders.build_reminder

    def build(user, checkup_type, item_count):
        if user.username == "gus":
            raise ValueError("broken template data")
        return real_build(user, checkup_type, item_count)

    monkeypatch.setattr(reminders, "build_reminder", build)

    output, _ = run_expecting_failure()

    lines = output.splitlines()
    assert "summary: sent 2, skipped 0, failed 2" in lines
    assert "failed: gus@example.com keep (ValueError)" in lines
    assert "failed: gus@example.com give (ValueError)" in lines
    assert {m.to[0] for m in mailoutbox} == {"duein@example.com"}
    assert dates_of(gus) == before_gus


def test_a_checkup_changed_after_it_was_read_is_skipped_not_sent(three_users, mailoutbox, monkeypatch):
    """The optimistic claim: another run (or the user completing it) moved the date in between."""
    due_in = three_users["due_in"]
    keep = Checkup.objects.get(user=due_in, checkup_type=CheckupType.KEEP)
    elsewhere = timezone.now() - relativedelta(days=1)
    real_counts = reminders._item_counts

    def counts_then_someone_else_claims(user_ids):
        Checkup.objects.filter(pk=keep.pk).update(last_checkup_date=elsewhere)
        return real_counts(user_ids)

    monkeypatch.setattr(reminders, "_item_counts", counts_then_someone_else_claims)

    output = run()

    assert "summary: sent 1, skipped 1, failed 0" in output.splitlines()
    assert [m.subject for m in mailoutbox] == [GIVE_SUBJECT]
    keep.refresh_from_db()
    assert keep.last_checkup_date == elsewhere


# --- Concurrency ---------------------------------------------------------------------------------
def run_twice_at_once() -> list[str]:
    """Start two runs of the job in two threads at the same moment; return both outputs."""

    def job() -> str:
        out = io.StringIO()
        call_command("run_email_notifications", stdout=out)
        return out.getvalue()

    return run_concurrently(job, 2)


def summary_sent(output: str) -> int:
    (line,) = [line for line in output.splitlines() if line.startswith("summary: ")]
    return int(line.split(",")[0].removeprefix("summary: sent "))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_every_due_reminder_exactly_once(mailoutbox):
    users = [make_user(f"race{n:02d}", email_notifications=True) for n in range(50)]
    expected = {((u.email,), subject) for u in users for subject in (KEEP_SUBJECT, GIVE_SUBJECT)}

    for round_number in range(3):  # a few rounds: the threads interleave differently each time
        Checkup.objects.filter(user__in=users).update(last_checkup_date=timezone.now() - relativedelta(months=2))
        mailoutbox.clear()

        outputs = run_twice_at_once()

        counts = sent_pairs(mailoutbox)
        assert set(counts) == expected, f"round {round_number}"
        assert set(counts.values()) == {1}, f"round {round_number}: duplicates {counts.most_common(3)}"
        assert len(outputs) == 2
        assert sum(summary_sent(output) for output in outputs) == len(expected)
        stale = timezone.now() - relativedelta(days=1)
        assert not Checkup.objects.filter(user__in=users, last_checkup_date__lt=stale).exists()


# --- A run killed mid-send --------------------------------------------------------------------------
@pytest.mark.slow  # manage.py in a fresh process
def test_a_run_killed_while_sending_leaves_its_reminders_to_a_later_run(mailoutbox, transactional_db):
    """A real `run_email_notifications` process claims the reminders, the provider never answers, and the
    process is killed with SIGKILL (no exception handler runs). Nothing is lost: the checkups keep their old
    dates and, once the lease is over, the next run sends them."""
    user = make_user("killed", email_notifications=True)
    old = make_due(user)
    received = threading.Event()

    def hanging(request: Recorded) -> Reply:
        received.set()
        time.sleep(150)  # longer than the test waits: the provider never answers
        return Reply(202, b"")

    with LoopbackServer(hanging) as server:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "MAILERSEND_API_KEY": "k",
            "MAILERSEND_API_URL": f"{server.url}/v1",
            "LOG_LEVEL": "CRITICAL",
        }
        job = subprocess.Popen(
            [sys.executable, "manage.py", "run_email_notifications", "--verbose"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert received.wait(timeout=120), "the job never reached the provider"
            leased = dict(Checkup.objects.filter(user=user).values_list("checkup_type", "reminder_lease_until"))
        finally:
            job.kill()
            job.wait(timeout=30)
    assert job.returncode == -signal.SIGKILL

    # While the lease runs, another run leaves the reminders alone (the killed run might still be sending).
    assert all(leased.values()), leased
    assert "summary: sent 0, skipped 0, failed 0" in run().splitlines()
    assert mailoutbox == []
    assert set(dates_of(user).values()) == {old}

    with time_machine.travel(max(leased.values()) + timedelta(seconds=1)):
        output = run()

    assert "summary: sent 2, skipped 0, failed 0" in output.splitlines()
    assert sorted(message.subject for message in mailoutbox) == [GIVE_SUBJECT, KEEP_SUBJECT]
    assert set(Checkup.objects.filter(user=user).values_list("reminder_lease_until", flat=True)) == {None}


# --- Scale ---------------------------------------------------------------------------------------
SCALE_USERS = 2_000
SCALE_QUERY_BUDGET = 60  # ~5 queries per 500-checkup batch (read, item counts, 2 claims, check) + 1


@pytest.mark.slow  # 2000 users
def test_2000_due_users_are_sent_in_a_bounded_number_of_queries(mailoutbox, django_assert_max_num_queries):
    old = timezone.now() - relativedelta(months=2)
    User.objects.bulk_create(
        User(
            username=f"scale{n:05d}",
            clerk_id=f"user_scale{n:05d}",
            email=f"scale{n:05d}@example.com",
            first_name=f"Scale{n}",
            email_notifications=True,
        )
        for n in range(SCALE_USERS)
    )
    users = list(User.objects.filter(username__startswith="scale").order_by("username"))
    assert len(users) == SCALE_USERS
    assert not Checkup.objects.filter(user__in=users).exists()  # bulk_create fires no post_save
    Checkup.objects.bulk_create(
        (Checkup(user=user, checkup_type=kind, last_checkup_date=old) for user in users for kind in CheckupType.values),
        batch_size=1000,
    )
    for user in users[::10]:
        make_items(user, 3, status=lambda k: ItemStatus.DONATE if k == 2 else ItemStatus.KEEP)

    started = time.perf_counter()
    with django_assert_max_num_queries(SCALE_QUERY_BUDGET) as captured:
        output = run()
    elapsed = time.perf_counter() - started

    print(
        f"\n{connection.vendor}: {SCALE_USERS} users, {len(mailoutbox)} reminders "
        f"in {elapsed:.2f}s with {len(captured.captured_queries)} queries"
    )
    lines = output.splitlines()
    assert f"summary: sent {2 * SCALE_USERS}, skipped 0, failed 0" in lines
    assert [line for line in lines if line.startswith("progress:")] == [
        f"progress: {n} users processed" for n in range(500, SCALE_USERS + 1, 500)
    ]
    assert len(mailoutbox) == 2 * SCALE_USERS
    counts = sent_pairs(mailoutbox)
    assert len(counts) == 2 * SCALE_USERS and set(counts.values()) == {1}
    with_items = {message.subject: message.body for message in mailoutbox if message.to == [users[0].email]}
    assert "You are keeping 2 items." in with_items[KEEP_SUBJECT]
    assert "given away or donated 1 item." in with_items[GIVE_SUBJECT]
    without_items = {message.subject: message.body for message in mailoutbox if message.to == [users[1].email]}
    assert "You are keeping 0 items." in without_items[KEEP_SUBJECT]
    assert not Checkup.objects.filter(last_checkup_date=old).exists()
    assert elapsed < 60


# --- Due rule (calendar months) ------------------------------------------------------------------
def at_9(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last", "not_yet", "due"),
    [
        (at_9(2025, 1, 31), at_9(2025, 2, 27), at_9(2025, 2, 28)),
        (at_9(2024, 1, 31), at_9(2024, 2, 28), at_9(2024, 2, 29)),
        (at_9(2025, 3, 31), at_9(2025, 4, 29), at_9(2025, 4, 30)),
    ],
    ids=["jan31-to-feb28", "leap-jan31-to-feb29", "mar31-to-apr30"],
)
def test_a_checkup_is_due_one_calendar_month_later_clamped_to_the_month_end(last, not_yet, due, mailoutbox):
    hana = make_user("hana", email_notifications=True)
    Checkup.objects.filter(user=hana).update(last_checkup_date=last)

    with time_machine.travel(not_yet, tick=False):
        assert not any(c.is_checkup_due for c in Checkup.objects.filter(user=hana))
        output = run()
    assert "summary: sent 0, skipped 0, failed 0" in output.splitlines()
    assert mailoutbox == []
    assert set(dates_of(hana).values()) == {last}

    with time_machine.travel(due - relativedelta(seconds=1), tick=False):
        run()
    assert mailoutbox == []

    with time_machine.travel(due, tick=False):
        assert all(c.is_checkup_due for c in Checkup.objects.filter(user=hana))
        output = run()
    assert "summary: sent 2, skipped 0, failed 0" in output.splitlines()
    assert sorted(m.subject for m in mailoutbox) == [GIVE_SUBJECT, KEEP_SUBJECT]
    assert set(dates_of(hana).values()) == {due}


def test_a_longer_interval_is_counted_in_calendar_months_too(mailoutbox):
    ivan = make_user("ivan", email_notifications=True)
    Checkup.objects.filter(user=ivan).update(
        last_checkup_date=datetime(2024, 8, 31, 12, 0, tzinfo=UTC), checkup_interval_months=6
    )

    with time_machine.travel(datetime(2025, 2, 27, 12, 0, tzinfo=UTC), tick=False):
        run()
    assert mailoutbox == []

    with time_machine.travel(datetime(2025, 2, 28, 12, 0, tzinfo=UTC), tick=False):
        run()
    assert len(mailoutbox) == 2
