"""Headless-browser tests: Swagger UI at /api/docs and the Django admin, driven through Chromium.

They run Debian's Chromium (`apt-get install chromium`) through Playwright against pytest-django's
`live_server`, never a downloaded browser (`playwright install` is not needed). Every request the
page makes must go to the live server (Swagger UI's assets come from the `ninja` app's static files,
not a CDN) and none may fail. All database setup happens before the browser starts: Playwright's
sync API keeps an event loop in the test's thread, and Django refuses ORM calls there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import Page, Request, Response, expect, sync_playwright
except ImportError:
    pytest.skip("headless browser tests need Playwright: pip install -r requirements-dev.txt", allow_module_level=True)

from config.testing import BROWSER_TIMEOUT_MS as TIMEOUT_MS
from config.testing import CHROMIUM, CHROMIUM_ARGS, require_chromium
from items.demo import DEMO_ITEMS, seed_demo_items
from items.models import OwnedItem
from minNow.auth import issue_dev_token
from users.models import User
from users.services import dev_user_for_email

pytestmark = pytest.mark.slow  # Chromium against a live server
require_chromium()
ADMIN_PASSWORD = "a-long-test-password-123"


@dataclass
class Traffic:
    """Everything the page asked for, and what went wrong."""

    urls: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        self.urls.append(request.url)

    def on_request_failed(self, request: Request) -> None:
        # A load the page itself cancelled by navigating away (ERR_ABORTED) is not a missing asset.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url}: {request.failure}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")

    def off_host(self, base_url: str) -> list[str]:
        netloc = urlsplit(base_url).netloc
        return [url for url in self.urls if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != netloc]

    def summary(self, base_url: str) -> str:
        return (
            f"requests off {base_url}: {self.off_host(base_url)}\n"
            f"failed loads: {self.failed}\npage errors: {self.page_errors}"
        )


@contextmanager
def browser_page(base_url: str) -> Iterator[tuple[Page, Traffic]]:
    """A fresh Chromium page recording its traffic; checks on exit that it stayed on `base_url`."""
    traffic = Traffic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            page.on("request", traffic.on_request)
            page.on("requestfailed", traffic.on_request_failed)
            page.on("response", traffic.on_response)
            page.on("pageerror", lambda error: traffic.page_errors.append(str(error)))
            try:
                yield page, traffic
            except Exception as exc:
                exc.add_note(traffic.summary(base_url))  # why the page may not have rendered
                raise
        finally:
            browser.close()
    assert traffic.urls, "the page made no requests"
    assert traffic.off_host(base_url) == []
    assert traffic.failed == []
    assert traffic.page_errors == []


def test_swagger_ui_lists_demo_items_with_a_dev_token(live_server, transactional_db, tmp_path: Path):
    user = dev_user_for_email("demo@example.com")
    assert seed_demo_items(user) == len(DEMO_ITEMS)
    token = issue_dev_token(user)

    with browser_page(live_server.url) as (page, traffic):
        page.goto(f"{live_server.url}/api/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("MinNow API")
        assert any(urlsplit(url).path == "/static/ninja/swagger-ui-bundle.js" for url in traffic.urls)

        # Authorize with the bearer token.
        page.locator(".auth-wrapper button.authorize").click()
        modal = page.locator(".modal-ux")
        modal.locator('input[aria-label="auth-bearer-value"]').fill(token)
        modal.locator("button.modal-btn.authorize").click()
        expect(modal.get_by_role("button", name="Remove authorization")).to_be_visible()
        modal.get_by_role("button", name="Close").click()
        expect(modal).to_have_count(0)
        expect(page.locator(".auth-wrapper button.authorize")).to_have_class("btn authorize locked")

        # GET /api/v1/items (the document lists the versioned paths): expand, Try it out, Execute.
        operation = page.locator(".opblock.opblock-get").filter(
            has=page.locator('.opblock-summary-path[data-path="/api/v1/items"]')
        )
        expect(operation).to_have_count(1)
        operation.locator(".opblock-summary").click()
        operation.locator("button.try-out__btn").click()
        with page.expect_response(
            lambda r: urlsplit(r.url).path == "/api/v1/items" and r.request.method == "GET"
        ) as response_info:
            operation.locator("button.execute").click()
        response = response_info.value
        assert response.status == 200
        assert response.request.headers["authorization"] == f"Bearer {token}"

        live = operation.locator(".live-responses-table")
        expect(live.locator("tbody tr.response td.response-col_status")).to_have_text("200")
        body = live.locator("tbody tr.response td.response-col_description pre").first
        expect(body).to_contain_text("Red Rain Jacket")
        expect(body).to_contain_text("Road Bike")

        body.scroll_into_view_if_needed()
        screenshot = tmp_path / "swagger-items.png"
        page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000


def test_admin_lists_items_with_a_status_filter(live_server, transactional_db, tmp_path: Path):
    User.objects.create_superuser(username="root", email="root@example.com", password=ADMIN_PASSWORD)
    owner = dev_user_for_email("owner@example.com")
    seed_demo_items(owner)
    assert OwnedItem.objects.filter(user=owner).count() == len(DEMO_ITEMS)

    with browser_page(live_server.url) as (page, _traffic):
        page.goto(f"{live_server.url}/admin/")
        expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")
        page.locator("#id_username").fill("root")
        page.locator("#id_password").fill(ADMIN_PASSWORD)
        page.locator('#login-form [type="submit"]').click()
        expect(page).to_have_url(f"{live_server.url}/admin/")
        expect(page.locator("#content h1")).to_have_text("Site administration")

        page.goto(f"{live_server.url}/admin/items/owneditem/")
        expect(page.locator("#content h1")).to_have_text("Select owned item to change")
        results = page.locator("#result_list")
        for name in ("Red Rain Jacket", "Cordless Drill", "Road Bike", "Old Novels"):
            expect(results).to_contain_text(name)
        expect(results.locator("tbody tr")).to_have_count(len(DEMO_ITEMS))

        sidebar = page.locator("#changelist-filter")
        expect(sidebar).to_be_visible()
        expect(sidebar).to_contain_text("By status")
        sidebar.get_by_role("link", name="Donate", exact=True).click()
        expect(page).to_have_url(f"{live_server.url}/admin/items/owneditem/?status__exact=Donate")
        expect(results.locator("tbody tr")).to_have_count(1)
        expect(results).to_contain_text("Old Novels")
        expect(results).not_to_contain_text("Red Rain Jacket")
        page.screenshot(path=str(tmp_path / "admin-items.png"))
