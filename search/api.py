"""Search across the caller's items and places, and the web app's item search (`/items/search`)."""

from __future__ import annotations

from django.utils.translation import gettext
from ninja import Query, Router

from items.schemas import ItemSearchIn, ItemSearchOut
from minNow.errors import responses
from minNow.rendering import trusted
from search import selectors, services
from search.schemas import SearchIn, SearchOut, SyncOut
from users.auth import AuthenticatedRequest

router = Router(tags=["Search"])
# Mounted before the items router (config/api.py), whose `/items/{item_id}` would take "search" for an id.
items_search_router = Router(tags=["Items"])


@items_search_router.get(
    "/items/search",
    response=responses({200: list[ItemSearchOut]}, 400),
    summary="Search items by name, type or place",
)
def search_items(request: AuthenticatedRequest, filters: Query[ItemSearchIn]):
    return trusted(selectors.search_items(request.auth, filters.q))


@router.get("/search", response=responses({200: SearchOut}, 400), summary="Search items and places")
def search(request: AuthenticatedRequest, query: Query[SearchIn]):
    return trusted(selectors.search_everything(request.auth, query.q, limit=query.limit))


@router.post("/sync-my-data", response=responses({200: SyncOut}), summary="Refresh the search index")
def sync_my_data(request: AuthenticatedRequest):
    items, locations = services.reindex(request.auth)
    return {
        "success": True,
        "message": gettext("Search is up to date: items and places are indexed as they are saved"),
        "items": items,
        "locations": locations,
    }
