"""`backfill_clerk_emails` against a loopback server standing in for Clerk's Backend API.

Clerk's `GET /users?limit&offset&order_by` answers a bare JSON array. The command pages through it
with the secret key as a bearer token and copies each user's primary email onto the local user with
the same `clerk_id`: outdated and empty emails are updated, correct ones and users Clerk does not
know are left alone. Also: --dry-run writes nothing, --verbose lists updates, a Clerk error or a
missing secret key is a CommandError.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from config.testing import make_user
from config.tests.servers import LoopbackServer, Recorded, Reply
from users.models import User

pytestmark = pytest.mark.django_db


def clerk_user(clerk_id: str, primary: str, *others: str) -> dict[str, Any]:
    """A Clerk user object whose primary address is listed last, after any other addresses."""
    addresses = [{"id": f"idn_{clerk_id}_{n}", "email_address": email} for n, email in enumerate(others)]
    addresses.append({"id": f"idn_{clerk_id}_primary", "email_address": primary})
    return {
        "id": clerk_id,
        "object": "user",
        "email_addresses": addresses,
        "primary_email_address_id": f"idn_{clerk_id}_primary",
        "first_name": None,
        "last_name": None,
        "public_metadata": {},
        "unsafe_metadata": {},
    }


CLERK_USERS = [
    clerk_user("user_olivia", "olivia@new.example", "olivia@secondary.example"),
    clerk_user("user_nadia", "nadia@example.com"),
    clerk_user("user_carl", "carl@example.com"),
]


class FakeClerk:
    """Serves `GET /users` with limit/offset paging over a fixed list, like Clerk's Backend API."""

    def __init__(self, users: list[dict[str, Any]], status: int = 200) -> None:
        self.users = users
        self.status = status

    def __call__(self, request: Recorded) -> Reply:
        if self.status != 200:
            return Reply(self.status, {"errors": [{"message": "boom", "code": "internal_error"}]})
        url = urlsplit(request.path)
        if request.method != "GET" or url.path != "/users":
            return Reply(404, {"errors": [{"message": "not found", "code": "resource_not_found"}]})
        query = parse_qs(url.query)
        limit, offset = int(query["limit"][0]), int(query.get("offset", ["0"])[0])
        return Reply(200, self.users[offset : offset + limit])


def query_of(request: Recorded) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.path).query)


@pytest.fixture
def local_users(db) -> dict[str, User]:
    """Outdated email, empty email, already correct, and one Clerk does not know."""
    olivia = make_user("olivia")  # olivia@example.com, outdated
    nadia = make_user("nadia")
    User.objects.filter(pk=nadia.pk).update(email="")
    carl = make_user("carl")  # carl@example.com, already correct
    local = make_user("local")  # user_local: not in Clerk
    return {"olivia": olivia, "nadia": nadia, "carl": carl, "local": local}


def emails() -> dict[str, str]:
    return dict(User.objects.values_list("clerk_id", "email"))


def backfill(server: LoopbackServer, *args: str) -> str:
    out = io.StringIO()
    with override_settings(CLERK_SECRET_KEY="sk_test", CLERK_API_URL=server.url):
        call_command("backfill_clerk_emails", "--page-size", "2", *args, stdout=out)
    return out.getvalue()


def test_backfill_updates_outdated_and_empty_emails_and_leaves_the_rest(local_users):
    with LoopbackServer(FakeClerk(CLERK_USERS)) as server:
        output = backfill(server)

    assert emails() == {
        "user_olivia": "olivia@new.example",
        "user_nadia": "nadia@example.com",
        "user_carl": "carl@example.com",
        "user_local": "local@example.com",
    }
    assert output.splitlines() == ["3 Clerk user(s) read, updated 2 email(s)"]


def test_backfill_pages_with_limit_and_offset_and_sends_the_secret_key(local_users):
    with LoopbackServer(FakeClerk(CLERK_USERS)) as server:
        backfill(server)

    assert [(r.method, urlsplit(r.path).path) for r in server.requests] == [("GET", "/users"), ("GET", "/users")]
    assert [query_of(r)["limit"] for r in server.requests] == [["2"], ["2"]]
    assert [query_of(r)["offset"] for r in server.requests] == [["0"], ["2"]]
    assert {r.headers["Authorization"] for r in server.requests} == {"Bearer sk_test"}
    assert {tuple(query_of(r).get("order_by", [])) for r in server.requests} == {("+created_at",)}


def test_a_full_last_page_is_followed_by_one_more_request_that_ends_the_paging(local_users):
    four = [*CLERK_USERS, clerk_user("user_dana", "dana@example.com")]

    with LoopbackServer(FakeClerk(four)) as server:
        output = backfill(server)

    assert [query_of(r)["offset"] for r in server.requests] == [["0"], ["2"], ["4"]]
    assert output.splitlines() == ["4 Clerk user(s) read, updated 2 email(s)"]
    assert not User.objects.filter(clerk_id="user_dana").exists()  # backfill never creates users


def test_dry_run_lists_the_would_be_changes_and_writes_nothing(local_users):
    before = emails()

    with LoopbackServer(FakeClerk(CLERK_USERS)) as server:
        output = backfill(server, "--dry-run")

    assert emails() == before
    *changes, summary = output.splitlines()
    assert sorted(changes) == [
        "would update: user_nadia (none) -> nadia@example.com",
        "would update: user_olivia olivia@example.com -> olivia@new.example",
    ]
    assert summary == "3 Clerk user(s) read, would update 2 email(s)"


def test_verbose_lists_each_update(local_users):
    with LoopbackServer(FakeClerk(CLERK_USERS)) as server:
        output = backfill(server, "--verbose")

    *changes, summary = output.splitlines()
    assert sorted(changes) == [
        "updating: user_nadia (none) -> nadia@example.com",
        "updating: user_olivia olivia@example.com -> olivia@new.example",
    ]
    assert summary == "3 Clerk user(s) read, updated 2 email(s)"


def test_a_second_run_updates_nothing(local_users):
    with LoopbackServer(FakeClerk(CLERK_USERS)) as server:
        backfill(server)
        output = backfill(server)

    assert output.splitlines() == ["3 Clerk user(s) read, updated 0 email(s)"]


def test_a_clerk_user_without_any_email_does_not_blank_the_local_email(local_users):
    no_email = {**clerk_user("user_carl", "x"), "email_addresses": [], "primary_email_address_id": None}

    with LoopbackServer(FakeClerk([no_email])) as server:
        output = backfill(server)

    assert emails()["user_carl"] == "carl@example.com"
    assert output.splitlines() == ["1 Clerk user(s) read, updated 0 email(s)"]


def test_clerk_answering_500_is_a_command_error_and_writes_nothing(local_users):
    before = emails()

    with LoopbackServer(FakeClerk(CLERK_USERS, status=500)) as server, pytest.raises(CommandError) as failure:
        backfill(server)

    assert "500" in str(failure.value)
    assert emails() == before


def test_a_failure_on_the_second_page_keeps_the_first_pages_updates_and_is_a_command_error(local_users):
    fake = FakeClerk(CLERK_USERS)

    def second_page_fails(request: Recorded) -> Reply:
        if query_of(request).get("offset") == ["2"]:
            return Reply(503, {"errors": []})
        return fake(request)

    with LoopbackServer(second_page_fails) as server, pytest.raises(CommandError) as failure:
        backfill(server)

    assert "after 2 update(s)" in str(failure.value)
    assert emails()["user_olivia"] == "olivia@new.example"
    assert emails()["user_nadia"] == "nadia@example.com"


def test_a_response_that_is_not_a_list_is_a_command_error(local_users):
    with LoopbackServer(lambda request: Reply(200, {"data": CLERK_USERS})) as server, pytest.raises(CommandError):
        backfill(server)

    assert emails()["user_olivia"] == "olivia@example.com"


def test_without_a_clerk_secret_key_it_is_a_command_error_and_calls_nothing(local_users):
    server = LoopbackServer(FakeClerk(CLERK_USERS))
    with (
        server,
        override_settings(CLERK_SECRET_KEY="", CLERK_API_URL=server.url),
        pytest.raises(CommandError, match="CLERK_SECRET_KEY"),
    ):
        call_command("backfill_clerk_emails", stdout=io.StringIO())

    assert server.requests == []
    assert emails()["user_olivia"] == "olivia@example.com"


@pytest.mark.parametrize("size", ["0", "501"])
def test_page_size_outside_1_to_500_is_refused(size, local_users):
    with pytest.raises(CommandError):
        call_command("backfill_clerk_emails", "--page-size", size, stdout=io.StringIO())
