"""Checkup reminder emails: building them, and the batched job that sends every due one."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr
from functools import reduce

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from items.models import GIVEN_STATUSES, Checkup, CheckupType, ItemStatus, OwnedItem
from items.schemas import CheckupOut
from minNow import live
from minNow.email import InvalidMessagesError
from users.models import User

BATCH_SIZE = 500
CLAIM_CHUNK = 250  # OR-ed conditions per UPDATE, well inside SQLite's expression depth limit
# How long a run holds the checkups it is sending. A run killed mid-send (or a provider that never answers)
# holds them no longer than this; a later run then sends them (at least once, see docs/design.md).
REMINDER_LEASE = timedelta(minutes=10)
SUBJECTS: dict[str, str | Promise] = {
    CheckupType.KEEP: gettext_lazy("Your Keep Checkup Reminder"),
    CheckupType.GIVE: gettext_lazy("Your Give Checkup Reminder"),
}


# The items a reminder talks about: Keep items for the keep checkup, Give and Donate for the give one.
REMINDER_STATUSES: dict[str, tuple[str, ...]] = {CheckupType.KEEP: (ItemStatus.KEEP,), CheckupType.GIVE: GIVEN_STATUSES}
CHECKUP_FOR_STATUS: dict[str, str] = {
    status: kind for kind, statuses in REMINDER_STATUSES.items() for status in statuses
}


def reminder_item_count(user: User, checkup_type: str) -> int:
    return OwnedItem.objects.filter(user=user, status__in=REMINDER_STATUSES[checkup_type]).count()


def build_reminder(user: User, checkup_type: str, item_count: int) -> EmailMultiAlternatives:
    """The keep or give reminder for one user in their language: subject, greeting by first name, item count, link."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = str(SUBJECTS[checkup_type])
        context = {
            "subject": subject,
            "name": user.first_name or user.username,
            "checkup_type": checkup_type,
            "item_count": item_count,
            "link": settings.FRONTEND_URL,
            "language": translation.get_language(),
        }
        text = render_to_string("items/email/checkup_reminder.txt", context)
        html = render_to_string("items/email/checkup_reminder.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((settings.DEFAULT_FROM_NAME, settings.DEFAULT_FROM_EMAIL)),
        to=[user.email],
    )
    message.attach_alternative(html, "text/html")
    return message


@dataclass
class ReminderRun:
    """What a run of the reminder job did, and the lines it reports."""

    now: datetime
    dry_run: bool = False
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    users_seen: int = 0
    lines: list[str] = field(default_factory=list)


def _due_candidates(now: datetime) -> Q:
    """A SQL pre-filter a little wider than "due": month lengths vary (4 days), and each person's months are counted
    on their own clock, up to 14 hours from UTC (a day more). The exact check, in the owner's time zone, is in
    Python."""
    slack = timedelta(days=5)
    return reduce(
        operator.or_,
        (
            Q(checkup_interval_months=months, last_checkup_date__lte=now - relativedelta(months=months) + slack)
            for months in range(1, 13)
        ),
    )


def _due_batches(now: datetime) -> Iterator[list[Checkup]]:
    """Due checkups of opted-in users with an email, in primary-key order, BATCH_SIZE at a time."""
    candidates = (
        Checkup.objects.filter(_due_candidates(now), _not_leased(now), user__email_notifications=True)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_pk)[:BATCH_SIZE])
        if not batch:
            return
        last_pk = batch[-1].pk
        due = [checkup for checkup in batch if checkup.next_due_date <= now]  # the owners came with the batch
        if due:
            yield due


def _item_counts(user_ids: set[int]) -> dict[tuple[int, str], int]:
    """(user id, checkup type) -> the number of items the reminder talks about, in one query."""
    counts: dict[tuple[int, str], int] = {}
    rows = (
        OwnedItem.objects.filter(user_id__in=user_ids)
        .order_by()
        .values("user_id", "status")
        .annotate(total=Count("id"))
        .values_list("user_id", "status", "total")
    )
    for user_id, status, total in rows:
        kind = CHECKUP_FOR_STATUS[status]
        counts[(user_id, kind)] = counts.get((user_id, kind), 0) + total
    return counts


def _not_leased(now: datetime) -> Q:
    return Q(reminder_lease_until__isnull=True) | Q(reminder_lease_until__lt=now)


def _claim(checkups: list[Checkup], now: datetime) -> set[int]:
    """Lease each checkup that nobody changed or leased since it was read, until now + REMINDER_LEASE.

    Two runs racing for the same checkup cannot both claim it: the loser's condition no longer matches.
    The lease's end (unique to this run's start time) tells which ones this run holds.
    """
    lease = now + REMINDER_LEASE
    for start in range(0, len(checkups), CLAIM_CHUNK):
        unchanged = reduce(
            operator.or_,
            (Q(pk=c.pk, last_checkup_date=c.last_checkup_date) for c in checkups[start : start + CLAIM_CHUNK]),
        )
        Checkup.objects.filter(unchanged).filter(_not_leased(now)).update(reminder_lease_until=lease)
    ids = [checkup.pk for checkup in checkups]
    return set(Checkup.objects.filter(pk__in=ids, reminder_lease_until=lease).values_list("pk", flat=True))


def _end_leases(checkups: list[Checkup], now: datetime, *, sent: bool) -> None:
    """End this run's leases. Sent reminders move their checkups' dates to now; failed ones keep the old
    dates, so the next run retries them."""
    if checkups:
        held = Checkup.objects.filter(pk__in=[c.pk for c in checkups], reminder_lease_until=now + REMINDER_LEASE)
        held.update(reminder_lease_until=None, **({"last_checkup_date": now} if sent else {}))


def _tell_open_screens(claimed: list[Checkup], counts: dict[tuple[int, str], int]) -> None:
    """`checkup.due` to each owner's open sockets (minNow/live.py): once per claim, so two runs never both tell."""
    for checkup in claimed:  # each with its owner loaded (the batch's join), which `is_checkup_due` reads
        body = CheckupOut.model_validate(checkup).model_dump()  # as GET /api/checkups/{id} answers it
        count = counts.get((checkup.user_id, checkup.checkup_type), 0)
        live.publish(checkup.user_id, "checkup.due", checkup.pk, checkup=body, item_count=count)


def send_due_reminders(
    *, dry_run: bool = False, report: Callable[[str], None] = lambda line: None, progress_every: int = 500
) -> ReminderRun:
    """Email every due checkup of every opted-in user once, and move its date to now."""
    run = ReminderRun(now=timezone.now(), dry_run=dry_run)
    connection = get_connection()
    for due in _due_batches(run.now):
        counts = _item_counts({checkup.user_id for checkup in due})
        claimed_ids = {checkup.pk for checkup in due} if dry_run else _claim(due, run.now)
        claimed = [checkup for checkup in due if checkup.pk in claimed_ids]
        run.skipped += len(due) - len(claimed)
        if not dry_run:
            _tell_open_screens(claimed, counts)
        messages, included = [], []
        for checkup in claimed:
            try:
                count = counts.get((checkup.user_id, checkup.checkup_type), 0)
                messages.append(build_reminder(checkup.user, checkup.checkup_type, count))
                included.append(checkup)
            except Exception as exc:  # one user's broken data never stops the others
                run.failed += 1
                report(f"failed: {checkup.user.email} {checkup.checkup_type} ({exc.__class__.__name__})")
                if not dry_run:
                    _end_leases([checkup], run.now, sent=False)
        if dry_run:
            for checkup in included:
                report(f"would send: {checkup.user.email} {checkup.checkup_type}")
            run.sent += len(included)
        elif included:
            try:
                connection.send_messages(messages)
                refused: list[Checkup] = []
            except InvalidMessagesError as exc:  # the provider took the others
                refused = [
                    checkup for checkup, message in zip(included, messages, strict=True) if message in exc.invalid
                ]
            except Exception as exc:  # the provider failed the whole batch: retry it next run
                refused = included
                report(f"failed: batch of {len(included)} reminders ({exc})")
            _end_leases(refused, run.now, sent=False)
            _end_leases([checkup for checkup in included if checkup not in refused], run.now, sent=True)
            run.failed += len(refused)
            for checkup in included:
                if checkup in refused:
                    report(f"failed: {checkup.user.email} {checkup.checkup_type}")
                else:
                    run.sent += 1
                    report(f"sent: {checkup.user.email} {checkup.checkup_type}")
        before = run.users_seen
        run.users_seen += len({checkup.user_id for checkup in due})
        if run.users_seen // progress_every > before // progress_every:
            report(f"progress: {run.users_seen} users processed")
    return run
