"""The `seed_demo` management command: it creates the demo user with the demo items once, prints a
Swagger URL, a curl line and a `TOKEN=` line that follow `--base-url` (what `make run PORT=...` passes),
and the printed token authenticates as the demo user."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from config.testing import ApiClient
from items.demo import DEMO_ITEMS
from items.models import OwnedItem
from users.models import User

pytestmark = pytest.mark.django_db


def seed(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue().splitlines()


def printed_token(lines: list[str]) -> str:
    (token,) = [line.removeprefix("TOKEN=") for line in lines if line.startswith("TOKEN=")]
    return token


def test_printed_urls_follow_the_base_url_option():
    lines = seed("--base-url", "http://127.0.0.1:8010")

    token = printed_token(lines)
    assert "Paste into Swagger's Authorize button at http://127.0.0.1:8010/api/docs" in lines
    assert f"curl -H 'Authorization: Bearer {token}' http://127.0.0.1:8010/api/clerk-jwt" in lines
    assert not any(":8000" in line for line in lines)


def test_printed_urls_default_to_port_8000():
    lines = seed()

    token = printed_token(lines)
    assert "Paste into Swagger's Authorize button at http://127.0.0.1:8000/api/docs" in lines
    assert f"curl -H 'Authorization: Bearer {token}' http://127.0.0.1:8000/api/clerk-jwt" in lines


def test_a_trailing_slash_on_the_base_url_is_dropped():
    lines = seed("--base-url", "http://localhost:9000/")

    assert "Paste into Swagger's Authorize button at http://localhost:9000/api/docs" in lines


def test_a_base_url_without_a_scheme_is_a_command_error_and_creates_nothing():
    with pytest.raises(CommandError, match=r"--base-url must start with http:// or https://"):
        seed("--base-url", "127.0.0.1:8010")

    assert not User.objects.exists()


def test_the_printed_token_authenticates_as_the_demo_user():
    token = printed_token(seed("--base-url", "http://127.0.0.1:8010"))

    response = ApiClient(token).get("/api/clerk-jwt")

    assert response.status_code == 200, response.content
    assert response.json()["email"] == "demo@example.com"


def test_seeding_twice_creates_the_demo_items_once():
    first = seed()
    second = seed()

    assert f"Created {len(DEMO_ITEMS)} demo items" in first
    assert not any(line.startswith("Created") for line in second)
    demo = User.objects.get(email="demo@example.com")
    assert demo.first_name == "Demo"
    assert sorted(OwnedItem.objects.filter(user=demo).values_list("name", flat=True)) == sorted(
        name for name, *_ in DEMO_ITEMS
    )


def test_seed_demo_is_refused_outside_development(settings):
    settings.PROD = True

    with pytest.raises(CommandError, match="development only"):
        seed()

    assert not User.objects.exists()
