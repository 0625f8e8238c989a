"""What a starting web server does: say which mode it runs in, and load what its routes use before it forks."""

from __future__ import annotations

import importlib
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


# The SDKs the API's routes import on first use (the agent, Min Search, mail, Clerk webhooks). Management commands
# leave them out and start in about a second; a web server imports them once in gunicorn's master (preload_app), so
# that every worker shares them and no first request pays seconds of imports inside its time budget.
ROUTE_SDKS = (
    "langchain_core.messages",
    "langchain_core.runnables",
    "langchain_core.tools",
    "langchain_openai",
    "langgraph.graph",
    "langgraph.prebuilt",
    "openai",
    "mailersend",
    "requests",
    "svix.webhooks",
)


def preload_route_sdks() -> None:
    for module in ROUTE_SDKS:
        importlib.import_module(module)
