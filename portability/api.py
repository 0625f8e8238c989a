"""Your data: export it, import it."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Your data"])
