"""The web frontend's cross-origin contract, checked by a real browser.

A page served from a second loopback origin calls the API the way the web app does: `fetch` with
`credentials: 'include'`, the bearer token, JSON, and the CSRF token from /api/clerk-jwt as `X-CSRFToken`.
Headless Chromium enforces CORS itself, so a missing `Access-Control-Allow-Credentials`, an unexposed header
or an unallowed request header fails here exactly as it fails for a person using the app. The same page
served from an origin that is not listed must be refused by the browser, and none of its writes may land.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import override_settings

from config.testing import BROWSER_TIMEOUT_MS as TIMEOUT_MS
from config.testing import CHROMIUM, CHROMIUM_ARGS, require_chromium
from config.tests.servers import serving_page
from items.models import OwnedItem
from locations.models import Location
from minNow.auth import issue_dev_token
from users.services import dev_user_for_email

try:
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError:
    pytest.skip("headless browser tests need Playwright: pip install -r requirements-dev.txt", allow_module_level=True)

pytestmark = pytest.mark.slow  # Chromium against a live server
require_chromium()

# Calls the API like the web app's client: every call cross-origin with the bearer token, credentials included;
# the CSRF token fetched first and sent back as a header (not as a cookie). Errors are shown as the app shows
# them: `detail` as the text of a toast.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>MinNow cross-origin check</title></head>
<body><div id="toast"></div>
<script>
const EXPOSED = ["X-Total-Count", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

async function csrfToken(api, token) {
  const response = await fetch(`${api}/api/clerk-jwt`, {headers: {"Authorization": `Bearer ${token}`}});
  return (await response.json()).csrf_token;
}

window.callApi = async (api, token, method, path, body) => {
  try {
    const headers = {"Authorization": `Bearer ${token}`, "Content-Type": "application/json"};
    headers["X-CSRFToken"] = await csrfToken(api, token);
    const response = await fetch(`${api}${path}`, {
      method, headers, credentials: "include", body: body == null ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      document.getElementById("toast").textContent = json.detail;
    }
    const exposed = Object.fromEntries(EXPOSED.map((name) => [name, response.headers.get(name)]));
    return {blocked: false, status: response.status, body: json, exposed};
  } catch (error) {
    return {blocked: true, error: String(error)};
  }
};
</script></body></html>
"""


def page_origin() -> AbstractContextManager[str]:
    """Serves PAGE at / from its own loopback origin; yields that origin."""
    return serving_page(PAGE)


@contextmanager
def chromium_pages(origin: str) -> Iterator[Callable[..., Page]]:
    """Opens pages at `origin` in one headless Chromium; `locale` (e.g. "de-DE") sets the browser's language, as
    a person's operating system does: `toLocaleDateString()` and the Accept-Language header follow it."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def open_page(locale: str | None = None) -> Page:
            page = browser.new_page(locale=locale)
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(origin)
            return page

        try:
            yield open_page
        finally:
            browser.close()


@contextmanager
def chromium_page(origin: str) -> Iterator[Page]:
    with chromium_pages(origin) as open_page:
        yield open_page()


class Frontend:
    """The page's `callApi`, bound to one API and one user's token."""

    def __init__(self, page: Page, api: str, token: str) -> None:
        self.page, self.api, self.token = page, api, token

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        args = [self.api, self.token, method, path, body]
        return self.page.evaluate("([api, token, method, path, body]) => callApi(api, token, method, path, body)", args)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        result = self.call(method, path, body)
        assert result["blocked"] is False, f"{method} {path}: the browser refused the answer: {result['error']}"
        assert result["status"] == status, f"{method} {path}: {result}"
        return result


ITEM = {
    "name": "Blue Umbrella",
    "picture_url": "☂️",
    "item_type": "Miscellaneous",
    "status": "Keep",
    "item_received_date": "2022-03-01T00:00:00.000Z",
    "last_used": "2022-03-01T00:00:00.000Z",
    "ownership_duration_goal_months": 24,
}


@pytest.fixture
def demo_token(transactional_db) -> str:
    return issue_dev_token(dev_user_for_email("frontend@example.com"))


def test_every_frontend_call_works_cross_origin_with_credentials(live_server, demo_token):
    with page_origin() as origin, override_settings(CORS_ALLOWED_ORIGINS=[origin]), chromium_page(origin) as page:
        app = Frontend(page, live_server.url, demo_token)

        # Add item (manual), then the Keep list reads it back with the exposed count and rate-limit headers.
        created = app.ok("POST", "/api/items", ITEM, status=201)["body"]
        listed = app.ok("GET", "/api/items?status=Keep&limit=10")
        assert [item["name"] for item in listed["body"]] == ["Blue Umbrella"]
        assert listed["exposed"]["X-Total-Count"] == "1"
        assert listed["exposed"]["X-RateLimit-Limit"] == "100"
        assert int(listed["exposed"]["X-RateLimit-Remaining"]) < 100
        assert listed["exposed"]["X-RateLimit-Reset"] is not None

        # Edit and status change (partial PUT), the add-item form's stats, the giver badges.
        item_path = f"/api/items/{created['id']}"
        assert app.ok("PUT", item_path, {"name": "Red Umbrella"})["body"]["name"] == "Red Umbrella"
        assert app.ok("PUT", item_path, {"status": "Give"})["body"]["status"] == "Give"
        assert app.ok("GET", "/api/items/stats")["body"]["current_count"] == 1
        assert list(app.ok("GET", "/api/badges/donated")["body"]) == ["Miscellaneous"]

        # Location picker: create, rename, tree; place the item there; manual search groups by location.
        home = app.ok("POST", "/api/locations", {"display_name": "Home"}, status=201)["body"]
        hall = app.ok("POST", "/api/locations", {"display_name": "Hall", "parent_id": home["id"]}, status=201)["body"]
        app.ok("PUT", f"/api/locations/{hall['id']}", {"display_name": "Hallway"})
        tree = app.ok("GET", "/api/locations/tree")["body"]
        assert [(node["full_path"], [child["full_path"] for child in node["children"]]) for node in tree] == [
            ("home", ["home/hallway"])
        ]
        app.ok("PUT", item_path, {"current_location_id": hall["id"]})
        found = app.ok("GET", "/api/items/search?q=umbrella")["body"]
        assert [(item["name"], item["location_path"]) for item in found] == [("Red Umbrella", "home/hallway")]
        # Min Search: the tab syncs when it opens, then asks.
        assert app.ok("POST", "/api/sync-my-data")["body"]["success"] is True
        answer = app.ok("POST", "/api/query-agent", {"query": "where is my umbrella?"})["body"]
        assert answer["response"]["message"] == "Red Umbrella (marked Give): in home/hallway."
        assert isinstance(answer["elapsed_time_ms"], int)

        # Refusal texts the picker shows.
        refused = app.ok("DELETE", f"/api/locations/{hall['id']}", status=400)
        assert "items" in refused["body"]["detail"]
        assert "items" in page.locator("#toast").text_content()
        assert "children" in app.ok("DELETE", f"/api/locations/{home['id']}", status=400)["body"]["detail"]

        # Checkup dot and dialog; onboarding email dialog.
        checkups = app.ok("GET", "/api/checkups?type=keep")["body"]
        assert checkups[0]["is_checkup_due"] is False
        app.ok("POST", f"/api/checkups/{checkups[0]['id']}/complete")
        synced = app.ok("POST", "/api/sync-preferences", {"checkupInterval": 3, "emailNotifications": True})
        assert synced["body"]["message"] == "User preferences synced successfully"

        # Quick Add through the route the app calls.
        prompts = {"0": "Add a new item to keep: name 'Yoga Mat', received March 2022, ownership goal: 36 months"}
        batch = app.ok("POST", "/api/agent-add-item-batch", {"prompts": prompts})["body"]
        assert batch["status"] == "success"
        assert batch["results"]["0"]["item"]["name"] == "Yoga Mat"

        # A validation error reaches the person as a sentence, not "[object Object]".
        invalid = app.ok("POST", "/api/items", {**ITEM, "item_type": "Nope", "ownership_duration_goal_months": 0}, 400)
        assert isinstance(invalid["body"]["detail"], str)
        toast = page.locator("#toast")
        expect(toast).to_contain_text("item_type: Input should be")
        expect(toast).to_contain_text("ownership_duration_goal_months: Input should be greater than or equal to 1")
        expect(toast).not_to_contain_text("[object Object]")

        # Delete: the app reads the item first, then deletes it.
        app.ok("GET", item_path)
        app.ok("DELETE", item_path, status=204)
        app.ok("GET", item_path, status=404)
        remaining = app.ok("GET", "/api/items")["body"]

    assert [item["name"] for item in remaining] == ["Yoga Mat"]
    assert set(OwnedItem.objects.values_list("name", flat=True)) == {"Yoga Mat"}
    assert sorted(Location.objects.values_list("full_path", flat=True)) == ["home", "home/hallway"]


def test_the_same_calls_from_an_unlisted_origin_are_blocked_by_the_browser(live_server, demo_token):
    calls = [
        ("GET", "/api/items?status=Keep", None),
        ("POST", "/api/items", ITEM),
        ("POST", "/api/locations", {"display_name": "Home"}),
        ("POST", "/api/sync-preferences", {"checkupInterval": 3, "emailNotifications": True}),
        ("POST", "/api/items", {}),
    ]
    with (
        page_origin() as listed,
        page_origin() as unlisted,
        override_settings(CORS_ALLOWED_ORIGINS=[listed]),
        chromium_page(unlisted) as page,
    ):
        app = Frontend(page, live_server.url, demo_token)
        results = [app.call(method, path, body) for method, path, body in calls]

    for (method, path, _body), result in zip(calls, results, strict=True):
        assert result["blocked"] is True, f"{method} {path} from an unlisted origin was readable: {result}"
        assert "Failed to fetch" in result["error"]
    # A JSON write needs a preflight, which the API refuses to allow: nothing was written.
    assert OwnedItem.objects.count() == 0
    assert Location.objects.count() == 0


# Quick Add composes its prompts with the browser's own date format; these are the app's template literals.
QUICK_ADD = """() => {
  const today = new Date();
  return {
    written: today.toLocaleDateString(),
    picked: new Date(2025, 2, 7).toLocaleDateString(),
    prompts: {
      "0": `Add a new item to keep: name 'Bread Knife', start tracking today: ${today.toLocaleDateString()}`,
      "1": `Add a new item to keep: name 'grandma's Tea Kettle', start tracking today: ${today.toLocaleDateString()}`
        + `, ownership goal: 24 months`,
      "2": `Add a new item to keep: name 'Café Crème Mugs', received March 2022`,
      "3": `Add a new item to keep: name 'Yoga Mat', received ${new Date(2025, 2, 7).toLocaleDateString()}`,
    },
  };
}"""
BROWSER_LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "nl-NL", "sv-SE", "pt-BR", "ja-JP", "zh-CN", "en-IN"]


def test_quick_add_keeps_names_and_dates_from_browsers_in_many_locales(live_server, transactional_db):
    # The database is read outside the browser block: Playwright's sync API runs an event loop in this thread.
    users = {locale: dev_user_for_email(f"quick-add-{locale.lower()}@example.com") for locale in BROWSER_LOCALES}
    tokens = {locale: issue_dev_token(user) for locale, user in users.items()}
    written, sent = {}, {}
    with (
        page_origin() as origin,
        override_settings(CORS_ALLOWED_ORIGINS=[origin]),
        chromium_pages(origin) as open_page,
    ):
        for locale in BROWSER_LOCALES:
            page = open_page(locale)
            composed = page.evaluate(QUICK_ADD)
            written[locale] = composed["written"]
            before = datetime.now(UTC)
            answer = Frontend(page, live_server.url, tokens[locale]).ok(
                "POST", "/api/agent-add-item-batch", {"prompts": composed["prompts"]}
            )
            sent[locale] = (before, datetime.now(UTC), answer["body"]["status"])
            page.close()

    # The browsers really wrote their own formats (3.12.2026, 03/12/2026, 2026/12/3, ...).
    assert len(set(written.values())) >= 6, written
    for locale, user in users.items():
        before, after, status = sent[locale]
        items = {item.name: item for item in OwnedItem.objects.filter(user=user)}
        stored = {
            "status": status,
            "names": sorted(items),
            "today": [
                before <= items[name].item_received_date <= after for name in ("Bread Knife", "grandma's Tea Kettle")
            ],
            "goal": items["grandma's Tea Kettle"].ownership_duration_goal_months,
            "picked": (items["Café Crème Mugs"].item_received_date, items["Yoga Mat"].item_received_date),
        }
        assert stored == {
            "status": "success",
            "names": ["Bread Knife", "Café Crème Mugs", "Yoga Mat", "grandma's Tea Kettle"],
            "today": [True, True],
            "goal": 24,
            "picked": (datetime(2022, 3, 1, 12, tzinfo=UTC), datetime(2025, 3, 7, 12, tzinfo=UTC)),
        }, (locale, written[locale])
