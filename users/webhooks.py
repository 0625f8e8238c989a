"""Clerk's webhooks: users created, updated and deleted in Clerk reach this API at once."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Webhooks"])
