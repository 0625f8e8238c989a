"""TimeSpan.from_dates is the calendar difference that ownership durations and keep badges are counted in:
whole years, then months, then days.

Property tests compare it with an independent count of full calendar months (the largest n with
start + n months <= end), and pin the known month-end and leap-day cases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from items.models import TimeSpan

moments = st.datetimes(
    min_value=datetime(1970, 1, 1),
    max_value=datetime(2100, 12, 31, 23, 59, 59),
    timezones=st.just(UTC),
)


def full_calendar_months(start: datetime, end: datetime) -> int:
    """Largest n >= 0 with start + n months <= end (month arithmetic clamps to the month's last day)."""
    if start > end:
        return 0
    n = (end.year - start.year) * 12 + (end.month - start.month)
    while n > 0 and start + relativedelta(months=n) > end:
        n -= 1
    while start + relativedelta(months=n + 1) <= end:
        n += 1
    return n


@given(start=moments, end=moments)
def test_from_dates_is_never_negative(start, end):
    span = TimeSpan.from_dates(start, end)

    assert span.years >= 0
    assert span.months >= 0
    assert span.days >= 0


@given(start=moments, end=moments)
def test_start_after_end_gives_zero_span(start, end):
    if start <= end:
        start, end = end + timedelta(seconds=1), start

    assert TimeSpan.from_dates(start, end) == TimeSpan(0, 0, 0)


@given(start=moments, end=moments)
def test_years_and_months_count_the_full_calendar_months_between_the_dates(start, end):
    start, end = min(start, end), max(start, end)

    span = TimeSpan.from_dates(start, end)

    assert span.years * 12 + span.months == full_calendar_months(start, end)
    assert span.total_months == full_calendar_months(start, end)


@given(start=moments, end=moments)
def test_months_stay_below_12_and_days_below_31(start, end):
    span = TimeSpan.from_dates(start, end)

    assert span.months < 12
    assert span.days < 31


@given(start=moments, end=moments)
def test_days_are_the_whole_days_left_after_the_full_months(start, end):
    start, end = min(start, end), max(start, end)

    span = TimeSpan.from_dates(start, end)
    after_months = start + relativedelta(months=full_calendar_months(start, end))

    assert span.days == (end - after_months).days


@given(start=moments, end=moments)
def test_description_is_years_and_months(start, end):
    span = TimeSpan.from_dates(start, end)

    assert span.description == f"{span.years}y {span.months}m"


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(at(2023, 1, 31), at(2023, 2, 28), TimeSpan(0, 1, 0), id="jan31-to-feb28-non-leap-is-1-month"),
        pytest.param(at(2024, 1, 31), at(2024, 2, 29), TimeSpan(0, 1, 0), id="jan31-to-feb29-leap-is-1-month"),
        pytest.param(at(2024, 1, 31), at(2024, 2, 28), TimeSpan(0, 0, 28), id="jan31-to-feb28-leap-is-28-days"),
        pytest.param(at(2024, 2, 29), at(2025, 2, 28), TimeSpan(1, 0, 0), id="leap-day-to-feb28-is-1-year"),
        pytest.param(at(2023, 2, 28), at(2024, 2, 29), TimeSpan(1, 0, 1), id="feb28-to-leap-day-is-1y-1d"),
        pytest.param(at(2023, 1, 1), at(2023, 12, 31), TimeSpan(0, 11, 30), id="364-days-is-11-months-30-days"),
        pytest.param(at(2020, 3, 15), at(2025, 3, 15), TimeSpan(5, 0, 0), id="five-years-exactly"),
        pytest.param(at(2025, 1, 8), at(2025, 1, 8), TimeSpan(0, 0, 0), id="same-moment-is-zero"),
        pytest.param(at(2025, 3, 1), at(2025, 1, 1), TimeSpan(0, 0, 0), id="start-after-end-is-zero"),
    ],
)
def test_known_calendar_differences(start, end, expected):
    assert TimeSpan.from_dates(start, end) == expected


def test_one_second_short_of_a_month_is_not_a_month():
    span = TimeSpan.from_dates(at(2025, 1, 31), at(2025, 2, 28) - timedelta(seconds=1))

    assert span == TimeSpan(0, 0, 27)


def test_364_days_from_new_year_is_described_as_0y_11m():
    start = at(2023, 1, 1)

    assert TimeSpan.from_dates(start, start + timedelta(days=364)).description == "0y 11m"


@pytest.mark.parametrize(
    ("span", "description"),
    [
        (TimeSpan(0, 0, 0), "0y 0m"),
        (TimeSpan(0, 0, 25), "0y 0m"),
        (TimeSpan(1, 11, 3), "1y 11m"),
        (TimeSpan(2, 0, 0), "2y 0m"),
        (TimeSpan(0, 5, 0), "0y 5m"),
    ],
)
def test_description_always_has_both_years_and_months(span, description):
    assert span.description == description


@given(moments, moments)
def test_from_dates_equals_relativedelta(start, end):
    """The direct computation gives exactly what dateutil's relativedelta(end, start) gives."""
    span = TimeSpan.from_dates(start, end)
    if start >= end:
        assert span == TimeSpan(0, 0, 0)
    else:
        delta = relativedelta(end, start)
        assert span == TimeSpan(delta.years, delta.months, delta.days)
