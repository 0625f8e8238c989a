"""Checkup reminder emails: their content, and POST /api/send-test-email.

`build_reminder` is checked for subject, greeting, item count, link and HTML escaping. The endpoint
is checked against Django's locmem outbox (pytest-django's default backend), against a failing
MailerSend stand-in (502), and for its 400 / 401 / 429 answers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from config.testing import ApiClient, api_for, make_items
from config.tests.servers import LoopbackServer, Reply
from items.models import Checkup, ItemStatus
from items.reminders import build_reminder, reminder_item_count

pytestmark = pytest.mark.django_db

SEND = "/api/send-test-email"
FRONTEND = "https://app.min-now.test/dashboard"


def checkup_dates(user) -> dict[str, object]:
    return dict(Checkup.objects.filter(user=user).values_list("checkup_type", "last_checkup_date"))


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


# --- build_reminder: subject, greeting, count, link --------------------------------------------


@pytest.mark.parametrize(
    ("checkup_type", "subject"), [("keep", "Your Keep Checkup Reminder"), ("give", "Your Give Checkup Reminder")]
)
def test_reminder_subject_sender_and_recipient(alice, checkup_type, subject):
    message = build_reminder(alice, checkup_type, 2)

    assert message.subject == subject
    assert message.to == ["alice@example.com"]
    assert message.from_email == "MinNow <noreply@min-now.store>"
    assert f"<title>{subject}</title>" in html_of(message)


@pytest.mark.parametrize("checkup_type", ["keep", "give"])
def test_reminder_greets_by_first_name_in_text_and_html(alice, checkup_type):
    message = build_reminder(alice, checkup_type, 2)

    assert message.body.startswith("Hi Alice,\n")
    assert "Hi Alice," in html_of(message)


@pytest.mark.parametrize("checkup_type", ["keep", "give"])
def test_reminder_greets_by_username_when_first_name_is_empty(alice, checkup_type):
    alice.first_name = ""
    alice.save()

    message = build_reminder(alice, checkup_type, 2)

    assert message.body.startswith("Hi alice,\n")
    assert "Hi alice," in html_of(message)


def test_keep_item_count_counts_only_the_users_keep_items(alice, bob):
    make_items(alice, 2, status=ItemStatus.KEEP)
    make_items(alice, 1, status=ItemStatus.GIVE)
    make_items(alice, 4, status=ItemStatus.DONATE)
    make_items(bob, 5, status=ItemStatus.KEEP)

    assert reminder_item_count(alice, "keep") == 2


def test_give_item_count_counts_the_users_give_and_donate_items(alice, bob):
    make_items(alice, 2, status=ItemStatus.KEEP)
    make_items(alice, 1, status=ItemStatus.GIVE)
    make_items(alice, 4, status=ItemStatus.DONATE)
    make_items(bob, 5, status=ItemStatus.GIVE)

    assert reminder_item_count(alice, "give") == 5


def test_item_count_is_zero_without_items(alice):
    assert reminder_item_count(alice, "keep") == 0
    assert reminder_item_count(alice, "give") == 0


@pytest.mark.parametrize(
    ("checkup_type", "sentence"),
    [("keep", "You are keeping {}."), ("give", "You have given away or donated {}.")],
)
def test_reminder_says_1_item_singular_and_3_items_plural(alice, checkup_type, sentence):
    one = build_reminder(alice, checkup_type, 1)
    three = build_reminder(alice, checkup_type, 3)

    assert sentence.format("1 item") in one.body
    assert "1 items" not in one.body
    assert "<strong>1 item</strong>" in html_of(one)
    assert sentence.format("3 items") in three.body
    assert "<strong>3 items</strong>" in html_of(three)


def test_keep_reminder_built_from_the_database_count_mentions_only_keep_items(alice):
    make_items(alice, 3, status=ItemStatus.KEEP)
    make_items(alice, 1, status=ItemStatus.DONATE)

    message = build_reminder(alice, "keep", reminder_item_count(alice, "keep"))

    assert "You are keeping 3 items." in message.body
    assert "keep checkup" in message.body


def test_give_reminder_built_from_the_database_count_mentions_give_and_donate_items(alice):
    make_items(alice, 3, status=ItemStatus.KEEP)
    make_items(alice, 1, status=ItemStatus.GIVE)

    message = build_reminder(alice, "give", reminder_item_count(alice, "give"))

    assert "You have given away or donated 1 item." in message.body
    assert "give checkup" in message.body


@pytest.mark.parametrize("checkup_type", ["keep", "give"])
def test_reminder_links_to_frontend_url_in_text_and_html(alice, checkup_type):
    with override_settings(FRONTEND_URL=FRONTEND):
        message = build_reminder(alice, checkup_type, 1)

    assert f"Open MinNow: {FRONTEND}\n" in message.body
    assert f'<a href="{FRONTEND}"' in html_of(message)


def test_reminder_html_escapes_the_first_name(alice):
    alice.first_name = "<b>Al</b>"
    alice.save()

    message = build_reminder(alice, "keep", 1)
    html = html_of(message)

    assert "<b>" not in html
    assert "Hi &lt;b&gt;Al&lt;/b&gt;," in html
    assert message.body.startswith("Hi <b>Al</b>,\n")  # plain text is not HTML-escaped


def test_reminder_sender_name_with_a_comma_reaches_mailersend_intact(alice):
    """DEFAULT_FROM_NAME is configurable through the environment; a name like "MinNow, Inc" must stay one quoted
    name."""
    with (
        LoopbackServer(lambda request: Reply(202, b"", {"X-Message-Id": "msg-1"})) as server,
        override_settings(
            DEFAULT_FROM_NAME="MinNow, Inc",
            MAILERSEND_API_KEY="mlsn.test",
            MAILERSEND_API_URL=server.url + "/v1",
            EMAIL_BACKEND="minNow.email.MailerSendBackend",
        ),
    ):
        build_reminder(alice, "keep", 1).send()

    [request] = server.requests
    assert request.json()["from"] == {"email": "noreply@min-now.store", "name": "MinNow, Inc"}


# --- POST /api/send-test-email -------------------------------------------------------------------


@pytest.mark.parametrize("checkup_type", ["keep", "give"])
def test_send_test_email_sends_the_reminder_to_the_caller(alice, alice_api, mailoutbox, checkup_type):
    make_items(alice, 3, status=ItemStatus.KEEP)
    make_items(alice, 1, status=ItemStatus.GIVE)
    before = checkup_dates(alice)

    response = alice_api.post(SEND, {"checkup_type": checkup_type})

    assert response.status_code == 200, response.content
    assert response.json() == {
        "checkup_type": checkup_type,
        "status": "sent",
        "recipient_email": "alice@example.com",
        "recipient_username": "alice",
    }
    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.subject == f"Your {checkup_type.title()} Checkup Reminder"
    assert message.body.startswith("Hi Alice,\n")
    expected = "You are keeping 3 items." if checkup_type == "keep" else "You have given away or donated 1 item."
    assert expected in message.body
    assert checkup_dates(alice) == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("", "application/json"),  # what the web app sends: no body, its JSON content type
        ("", "text/plain"),
        ("null", "application/json"),
    ],
)
def test_send_test_email_without_a_body_sends_both_reminders_due_or_not(
    alice, alice_api, mailoutbox, body, content_type
):
    make_items(alice, 2, status=ItemStatus.KEEP)
    make_items(alice, 1, status=ItemStatus.DONATE)
    before = checkup_dates(alice)  # just created: neither checkup is due

    response = alice_api.client.generic("POST", SEND, body, content_type, headers=alice_api.headers)

    assert response.status_code == 200, response.content
    recipient = {"status": "sent", "recipient_email": "alice@example.com", "recipient_username": "alice"}
    assert response.json() == [{"checkup_type": "keep", **recipient}, {"checkup_type": "give", **recipient}]
    assert [message.subject for message in mailoutbox] == ["Your Keep Checkup Reminder", "Your Give Checkup Reminder"]
    assert "You are keeping 2 items." in mailoutbox[0].body
    assert "You have given away or donated 1 item." in mailoutbox[1].body
    assert checkup_dates(alice) == before


def test_send_test_email_without_a_body_counts_once_against_the_hourly_cap(alice_api, mailoutbox):
    def send_without_a_body():
        return alice_api.client.generic("POST", SEND, "", "application/json", headers=alice_api.headers)

    for _ in range(5):
        assert send_without_a_body().status_code == 200

    assert send_without_a_body().status_code == 429
    assert len(mailoutbox) == 10


def test_send_test_email_leaves_last_checkup_date_unchanged(alice, alice_api, mailoutbox):
    long_ago = timezone.now() - timedelta(days=90)
    Checkup.objects.filter(user=alice).update(last_checkup_date=long_ago)

    response = alice_api.post(SEND, {"checkup_type": "keep"})

    assert response.status_code == 200
    assert len(mailoutbox) == 1
    assert checkup_dates(alice) == {"keep": long_ago, "give": long_ago}


def test_send_test_email_without_an_email_address_is_400_and_sends_nothing(alice, mailoutbox):
    alice.email = ""
    alice.save()
    api = api_for(alice)  # a token issued now carries the empty email too

    response = api.post(SEND, {"checkup_type": "keep"})

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert mailoutbox == []


@pytest.mark.parametrize("payload", [{"checkup_type": "donate"}, {"checkup_type": "KEEP"}, {"checkup_type": 1}, {}])
def test_send_test_email_with_a_bad_checkup_type_is_400_and_sends_nothing(alice_api, mailoutbox, payload):
    response = alice_api.post(SEND, payload)

    assert response.status_code == 400
    assert "detail" in response.json()
    assert mailoutbox == []


def test_send_test_email_with_malformed_json_is_400(alice_api, mailoutbox):
    response = alice_api.post(SEND, "{not json")

    assert response.status_code == 400
    assert mailoutbox == []


def test_sixth_test_email_within_an_hour_is_429_and_bob_still_can_send(alice_api, bob_api, mailoutbox):
    for _ in range(5):
        assert alice_api.post(SEND, {"checkup_type": "keep"}).status_code == 200

    response = alice_api.post(SEND, {"checkup_type": "give"})

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "detail" in response.json()
    assert len(mailoutbox) == 5

    bobs = bob_api.post(SEND, {"checkup_type": "keep"})

    assert bobs.status_code == 200
    assert len(mailoutbox) == 6
    assert mailoutbox[-1].to == ["bob@example.com"]


def test_send_test_email_is_502_when_mailersend_answers_500(alice_api):
    with (
        LoopbackServer(lambda request: Reply(500, {"message": "Server Error"})) as server,
        override_settings(
            MAILERSEND_API_KEY="mlsn.test",
            MAILERSEND_API_URL=server.url + "/v1",
            EMAIL_BACKEND="minNow.email.MailerSendBackend",
        ),
    ):
        response = alice_api.post(SEND, {"checkup_type": "keep"})

    assert response.status_code == 502
    assert isinstance(response.json()["detail"], str)
    assert "127.0.0.1" not in response.content.decode()  # no provider internals leak to the client
    assert "mlsn.test" not in response.content.decode()
    assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/email")]


def test_send_test_email_is_502_when_mailersend_is_unreachable(alice_api):
    with override_settings(
        MAILERSEND_API_KEY="mlsn.test",
        MAILERSEND_API_URL="http://127.0.0.1:9/v1",
        EMAIL_BACKEND="minNow.email.MailerSendBackend",
    ):
        response = alice_api.post(SEND, {"checkup_type": "give"})

    assert response.status_code == 502
    assert isinstance(response.json()["detail"], str)


def test_send_test_email_through_mailersend_posts_the_reminder(alice, alice_api):
    with (
        LoopbackServer(lambda request: Reply(202, b"", {"X-Message-Id": "msg-1"})) as server,
        override_settings(
            MAILERSEND_API_KEY="mlsn.test",
            MAILERSEND_API_URL=server.url + "/v1",
            EMAIL_BACKEND="minNow.email.MailerSendBackend",
        ),
    ):
        response = alice_api.post(SEND, {"checkup_type": "keep"})

    assert response.status_code == 200
    [request] = server.requests
    body = request.json()
    assert request.path == "/v1/email"
    assert body["from"] == {"email": "noreply@min-now.store", "name": "MinNow"}
    assert body["to"] == [{"email": "alice@example.com"}]
    assert body["subject"] == "Your Keep Checkup Reminder"
    assert body["text"].startswith("Hi Alice,\n")
    assert "Hi Alice," in body["html"]


def test_send_test_email_without_a_token_is_401(alice, mailoutbox):
    response = ApiClient().post(SEND, {"checkup_type": "keep"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "detail" in response.json()
    assert mailoutbox == []


def test_send_test_email_with_an_invalid_token_is_401(alice, mailoutbox):
    response = ApiClient("not-a-token").post(SEND, {"checkup_type": "keep"})

    assert response.status_code == 401
    assert mailoutbox == []
