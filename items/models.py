"""Owned items, checkups, durations and badges."""

from __future__ import annotations

import calendar
import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.deletion import Collector
from django.utils import timezone

from minNow.text import SearchTextField


class ItemType(models.TextChoices):
    CLOTHING_ACCESSORIES = "Clothing_Accessories", "Clothing & Accessories"
    PERSONAL_CARE_ITEMS = "Personal_Care_Items", "Personal Care Items"
    CLEANING_SUPPLIES = "Cleaning_Supplies", "Cleaning Supplies"
    FURNITURE_APPLIANCES = "Furniture_Appliances", "Furniture & Appliances"
    DECOR_ART = "Decor_Art", "Decor & Art"
    SUBSCRIPTIONS_LICENSES = "Subscriptions_Licenses", "Subscriptions & Licenses"
    TECHNOLOGY = "Technology", "Technology"
    VEHICLES = "Vehicles", "Vehicles"
    TOOLS_EQUIPMENT = "Tools_Equipment", "Tools & Equipment"
    OUTDOOR_GEAR = "Outdoor_Gear", "Outdoor Gear"
    FITNESS_EQUIPMENT = "Fitness_Equipment", "Fitness Equipment"
    TOYS_GAMES = "Toys_Games", "Toys & Games"
    PET_SUPPLIES = "Pet_Supplies", "Pet Supplies"
    BOOKS_MEDIA = "Books_Media", "Books & Media"
    MISCELLANEOUS = "Miscellaneous", "Miscellaneous"
    OTHER = "Other", "Other"


# Short names used in badge titles ("Gold Clothing Keeper").
BADGE_LABELS: dict[str, str] = {
    ItemType.CLOTHING_ACCESSORIES: "Clothing",
    ItemType.PERSONAL_CARE_ITEMS: "Personal Care",
    ItemType.CLEANING_SUPPLIES: "Cleaning",
    ItemType.FURNITURE_APPLIANCES: "Furniture",
    ItemType.DECOR_ART: "Decor",
    ItemType.SUBSCRIPTIONS_LICENSES: "Subscriptions",
    ItemType.TECHNOLOGY: "Technology",
    ItemType.VEHICLES: "Vehicles",
    ItemType.TOOLS_EQUIPMENT: "Tools",
    ItemType.OUTDOOR_GEAR: "Outdoor Gear",
    ItemType.FITNESS_EQUIPMENT: "Fitness",
    ItemType.TOYS_GAMES: "Toys",
    ItemType.PET_SUPPLIES: "Pet Supplies",
    ItemType.BOOKS_MEDIA: "Books",
    ItemType.MISCELLANEOUS: "Miscellaneous",
    ItemType.OTHER: "Other",
}


class ItemStatus(models.TextChoices):
    KEEP = "Keep", "Keep"
    GIVE = "Give", "Give"
    DONATE = "Donate", "Donate"


GIVEN_STATUSES = (ItemStatus.GIVE, ItemStatus.DONATE)
# The fields a person sets on an item (a create sends them, an update any of them), in the API's order.
EDITABLE_ITEM_FIELDS = (
    "name",
    "picture_url",
    "item_type",
    "status",
    "item_received_date",
    "last_used",
    "ownership_duration_goal_months",
)


class CheckupType(models.TextChoices):
    KEEP = "keep", "Keep"
    GIVE = "give", "Give"


@dataclass(frozen=True)
class TimeSpan:
    years: int
    months: int
    days: int

    @property
    def description(self) -> str:
        return f"{self.years}y {self.months}m"

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def as_json(self) -> dict[str, int | str]:
        return {"years": self.years, "months": self.months, "days": self.days, "description": self.description}

    @classmethod
    def from_dates(cls, start: datetime, end: datetime) -> TimeSpan:
        """Calendar difference: whole years, then months, then days; zero when start is after end.

        The same answer as `relativedelta(end, start)` (a month added to Jan 31 is Feb 28 or 29), computed
        directly: a list computes two spans per item, and relativedelta's general machinery was a tenth
        of the items list's time."""
        if start >= end:
            return cls(0, 0, 0)
        months = (end.year - start.year) * 12 + end.month - start.month
        anchor = _add_months(start, months)
        while anchor > end:
            months -= 1
            anchor = _add_months(start, months)
        return cls(months // 12, months % 12, (end - anchor).days)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole months on the calendar, the day clipped to the month's last."""
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    last = 29 if month == 1 and calendar.isleap(year) else _MONTH_DAYS[month]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last))


@dataclass(frozen=True)
class BadgeTier:
    tier: str
    min: int
    description: str


KEEP_BADGE_TIERS = (
    BadgeTier("bronze", 12, "Owned an item for 1 year"),
    BadgeTier("silver", 60, "Owned an item for 5 years"),
    BadgeTier("gold", 120, "Owned an item for 10 years"),
)
DONATED_BADGE_TIERS = (
    BadgeTier("bronze", 1, "Gave 1 item"),
    BadgeTier("silver", 5, "Gave 5 items"),
    BadgeTier("gold", 10, "Gave 10 items"),
)


def badge_progress(tiers: tuple[BadgeTier, ...], *, item_type: str, value: int, noun: str, unit: str) -> list[dict]:
    """The tiers' progress for `value` (months owned, items given). Every value past the top tier gives the
    same answer, so answers are computed once per process and shared: read them, never change them (a
    100-item page took a quarter of its item-building time here)."""
    return _badge_progress(tiers, item_type, min(value, tiers[-1].min), noun, unit)


@functools.lru_cache(maxsize=4096)
def _badge_progress(tiers: tuple[BadgeTier, ...], item_type: str, value: int, noun: str, unit: str) -> list[dict]:
    label = BADGE_LABELS[item_type]
    return [
        {
            "tier": tier.tier,
            "name": f"{tier.tier.title()} {label} {noun}",
            "description": tier.description,
            "min": tier.min,
            "unit": unit,
            "progress": round(min(value / tier.min, 1.0), 2),
            "achieved": value >= tier.min,
        }
        for tier in tiers
    ]


def unplace(collector: Collector, field: models.Field, sub_objs: Any, using: str) -> None:
    """What deleting a place does to the items in it: they have no place any more, and their full search
    text is their own again (Django's SET_NULL, plus the text)."""
    # The text first: the updates run in this order, and the second no longer finds rows by their place.
    text = cast(models.Field, field.model._meta.get_field("full_search_text"))
    collector.add_field_update(text, F("search_text"), sub_objs)
    collector.add_field_update(field, None, sub_objs)


unplace.lazy_sub_objs = True  # type: ignore[attr-defined]  # Django's marker: sub_objs may stay a queryset


class OwnedItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(max_length=255)
    picture_url = models.CharField(max_length=255)
    item_type = models.CharField(max_length=30, choices=ItemType.choices)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.KEEP)
    item_received_date = models.DateTimeField()
    last_used = models.DateTimeField()
    ownership_duration_goal_months = models.PositiveIntegerField(default=12)
    current_location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=unplace, related_name="items"
    )
    location_updated_at = models.DateTimeField(null=True, blank=True)
    # Folded name and type label (minNow/text.py), kept by every save and bulk_create.
    search_text = SearchTextField()
    # The same followed by the place's folded path: what a search matches, in one indexed column of the
    # item's own row. Kept by every save and bulk_create, and by a place's move or rename
    # (Location.save), its deletion (`unplace`) and `refresh_place_text`.
    full_search_text = SearchTextField(max_length=1500, source="full_search_source")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="item_user_created_idx"),
            models.Index(fields=["user", "status"], name="item_user_status_idx"),
            models.Index(fields=["user", "item_type"], name="item_user_type_idx"),
            # Per-place counts and "what is in this place" read one owner's items of one place.
            models.Index(fields=["user", "current_location"], name="item_user_location_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ownership_duration_goal_months__gte=1, ownership_duration_goal_months__lte=1200),
                name="item_goal_months_range",
            ),
            models.CheckConstraint(condition=models.Q(status__in=ItemStatus.values), name="item_status_valid"),
            models.CheckConstraint(condition=models.Q(item_type__in=ItemType.values), name="item_type_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None:
            fields = set(fields)
            if {"name", "item_type"} & fields:
                fields |= {"search_text", "full_search_text"}
            if {"current_location", "current_location_id"} & fields:
                fields.add("full_search_text")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Model validation (the admin's form calls it): an item is placed only in one of its owner's locations."""
        super().clean()
        location = self.current_location
        if location is not None and self.user_id and location.user_id != self.user_id:
            raise ValidationError(
                {"current_location": "This location belongs to another user: choose one of the item owner's locations."}
            )

    def search_source(self) -> str:
        return f"{self.name} {ItemType(self.item_type).label if self.item_type in ItemType.values else ''}"

    def full_search_source(self) -> str:
        """The item's own text and its place's path. A place that is not loaded is read (one query): writes
        that place many items pass the place objects, or refresh the text in bulk (`refresh_place_text`)."""
        place = self.current_location if self.current_location_id else None
        return f"{self.search_source()} {place.full_path}" if place is not None else self.search_source()

    @property
    def location_path(self) -> str | None:
        return self.current_location.full_path if self.current_location is not None else None


class Checkup(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkups")
    checkup_type = models.CharField(max_length=10, choices=CheckupType.choices)
    last_checkup_date = models.DateTimeField(default=timezone.now)
    checkup_interval_months = models.PositiveSmallIntegerField(default=1)
    # Set while a reminder job is sending this checkup's email; a job that dies leaves it to expire.
    reminder_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user_id", "checkup_type"]
        indexes = [models.Index(fields=["checkup_type", "last_checkup_date"], name="checkup_type_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["user", "checkup_type"], name="checkup_unique_user_type"),
            models.CheckConstraint(
                condition=models.Q(checkup_interval_months__gte=1, checkup_interval_months__lte=12),
                name="checkup_interval_range",
            ),
            models.CheckConstraint(condition=models.Q(checkup_type__in=CheckupType.values), name="checkup_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.checkup_type} checkup of {self.user_id}"

    @property
    def next_due_date(self) -> datetime:
        return self.last_checkup_date + relativedelta(months=self.checkup_interval_months)

    @property
    def is_checkup_due(self) -> bool:
        return timezone.now() >= self.next_due_date
