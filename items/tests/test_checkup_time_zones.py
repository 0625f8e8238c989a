"""Checkups due on the person's calendar (docs/design.md "Time zones"): the interval's months are counted on the
person's clock, so `is_checkup_due` (model and JSON) and the reminder job `run_email_notifications` turn on the
person's due day, neither a day early nor a day late, in Tokyo, Berlin, Los Angeles and UTC."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.testing import api_for, make_user
from items.models import Checkup
from users.models import User

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def at(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


# (zone, last checkup on the person's clock, when it falls due on their clock). Each is a case where counting the
# month in UTC would move the due day: Tokyo and Berlin a day late, Los Angeles a day early.
CASES = [
    ("Asia/Tokyo", at("Asia/Tokyo", 2025, 1, 31, 8, 0), at("Asia/Tokyo", 2025, 2, 28, 8, 0)),
    ("Europe/Berlin", at("Europe/Berlin", 2025, 1, 31, 0, 30), at("Europe/Berlin", 2025, 2, 28, 0, 30)),
    (
        "America/Los_Angeles",
        at("America/Los_Angeles", 2025, 3, 30, 18, 0),
        at("America/Los_Angeles", 2025, 4, 30, 18, 0),
    ),
    ("UTC", at("UTC", 2025, 1, 31, 8, 0), at("UTC", 2025, 2, 28, 8, 0)),
]
IDS = [zone for zone, _, _ in CASES]


def person(zone: str, last: datetime) -> User:
    kim = make_user("kim", time_zone=zone, email_notifications=True)
    Checkup.objects.filter(user=kim).update(last_checkup_date=last)
    return kim


def person_named(zone: str, last: datetime) -> User:
    name = zone.split("/")[-1].lower()
    user = make_user(name, time_zone=zone, email_notifications=True)
    Checkup.objects.filter(user=user).update(last_checkup_date=last)
    return user


def run() -> str:
    out = io.StringIO()
    call_command("run_email_notifications", stdout=out)
    return out.getvalue()


def dates_of(user: User) -> set[datetime]:
    return set(Checkup.objects.filter(user=user).values_list("last_checkup_date", flat=True))


def due_in_json(user: User) -> list[bool]:
    return [checkup["is_checkup_due"] for checkup in api_for(user).get("/api/checkups").json()]


@pytest.mark.parametrize(("zone", "last", "due"), CASES, ids=IDS)
def test_the_due_date_is_the_interval_counted_on_the_persons_clock(zone, last, due):
    kim = person(zone, last)

    for checkup in Checkup.objects.filter(user=kim).select_related("user"):
        assert checkup.next_due_date == due.astimezone(UTC)
        assert checkup.next_due_date.astimezone(ZoneInfo(zone)).date() == due.date()


@pytest.mark.parametrize(("zone", "last", "due"), CASES, ids=IDS)
def test_is_checkup_due_turns_on_the_persons_due_day_in_the_model_and_the_json(zone, last, due):
    kim = person(zone, last)

    with time_machine.travel(due - SECOND, tick=False):
        assert not any(c.is_checkup_due for c in Checkup.objects.filter(user=kim))
        assert due_in_json(kim) == [False, False]
    with time_machine.travel(due, tick=False):
        assert all(c.is_checkup_due for c in Checkup.objects.filter(user=kim))
        assert due_in_json(kim) == [True, True]


@pytest.mark.parametrize(("zone", "last", "due"), CASES, ids=IDS)
def test_the_job_sends_on_the_persons_due_day_not_a_day_early_or_late(zone, last, due, mailoutbox):
    kim = person(zone, last)
    day_before = due - timedelta(days=1)
    utc_arithmetic = last.astimezone(UTC) + relativedelta(months=1)  # where a UTC calendar would put it

    for moment in sorted({day_before, due - SECOND, min(utc_arithmetic, due - SECOND)}):
        with time_machine.travel(moment, tick=False):
            output = run()
        assert "summary: sent 0, skipped 0, failed 0" in output.splitlines(), moment
    assert mailoutbox == []
    assert dates_of(kim) == {last}

    with time_machine.travel(due, tick=False):
        output = run()
    assert "summary: sent 2, skipped 0, failed 0" in output.splitlines()
    assert {tuple(message.to) for message in mailoutbox} == {("kim@example.com",)}
    assert dates_of(kim) == {due}

    with time_machine.travel(due + timedelta(hours=1), tick=False):
        run()
    assert len(mailoutbox) == 2  # moved to the run's time: not sent again


def test_tokyo_is_reminded_on_its_due_day_while_utc_is_still_on_the_day_before(mailoutbox):
    """Done at 08:00 on Jan 31 in Tokyo (Jan 30 in UTC): due at 08:00 on Feb 28 there, when UTC is still Feb 27.
    Counted in UTC the month would end on Feb 28 23:00 UTC, Mar 1 in Tokyo: a day late."""
    person("Asia/Tokyo", at("Asia/Tokyo", 2025, 1, 31, 8, 0))
    job_time = at("Asia/Tokyo", 2025, 2, 28, 8, 30)
    assert job_time.astimezone(UTC).date().isoformat() == "2025-02-27"

    with time_machine.travel(job_time, tick=False):
        run()

    assert len(mailoutbox) == 2


def test_los_angeles_is_not_reminded_a_day_early_when_utc_has_reached_the_due_date(mailoutbox):
    """Done at 18:00 on Mar 30 in Los Angeles (Mar 31 in UTC): due on Apr 30 there. On the evening of Apr 29 it is
    already Apr 30 in UTC, past the UTC month's end, yet nothing is sent."""
    kim = person("America/Los_Angeles", at("America/Los_Angeles", 2025, 3, 30, 18, 0))

    with time_machine.travel(at("America/Los_Angeles", 2025, 4, 29, 18, 30), tick=False):
        run()
    assert mailoutbox == []
    with time_machine.travel(at("America/Los_Angeles", 2025, 4, 30, 18, 30), tick=False):
        run()
    assert len(mailoutbox) == 2
    assert dates_of(kim) == {at("America/Los_Angeles", 2025, 4, 30, 18, 30)}


def test_an_hourly_job_reminds_each_zone_on_its_own_due_day(mailoutbox):
    """Four people whose checkups fall due at different local times of the same local day (Feb 28): a job run every
    hour sends each reminder within the hour after it falls due, on the person's Feb 28."""
    people = {zone: person_named(zone, last) for zone, last, _ in CASES if last.month == 1}
    sent_on: dict[str, str] = {}
    start = at("UTC", 2025, 2, 26, 0, 0)
    for hour in range(24 * 4):
        now = start + timedelta(hours=hour)
        with time_machine.travel(now, tick=False):
            run()
        for message in mailoutbox:
            zone = next(zone for zone, user in people.items() if message.to == [user.email])
            sent_on.setdefault(zone, now.astimezone(ZoneInfo(zone)).date().isoformat())

    assert sent_on == dict.fromkeys(people, "2025-02-28")


def test_the_job_reads_each_persons_zone_without_a_query_per_person(mailoutbox):
    """The owners come with the candidate batch (one join): 4 or 40 people in different zones cost the same queries."""

    def queries_to_remind(count: int) -> int:
        Checkup.objects.all().delete()
        User.objects.all().delete()
        for index in range(count):
            user = make_user(f"p{index}", time_zone=CASES[index % len(CASES)][0], email_notifications=True)
            Checkup.objects.filter(user=user).update(last_checkup_date=at("UTC", 2025, 1, 1, 0, 0))
        with time_machine.travel(at("UTC", 2025, 3, 1, 0, 0), tick=False), CaptureQueriesContext(connection) as done:
            run()
        return len(done.captured_queries)

    assert queries_to_remind(4) == queries_to_remind(40)
    assert len(mailoutbox) == 2 * (4 + 40)
