"""Item, checkup, badge, stats and preference endpoints, all scoped to the caller."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router, Status

from items import insights, selectors
from items.models import CheckupType
from items.schemas import (
    ActivityEventOut,
    ActivityFilters,
    BadgeOut,
    CheckupCreateIn,
    CheckupFilters,
    CheckupIntervalIn,
    CheckupOut,
    InsightsFilters,
    InsightsOut,
    ItemEventOut,
    ItemFilters,
    ItemIn,
    ItemOut,
    ItemStatsOut,
    ItemUpdateIn,
    SyncPreferencesIn,
    SyncPreferencesOut,
    TestEmailIn,
    TestEmailOut,
)
from items.services import CheckupService, ItemService
from minNow.errors import responses
from minNow.rendering import trusted
from users.auth import AuthenticatedRequest

router = Router(tags=["Items"])
checkups_router = Router(tags=["Checkups"])


@router.get("/items", response=responses({200: list[ItemOut]}, 400), summary="List the caller's items")
def list_items(request: AuthenticatedRequest, filters: Query[ItemFilters]):
    items = selectors.items_for_user(
        request.auth,
        status=filters.status,
        item_type=filters.item_type,
        q=filters.q,
        location_id=filters.location_id,
        include_sublocations=filters.include_sublocations,
        received_after=filters.received_after,
        received_before=filters.received_before,
        last_used_before=filters.last_used_before,
    )
    page, total, has_next = selectors.item_page(items, limit=filters.limit, offset=filters.offset)
    response = trusted(page)
    response["X-Total-Count"] = str(total)
    if has_next:
        response["Link"] = next_page_link(request, offset=filters.offset + filters.limit, limit=filters.limit)
    return response


def next_page_link(request: HttpRequest, **page: str | int) -> str:
    """RFC 8288 `Link` to the next page: this request's URL and filters with the next page's parameters
    (`offset`, or `cursor`, and `limit`)."""
    query = request.GET.copy()
    for name, value in page.items():
        query[name] = str(value)
    return f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'


@router.post("/items", response=responses({201: ItemOut}, 400), summary="Create an item")
def create_item(request: AuthenticatedRequest, payload: ItemIn):
    item = ItemService.create_item(user=request.auth, **payload.model_dump())
    return trusted(selectors.item_json(item), status=201)


@router.get("/items/stats", response=responses({200: ItemStatsOut}), summary="Item count and remaining slots")
def item_stats(request: AuthenticatedRequest):
    return selectors.item_stats(request.auth)


@router.get(
    "/insights",
    response=responses({200: InsightsOut}, 400),
    summary="Decluttering insights",
    description="Items let go (reached Give or Donate, read from the item history) in each of the last 12 months "
    "on your calendar; the median whole months items were owned before being let go, per type and over all; "
    "kept items that reached their ownership goal; kept items not used for `unused_months` months.",
)
def get_insights(request: AuthenticatedRequest, filters: Query[InsightsFilters]):
    return insights.insights_for_user(request.auth, unused_months=filters.unused_months)


# Fixed paths above this line: `/items/{item_id}` would otherwise take "stats" for an id. `/items/search` is
# search's (search/api.py), mounted before this router in config/api.py for the same reason.
@router.get("/items/{item_id}", response=responses({200: ItemOut}, 400, 404), summary="Get an item")
def get_item(request: AuthenticatedRequest, item_id: UUID):
    return trusted(selectors.item_for_user(request.auth, item_id))


@router.get(
    "/items/{item_id}/history",
    response=responses({200: list[ItemEventOut]}, 400, 404),
    summary="An item's history",
    description="Every change to the item, newest first; still answered after the item is deleted.",
)
def item_history(request: AuthenticatedRequest, item_id: UUID):
    return trusted(selectors.item_history(request.auth, item_id))


@router.put("/items/{item_id}", response=responses({200: ItemOut}, 400, 404), summary="Update an item")
def update_item(request: AuthenticatedRequest, item_id: UUID, payload: ItemUpdateIn):
    item = ItemService.update_item(user=request.auth, item_id=item_id, **payload.model_dump(exclude_unset=True))
    return trusted(selectors.item_json(item))


@router.delete("/items/{item_id}", response=responses({204: None}, 400, 404), summary="Delete an item")
def delete_item(request: AuthenticatedRequest, item_id: UUID):
    ItemService.delete_item(user=request.auth, item_id=item_id)
    return Status(204, None)


@router.get(
    "/activity",
    response=responses({200: list[ActivityEventOut]}, 400),
    summary="What happened to your items",
    description="The changes to all your items, deleted ones included, newest first, a page at a time.",
)
def activity(request: AuthenticatedRequest, filters: Query[ActivityFilters]):
    page, next_cursor = selectors.activity_page(
        request.auth,
        action=filters.action,
        since=filters.since,
        until=filters.until,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    response = trusted(page)
    if next_cursor:
        response["Link"] = next_page_link(request, cursor=next_cursor, limit=filters.limit)
    return response


@router.get(
    "/badges/donated", response=responses({200: dict[str, list[BadgeOut]]}), summary="Giver badges per item type"
)
def donated_badges(request: AuthenticatedRequest):
    return trusted(selectors.donated_badges(request.auth))


@checkups_router.get("/checkups", response=responses({200: list[CheckupOut]}, 400), summary="List checkups")
def list_checkups(request: AuthenticatedRequest, filters: Query[CheckupFilters]):
    return selectors.checkups_for_user(request.auth, checkup_type=filters.type)


@checkups_router.post("/checkups", response=responses({201: CheckupOut}, 400), summary="Create a missing checkup")
def create_checkup(request: AuthenticatedRequest, payload: CheckupCreateIn):
    checkup = CheckupService.create_checkup(
        user=request.auth, checkup_type=payload.checkup_type, interval_months=payload.interval_months
    )
    return Status(201, checkup)


@checkups_router.get("/checkups/{checkup_id}", response=responses({200: CheckupOut}, 400, 404), summary="Get a checkup")
def get_checkup(request: AuthenticatedRequest, checkup_id: int):
    return selectors.checkup_for_user(request.auth, checkup_id)


@checkups_router.post(
    "/checkups/{checkup_id}/complete", response=responses({200: CheckupOut}, 400, 404), summary="Complete a checkup"
)
def complete_checkup(request: AuthenticatedRequest, checkup_id: int):
    return CheckupService.complete_checkup(user=request.auth, checkup_id=checkup_id)


@checkups_router.put(
    "/checkups/{checkup_id}/interval", response=responses({200: CheckupOut}, 400, 404), summary="Change the interval"
)
def change_checkup_interval(request: AuthenticatedRequest, checkup_id: int, payload: CheckupIntervalIn):
    return CheckupService.change_checkup_interval(
        user=request.auth, checkup_id=checkup_id, months=payload.interval_months
    )


@checkups_router.post(
    "/sync-preferences", response=responses({200: SyncPreferencesOut}, 400), summary="Sync reminder preferences"
)
def sync_preferences(request: AuthenticatedRequest, payload: SyncPreferencesIn):
    checkups = CheckupService.sync_preferences(
        user=request.auth, interval_months=payload.checkupInterval, email_notifications=payload.emailNotifications
    )
    return {
        "message": gettext("User preferences synced successfully"),
        "email_notifications": payload.emailNotifications,
        "checkup_interval": payload.checkupInterval,
        "updated_checkups": checkups,
    }


@checkups_router.post(
    "/send-test-email",
    response=responses({200: TestEmailOut | list[TestEmailOut]}, 400, 502),
    summary="Send yourself a reminder now",
    description="With `{checkup_type}`: that reminder, answered as one object. Without a body (as the web app "
    "calls it): both the keep and the give reminder, due or not, answered as a list of the same objects. "
    "Either way one of your 5 test-email requests an hour; checkup dates are not moved.",
)
def send_test_email(request: AuthenticatedRequest, payload: TestEmailIn | None = None):
    if payload is None:
        return CheckupService.send_checkup_emails(request.auth, [CheckupType.KEEP, CheckupType.GIVE])
    return CheckupService.send_checkup_emails(request.auth, [payload.checkup_type])[0]
