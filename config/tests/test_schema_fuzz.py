"""Schema fuzzing: every operation in /api/openapi.json, driven by schemathesis, must keep its contract.

Each operation gets `MAX_EXAMPLES` generated requests (positive and negative data), plus schemathesis's
coverage cases (boundary values, missing fields, unsupported methods). A request fails the test when the
answer is a 5xx, has a status the operation does not document, has a content type the operation does
not document for that status, or has a body that does not match the documented schema (docs/design.md, "Errors").

Every request is authenticated as a user who owns data (items, some of them placed in a small
location tree, and both checkups). Generation hooks change some generated values, so that requests
get past the first check and reach the code behind it:
- known ids replace generated ones in path parameters, query parameters and bodies about half the
  time (an existing item, location or checkup rather than 404 after 404);
- agent prompts are sentences about an item, with generated numbers and dates, about half the time;
- about one query or body string in five gets a NUL character (PostgreSQL refuses NUL in text, so
  a string that reaches the database unchecked answers 500 there).

A deeper local run: `FUZZ_SEED=random FUZZ_MAX_EXAMPLES=1000 pytest config/tests/test_schema_fuzz.py` (with and without
`DATABASE_URL` pointing at PostgreSQL; some bugs only show up there, e.g. NUL characters).
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from config.wsgi import application
from items.history import created_event
from items.models import Checkup, CheckupType, ItemEvent, ItemStatus, ItemType, OwnedItem
from locations.models import Location
from minNow import ratelimit
from minNow.auth import issue_dev_token
from users.models import User

pytestmark = pytest.mark.slow  # property-based fuzzing of every operation

# ~50 examples per operation keeps the whole module well under a minute and a half on two cores.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "50"))

# The docs (and so the schema) are served because DEBUG is on and PROD off in tests.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# Without this, negative cases sometimes drop the Authorization header and only exercise the 401 path
# (covered by minNow/tests/test_auth.py); we want every request to reach the data behind the auth.
schema.config.generation.update(with_security_parameters=False)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]

# Fixed primary keys, so that the generation hooks below can point requests at objects that exist.
HOME = UUID("00000000-0000-4000-8000-000000000001")
BEDROOM = UUID("00000000-0000-4000-8000-000000000002")  # home/bedroom
CLOSET = UUID("00000000-0000-4000-8000-000000000003")  # home/bedroom/closet
GARAGE = UUID("00000000-0000-4000-8000-000000000004")
ATTIC = UUID("00000000-0000-4000-8000-000000000005")  # empty: the one location that can be deleted
ITEM_IDS = [UUID(f"00000000-0000-4000-9000-00000000000{n}") for n in range(1, 5)]
CHECKUP_IDS = {CheckupType.KEEP: 900_001, CheckupType.GIVE: 900_002}  # far above any sequence value

_LOCATION_IDS = [str(pk) for pk in (HOME, BEDROOM, CLOSET, GARAGE, ATTIC)]
KNOWN_IDS: dict[str, list[Any]] = {
    "item_id": [str(pk) for pk in ITEM_IDS],
    "checkup_id": list(CHECKUP_IDS.values()),
    "location_id": _LOCATION_IDS,
    "parent_id": _LOCATION_IDS,
    "current_location_id": _LOCATION_IDS,
}


# The agent's rule-based parser only gets past "The prompt does not name an item" with a sentence about an item:
# sentences with generated numbers and dates reach its date and duration arithmetic.
_THINGS = st.sampled_from(["bike", "red winter coat", "laptop", "old couch"])
_UNITS = st.sampled_from(["days", "weeks", "months", "years", "decades"])
_NUMBERS = st.one_of(st.integers(0, 100), st.integers(0, 10**7), st.integers(0, 10**40))
SENTENCES = st.one_of(
    st.builds("I bought a {} {} {} ago".format, _THINGS, _NUMBERS, _UNITS),
    st.builds("I have had my {} for {} {}".format, _THINGS, _NUMBERS, _UNITS),
    st.builds("I want to keep my {} for {} {}".format, _THINGS, _NUMBERS, _UNITS),
    st.builds("I got a {} for christmas {:04d}".format, _THINGS, st.integers(0, 9999)),
    st.builds(
        "Donated my {} on {:04d}-{:02d}-{:02d}".format,
        _THINGS,
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
)


def _field_variants(name: str, value: Any, *, nul: bool) -> st.SearchStrategy:
    """Mostly the generated value; about half the time a known id or a sentence where one fits, and, with `nul`,
    about one string in five with a NUL character in it."""
    replacements = []
    if name in KNOWN_IDS:
        replacements.append(st.sampled_from(KNOWN_IDS[name]))
    if name == "prompt":
        replacements.append(SENTENCES)
    if name == "prompts" and isinstance(value, dict):
        replacements.append(
            st.fixed_dictionaries({key: st.one_of(st.just(text), SENTENCES) for key, text in value.items()})
        )
    with_nul = None
    if nul and isinstance(value, str):
        with_nul = st.integers(0, len(value)).map(lambda at: value[:at] + "\x00" + value[at:])
    if not replacements and with_nul is None:
        return st.just(value)

    def variant(roll: int) -> st.SearchStrategy:
        if replacements and roll < 5:
            return st.one_of(replacements)
        if with_nul is not None and roll >= 8:
            return with_nul
        return st.just(value)

    return st.integers(0, 9).flatmap(variant)


def _tweaked(values: Any, *, nul: bool) -> st.SearchStrategy:
    """The generated parameters or body with some fields replaced (see `_field_variants`)."""
    if not isinstance(values, dict):
        return st.just(values)
    fields = {name: _field_variants(name, value, nul=nul) for name, value in values.items()}
    return st.fixed_dictionaries(fields)


@schema.hook("flatmap_path_parameters")
def known_path_ids(context, path_parameters):
    return _tweaked(path_parameters, nul=False)


@schema.hook("flatmap_query")
def tweaked_query(context, query):
    return _tweaked(query, nul=True)


@schema.hook("flatmap_body")
def tweaked_body(context, body):
    return _tweaked(body, nul=True)


def _create_user_with_data() -> User:
    user = User.objects.create(username="fuzzer", clerk_id="user_fuzzer", email="fuzzer@example.com", first_name="Fuzz")
    # The user's two default checkups, recreated with fixed ids; the keep one is due.
    now = timezone.now()
    Checkup.objects.filter(user=user).delete()
    for kind, pk in CHECKUP_IDS.items():
        last = now - timedelta(days=90) if kind == CheckupType.KEEP else now
        Checkup.objects.create(pk=pk, user=user, checkup_type=kind, last_checkup_date=last)

    def location(pk: UUID, name: str, parent: Location | None = None) -> Location:
        slug = name.lower()
        return Location.objects.create(
            pk=pk,
            user=user,
            parent=parent,
            display_name=name,
            slug=slug,
            full_path=f"{parent.full_path}/{slug}" if parent else slug,
            level=parent.level + 1 if parent else 0,
        )

    home = location(HOME, "Home")
    bedroom = location(BEDROOM, "Bedroom", home)
    closet = location(CLOSET, "Closet", bedroom)
    garage = location(GARAGE, "Garage")
    location(ATTIC, "Attic")

    for pk, name, item_type, status, place, age_days in [
        (ITEM_IDS[0], "Winter coat", ItemType.CLOTHING_ACCESSORIES, ItemStatus.KEEP, closet, 800),
        (ITEM_IDS[1], "Laptop", ItemType.TECHNOLOGY, ItemStatus.KEEP, bedroom, 400),
        (ITEM_IDS[2], "Bike", ItemType.VEHICLES, ItemStatus.GIVE, garage, 2000),
        (ITEM_IDS[3], "Old books", ItemType.BOOKS_MEDIA, ItemStatus.DONATE, None, 4000),
    ]:
        OwnedItem.objects.create(
            pk=pk,
            user=user,
            name=name,
            picture_url="📦",
            item_type=item_type,
            status=status,
            item_received_date=now - timedelta(days=age_days),
            last_used=now - timedelta(days=age_days // 2),
            current_location=place,
            location_updated_at=now if place else None,
        )
    ItemEvent.objects.bulk_create(
        created_event(item) for item in OwnedItem.objects.filter(user=user).select_related("current_location")
    )
    return user


@pytest.fixture
def auth_headers(db):
    """Create the data and yield the owner's Authorization header.

    Data lifecycle: Hypothesis runs every example of one operation inside a single call of the test
    function, so this function-scoped fixture runs once per operation, not once per example (hence
    HealthCheck.function_scoped_fixture is suppressed on purpose). pytest-django's `db` wraps the test
    in a transaction that is rolled back at the end; each example additionally runs in its own
    savepoint that is rolled back (see the test), so every example sees exactly this data, whatever
    the previous example deleted, moved or created.

    The requests go through the real WSGI handler, which closes "old" database connections when a
    request starts and finishes. Inside the test transaction that would close the test's connection
    (SQLite then fails with "Cannot operate on a closed database"), so, as Django's own test client
    does, those signal handlers are disconnected while the fuzzer runs.
    """
    user = _create_user_with_data()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(RATE_LIMIT_REQUESTS=10**9):
            yield {"Authorization": f"Bearer {issue_dev_token(user)}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # CI replays the same examples every run, so a red build always means a change broke something;
    # FUZZ_SEED=random (or any other value) explores new ground locally.
    derandomize=os.environ.get("FUZZ_SEED", "fixed") == "fixed",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_keeps_its_documented_contract(case, auth_headers):
    # Per-action caps (e.g. 5 test emails an hour) are not covered by RATE_LIMIT_REQUESTS: start each
    # example with empty counters, as each starts with the same data.
    ratelimit.reset_backend()
    with transaction.atomic():
        case.call_and_validate(headers=auth_headers, checks=CHECKS)
        transaction.set_rollback(True)
