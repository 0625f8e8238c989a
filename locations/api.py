"""Location endpoints: a per-user tree of storage places."""

from __future__ import annotations

from uuid import UUID

from django.utils.translation import gettext
from ninja import Query, Router, Status

from locations import selectors
from locations.schemas import (
    LocationDeletedOut,
    LocationIn,
    LocationMoveIn,
    LocationOut,
    LocationRenameIn,
    LocationSearchOut,
    LocationSearchQuery,
    LocationTreeNode,
)
from locations.services import LocationService
from minNow.errors import responses
from minNow.rendering import trusted
from users.auth import AuthenticatedRequest

router = Router(tags=["Locations"])


@router.get("/locations", response=responses({200: list[LocationOut]}), summary="All locations, by path")
def list_locations(request: AuthenticatedRequest):
    return trusted(selectors.locations_for_user(request.auth))


@router.post("/locations", response=responses({201: LocationOut}, 400), summary="Create a location")
def create_location(request: AuthenticatedRequest, payload: LocationIn):
    location = LocationService.create(user=request.auth, display_name=payload.display_name, parent_id=payload.parent_id)
    return Status(201, location)


@router.get("/locations/tree", response=responses({200: list[LocationTreeNode]}), summary="The location tree")
def location_tree(request: AuthenticatedRequest):
    return trusted(selectors.location_tree(request.auth))


@router.get("/locations/search", response=responses({200: list[LocationSearchOut]}, 400), summary="Search locations")
def search_locations(request: AuthenticatedRequest, query: Query[LocationSearchQuery]):
    return trusted(selectors.location_search(request.auth, query.q))


@router.get("/locations/{location_id}", response=responses({200: LocationOut}, 400, 404), summary="Get a location")
def get_location(request: AuthenticatedRequest, location_id: UUID):
    return selectors.location_for_user(request.auth, location_id)


@router.put("/locations/{location_id}", response=responses({200: LocationOut}, 400, 404), summary="Rename a location")
def rename_location(request: AuthenticatedRequest, location_id: UUID, payload: LocationRenameIn):
    return LocationService.rename(user=request.auth, location_id=location_id, display_name=payload.display_name)


@router.put(
    "/locations/{location_id}/move", response=responses({200: LocationOut}, 400, 404), summary="Move a location"
)
def move_location(request: AuthenticatedRequest, location_id: UUID, payload: LocationMoveIn):
    return LocationService.move(user=request.auth, location_id=location_id, parent_id=payload.parent_id)


@router.delete(
    "/locations/{location_id}", response=responses({200: LocationDeletedOut}, 400, 404), summary="Delete a location"
)
def delete_location(request: AuthenticatedRequest, location_id: UUID):
    LocationService.delete(user=request.auth, location_id=location_id)
    return {"success": True, "message": gettext("Location deleted successfully")}
