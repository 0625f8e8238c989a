"""Owned items, checkups, durations and badges."""

from __future__ import annotations

import calendar
import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, cast

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.deletion import Collector
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from minNow.text import SearchTextField


class ItemType(models.TextChoices):
    CLOTHING_ACCESSORIES = "Clothing_Accessories", _("Clothing & Accessories")
    PERSONAL_CARE_ITEMS = "Personal_Care_Items", _("Personal Care Items")
    CLEANING_SUPPLIES = "Cleaning_Supplies", _("Cleaning Supplies")
    FURNITURE_APPLIANCES = "Furniture_Appliances", _("Furniture & Appliances")
    DECOR_ART = "Decor_Art", _("Decor & Art")
    SUBSCRIPTIONS_LICENSES = "Subscriptions_Licenses", _("Subscriptions & Licenses")
    TECHNOLOGY = "Technology", _("Technology")
    VEHICLES = "Vehicles", _("Vehicles")
    TOOLS_EQUIPMENT = "Tools_Equipment", _("Tools & Equipment")
    OUTDOOR_GEAR = "Outdoor_Gear", _("Outdoor Gear")
    FITNESS_EQUIPMENT = "Fitness_Equipment", _("Fitness Equipment")
    TOYS_GAMES = "Toys_Games", _("Toys & Games")
    PET_SUPPLIES = "Pet_Supplies", _("Pet Supplies")
    BOOKS_MEDIA = "Books_Media", _("Books & Media")
    MISCELLANEOUS = "Miscellaneous", _("Miscellaneous")
    OTHER = "Other", _("Other")


@functools.lru_cache(maxsize=16)
def item_type_labels(language: str | None) -> dict[str, str]:
    """Each type's label in `language` (the active one, `translation.get_language()`): read once per item."""
    with translation.override(language):
        return {value: str(label) for value, label in ItemType.choices}


def item_type_label(item_type: str) -> str:
    """The type's label in the active language; an unknown value is answered as it is."""
    return item_type_labels(translation.get_language()).get(item_type, item_type)


# Short names used in badge titles ("Gold Clothing Keeper"), translated when read.
BADGE_LABELS: dict[str, str | Promise] = {
    ItemType.CLOTHING_ACCESSORIES: _("Clothing"),
    ItemType.PERSONAL_CARE_ITEMS: _("Personal Care"),
    ItemType.CLEANING_SUPPLIES: _("Cleaning"),
    ItemType.FURNITURE_APPLIANCES: _("Furniture"),
    ItemType.DECOR_ART: _("Decor"),
    ItemType.SUBSCRIPTIONS_LICENSES: _("Subscriptions"),
    ItemType.TECHNOLOGY: _("Technology"),
    ItemType.VEHICLES: _("Vehicles"),
    ItemType.TOOLS_EQUIPMENT: _("Tools"),
    ItemType.OUTDOOR_GEAR: _("Outdoor Gear"),
    ItemType.FITNESS_EQUIPMENT: _("Fitness"),
    ItemType.TOYS_GAMES: _("Toys"),
    ItemType.PET_SUPPLIES: _("Pet Supplies"),
    ItemType.BOOKS_MEDIA: _("Books"),
    ItemType.MISCELLANEOUS: _("Miscellaneous"),
    ItemType.OTHER: _("Other"),
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
    description: str | Promise


KEEP_BADGE_TIERS = (
    BadgeTier("bronze", 12, _("Owned an item for 1 year")),
    BadgeTier("silver", 60, _("Owned an item for 5 years")),
    BadgeTier("gold", 120, _("Owned an item for 10 years")),
)
DONATED_BADGE_TIERS = (
    BadgeTier("bronze", 1, _("Gave 1 item")),
    BadgeTier("silver", 5, _("Gave 5 items")),
    BadgeTier("gold", 10, _("Gave 10 items")),
)
# A badge's title: its tier, the type's short name and what the person did. Translators see each whole.
BADGE_NAMES: dict[str, str | Promise] = {
    "Keeper": _("%(tier)s %(label)s Keeper"),
    "Giver": _("%(tier)s %(label)s Giver"),
}


TIER_NAMES: dict[str, str | Promise] = {
    "bronze": pgettext_lazy("badge tier", "Bronze"),
    "silver": pgettext_lazy("badge tier", "Silver"),
    "gold": pgettext_lazy("badge tier", "Gold"),
}


def badge_progress(tiers: tuple[BadgeTier, ...], *, item_type: str, value: int, noun: str, unit: str) -> list[dict]:
    """The tiers' progress for `value` (months owned, items given), named in the active language. Every value
    past the top tier gives the same answer, so answers are computed once per process and language and shared:
    read them, never change them (a 100-item page took a quarter of its item-building time here)."""
    return _badge_progress(tiers, item_type, min(value, tiers[-1].min), noun, unit, translation.get_language())


@functools.lru_cache(maxsize=16384)
def _badge_progress(
    tiers: tuple[BadgeTier, ...], item_type: str, value: int, noun: str, unit: str, language: str | None
) -> list[dict]:
    label = BADGE_LABELS[item_type]
    name = BADGE_NAMES[noun]
    return [
        {
            "tier": tier.tier,
            "name": str(name) % {"tier": TIER_NAMES[tier.tier], "label": label},
            "description": str(tier.description),
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
                {
                    "current_location": gettext(
                        "This location belongs to another user: choose one of the item owner's locations."
                    )
                }
            )

    def search_source(self) -> str:
        # Always the English label: what a search matches must not depend on who saved the item last.
        return f"{self.name} {item_type_labels('en').get(self.item_type, '')}"

    def full_search_source(self) -> str:
        """The item's own text and its place's path. A place that is not loaded is read (one query): writes
        that place many items pass the place objects, or refresh the text in bulk (`refresh_place_text`)."""
        place = self.current_location if self.current_location_id else None
        return f"{self.search_source()} {place.full_path}" if place is not None else self.search_source()

    @property
    def location_path(self) -> str | None:
        return self.current_location.full_path if self.current_location is not None else None


class ItemAction(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    STATUS_CHANGED = "status_changed"
    MOVED = "moved"
    DELETED = "deleted"


class ItemEvent(models.Model):
    """One change to an item, written in the same transaction as the change (items/history.py).

    `item_id` is not a foreign key, so an item's history outlives the item; `item_name` is its name at the
    time. `changes` maps each changed field to `[old, new]` in the API's JSON form (a move also carries
    `location_path`: the place's path at the time).
    """

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_events")
    item_id = models.UUIDField()
    item_name = models.CharField(max_length=255)
    action = models.CharField(max_length=20, choices=ItemAction.choices)
    changes = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at", "-id"], name="item_event_user_at_idx"),
            models.Index(fields=["item_id", "-at", "-id"], name="item_event_item_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=ItemAction.values), name="item_event_action_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.item_name} at {self.at:%Y-%m-%d %H:%M}"


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

    def due_at(self, zone: tzinfo) -> datetime:
        """When the checkup falls due for a person in `zone`: the last date plus the interval in calendar months
        on their clock (Jan 31 + 1 month is Feb 28/29 there, at the same local time), in UTC."""
        local = self.last_checkup_date.astimezone(zone)
        return (local + relativedelta(months=self.checkup_interval_months)).astimezone(UTC)

    @property
    def next_due_date(self) -> datetime:
        """`due_at` in the owner's time zone (reads the owner unless it is loaded: select_related, or set it)."""
        return self.due_at(self.user.zone)

    @property
    def is_checkup_due(self) -> bool:
        return timezone.now() >= self.next_due_date
