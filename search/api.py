"""Search across the caller's items and places."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from minNow.errors import responses
from minNow.rendering import trusted
from search import selectors
from search.schemas import SearchIn, SearchOut, SyncOut

router = Router(tags=["Search"])


@router.get("/search", response=responses({200: SearchOut}, 400), summary="Search items and places")
def search(request: HttpRequest, query: Query[SearchIn]):
    return trusted(selectors.search_everything(request.auth, query.q, limit=query.limit))


@router.post("/sync-my-data", response=responses({200: SyncOut}), summary="Refresh the search index")
def sync_my_data(request: HttpRequest):
    items, locations = selectors.reindex(request.auth)
    return {
        "success": True,
        "message": "Search is up to date: items and places are indexed as they are saved",
        "items": items,
        "locations": locations,
    }
