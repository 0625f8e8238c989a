"""What a starting server says about the mode it runs in."""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def log_mode() -> None:
    """One line at start-up; a loud one when anyone can get a token (development mode)."""
    if settings.DEBUG and not settings.PROD:
        logger.warning(
            "Development mode (DEBUG=True, PROD=False): /api/dev/auth/clerk-login hands out tokens for any email "
            "and HS256 development tokens are accepted. Never expose this server; set PROD=True in production."
        )
    else:
        logger.info("Production mode: development routes and HS256 tokens are off")
