"""Decluttering insights: what a person let go month by month, how long they owned things first, their goals
and the items they no longer use. Reads only, a fixed number of queries whatever the data size."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateTimeField,
    Expression,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    ExtractDay,
    ExtractHour,
    ExtractMinute,
    ExtractMonth,
    ExtractSecond,
    ExtractYear,
    Greatest,
    TruncMonth,
)
from django.db.models.lookups import LessThan
from django.utils import timezone

from items.models import GIVEN_STATUSES, ItemAction, ItemEvent, ItemStatus, OwnedItem, TimeSpan
from users.models import User

INSIGHT_MONTHS = 12  # let_go_by_month covers this many months, the current one last
UNUSED_LIMIT = 20  # at most this many unused items are suggested; `total` counts them all


class Median(Aggregate):
    """PostgreSQL's continuous median of a group."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def let_go_events(user: User) -> QuerySet[ItemEvent]:
    """The person's events in which an item reached Give or Donate: a status change to one of them, or an item
    created with one (both record `changes["status"] = [old, new]`)."""
    return ItemEvent.objects.filter(
        user=user,
        action__in=(ItemAction.STATUS_CHANGED, ItemAction.CREATED),
        changes__status__1__in=list(GIVEN_STATUSES),
    )


def _moment_in_month(value: Any) -> Any:
    """A moment's place in its month, in seconds from the month's start (UTC)."""
    return (
        ExtractDay(value, tzinfo=UTC) * 86400
        + ExtractHour(value, tzinfo=UTC) * 3600
        + ExtractMinute(value, tzinfo=UTC) * 60
        + ExtractSecond(value, tzinfo=UTC)
    )


def whole_months(start: Any, end: Any) -> Expression:
    """Whole calendar months from `start` to `end` (UTC), as an item's ownership_duration counts them: the
    difference of the months, less one while `end` has not reached `start`'s day and time of the month."""
    months = (ExtractYear(end, tzinfo=UTC) - ExtractYear(start, tzinfo=UTC)) * 12 + (
        ExtractMonth(end, tzinfo=UTC) - ExtractMonth(start, tzinfo=UTC)
    )
    short = Case(
        When(LessThan(_moment_in_month(end), _moment_in_month(start)), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return months - short


def month_starts(user: User, now: datetime) -> list[datetime]:
    """The starts of the last INSIGHT_MONTHS months on the person's calendar, oldest first, and of the next."""
    today = user.today(now)
    first = date(today.year, today.month, 1) - relativedelta(months=INSIGHT_MONTHS - 1)
    return [
        datetime.combine(first + relativedelta(months=index), datetime.min.time(), tzinfo=user.zone)
        for index in range(INSIGHT_MONTHS + 1)
    ]


def let_go_by_month(user: User, now: datetime) -> list[dict[str, Any]]:
    """Items given and donated in each of the last INSIGHT_MONTHS months, zeros included (one query)."""
    starts = month_starts(user, now)
    rows = (
        let_go_events(user)
        .filter(at__gte=starts[0], at__lt=starts[-1])
        .annotate(month=TruncMonth("at", tzinfo=user.zone))
        .order_by()
        .values("month")
        .annotate(
            given=Count("id", filter=Q(changes__status__1=ItemStatus.GIVE)),
            donated=Count("id", filter=Q(changes__status__1=ItemStatus.DONATE)),
        )
    )
    counts = {(row["month"].year, row["month"].month): row for row in rows}
    answer = []
    for start in starts[:-1]:
        row = counts.get((start.year, start.month), {})
        answer.append({"month": f"{start:%Y-%m}", "given": row.get("given", 0), "donated": row.get("donated", 0)})
    return answer


def months_owned_before_letting_go(user: User) -> QuerySet[OwnedItem, dict[str, Any]]:
    """The person's items now given or donated, each with `months`: whole months from its received date to
    the last time it was let go (never below zero, as a duration). An item let go before history was recorded
    has no event and is left out."""
    last_let_go = let_go_events(user).filter(item_id=OuterRef("pk")).order_by("-at", "-id").values("at")[:1]
    return (
        OwnedItem.objects.filter(user=user, status__in=GIVEN_STATUSES)
        .annotate(let_go_at=Subquery(last_let_go, output_field=DateTimeField()))
        .filter(let_go_at__isnull=False)
        .annotate(months=Greatest(whole_months(F("item_received_date"), F("let_go_at")), Value(0)))
        .order_by()
        .values("item_type", "months")
    )


def median_months_owned(user: User) -> dict[str, Any]:
    """Median months owned before letting go, per item type and over all: PostgreSQL computes the medians
    (two queries); elsewhere (SQLite has no median) the months are read in one query and the median taken
    here."""
    owned = months_owned_before_letting_go(user)
    if connection.vendor == "postgresql":
        by_type = dict(owned.values("item_type").annotate(median=Median("months")).values_list("item_type", "median"))
        overall = owned.aggregate(median=Median("months"))["median"]
        return {
            "by_type": {key: _rounded(value) for key, value in sorted(by_type.items())},
            "overall": _rounded(overall),
        }
    months_by_type: dict[str, list[int]] = {}
    for row in owned:
        months_by_type.setdefault(row["item_type"], []).append(row["months"])
    every = [months for values in months_by_type.values() for months in values]
    return {
        "by_type": {key: _rounded(statistics.median(values)) for key, values in sorted(months_by_type.items())},
        "overall": _rounded(statistics.median(every)) if every else None,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def goals(user: User, now: datetime) -> dict[str, int]:
    """Kept items that have reached their ownership goal (owned months >= goal) and those still on the way."""
    reached = Q(goal_reached=True)
    counts = (
        OwnedItem.objects.filter(user=user, status=ItemStatus.KEEP)
        .annotate(
            goal_reached=Case(
                When(
                    LessThan(
                        whole_months(F("item_received_date"), Value(now, output_field=DateTimeField())),
                        F("ownership_duration_goal_months"),
                    ),
                    then=Value(False),
                ),
                default=Value(True),
            )
        )
        .aggregate(reached=Count("id", filter=reached), in_progress=Count("id", filter=~reached))
    )
    return {"reached": counts["reached"], "in_progress": counts["in_progress"]}


def unused_items(user: User, now: datetime, months: int) -> dict[str, Any]:
    """Kept items not used for `months` months on the person's calendar, least recently used first: at most
    UNUSED_LIMIT of them, and how many there are (two queries)."""
    since = user.local_now(now) - relativedelta(months=months)
    unused = OwnedItem.objects.filter(user=user, status=ItemStatus.KEEP, last_used__lt=since)
    rows = list(unused.order_by("last_used", "id").values("id", "name", "item_type", "last_used")[:UNUSED_LIMIT])
    total = len(rows) if len(rows) < UNUSED_LIMIT else unused.count()
    items = [{**row, "months_unused": TimeSpan.from_dates(row["last_used"], now).total_months} for row in rows]
    return {"months": months, "total": total, "items": items}


def insights_for_user(user: User, *, unused_months: int) -> dict[str, Any]:
    """Every insight for the person at the current moment (five queries at most, six on PostgreSQL)."""
    now = timezone.now()
    medians = median_months_owned(user)
    return {
        "let_go_by_month": let_go_by_month(user, now),
        "median_months_owned_before_letting_go": medians["by_type"],
        "median_months_owned_before_letting_go_overall": medians["overall"],
        "goals": goals(user, now),
        "unused": unused_items(user, now, unused_months),
    }
