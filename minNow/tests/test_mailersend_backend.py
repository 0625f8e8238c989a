"""MailerSendBackend: what it puts on the wire, and how it fails.

Django's email API is pointed at a loopback server standing in for MailerSend; every request the
backend makes is recorded there, so the tests assert the exact method, path, headers and JSON body.
The last tests check in a fresh process that settings pick the backend from `MAILERSEND_API_KEY`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.test import override_settings

from config.tests.servers import LoopbackServer, Recorded, Reply
from minNow.email import EmailDeliveryError, MailerSendBackend

PROJECT_DIR = Path(__file__).resolve().parents[2]
SENDER = "MinNow <noreply@min-now.store>"
FROM = {"email": "noreply@min-now.store", "name": "MinNow"}
UNREACHABLE_API = "http://127.0.0.1:9/v1"


def accepting(request: Recorded) -> Reply:
    """MailerSend's happy answers: 202 with the message id header, or the bulk id for /bulk-email."""
    if request.path == "/v1/bulk-email":
        return Reply(202, {"message": "The bulk email is being processed.", "bulk_email_id": "bulk-123"})
    return Reply(202, b"", {"X-Message-Id": "msg-123"})


@contextmanager
def mailersend_api(handler: Callable[[Recorded], Reply]) -> Iterator[LoopbackServer]:
    with (
        LoopbackServer(handler) as server,
        override_settings(
            MAILERSEND_API_KEY="mlsn.test",
            MAILERSEND_API_URL=server.url + "/v1",
            EMAIL_BACKEND="minNow.email.MailerSendBackend",
        ),
    ):
        yield server


def reminder_like_message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Your Keep Checkup Reminder",
        body="Hi Alice,\n\nIt's time for your keep checkup.",
        from_email=SENDER,
        to=["Alice Smith <alice@example.com>"],
    )
    message.attach_alternative("<p>Hi Alice,</p>", "text/html")
    return message


def plain_message(number: int) -> EmailMessage:
    return EmailMessage(
        subject=f"Subject {number}", body=f"Body {number}", from_email=SENDER, to=[f"user{number}@example.com"]
    )


def plain_payload(number: int) -> dict:
    return {
        "from": FROM,
        "to": [{"email": f"user{number}@example.com"}],
        "subject": f"Subject {number}",
        "text": f"Body {number}",
    }


# --- what goes on the wire ----------------------------------------------------------------------


def test_settings_selected_backend_is_the_mailersend_backend():
    with mailersend_api(accepting):
        assert isinstance(get_connection(), MailerSendBackend)


def test_one_message_is_one_post_to_email_with_bearer_key_and_exact_json_body():
    with mailersend_api(accepting) as server:
        sent = reminder_like_message().send()

    assert sent == 1
    assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/email")]
    request = server.requests[0]
    assert request.headers["Authorization"] == "Bearer mlsn.test"
    assert request.headers["Content-Type"].startswith("application/json")
    assert request.json() == {
        "from": {"email": "noreply@min-now.store", "name": "MinNow"},
        "to": [{"email": "alice@example.com", "name": "Alice Smith"}],
        "subject": "Your Keep Checkup Reminder",
        "text": "Hi Alice,\n\nIt's time for your keep checkup.",
        "html": "<p>Hi Alice,</p>",
    }


def test_django_send_mail_goes_through_mailersend_with_default_sender_name():
    with mailersend_api(accepting) as server:
        sent = mail.send_mail("Hello", "Plain body", "noreply@min-now.store", ["bob@example.com"])

    assert sent == 1
    assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/email")]
    assert server.requests[0].json() == {
        "from": FROM,
        "to": [{"email": "bob@example.com"}],
        "subject": "Hello",
        "text": "Plain body",
    }


def test_html_only_message_sends_html_without_text_and_forwards_cc_and_bcc():
    message = EmailMessage(
        "Subject", "<p>Only html</p>", SENDER, ["a@example.com"], cc=["c@example.com"], bcc=["d@example.com"]
    )
    message.content_subtype = "html"

    with mailersend_api(accepting) as server:
        assert message.send() == 1

    assert server.requests[0].json() == {
        "from": FROM,
        "to": [{"email": "a@example.com"}],
        "cc": [{"email": "c@example.com"}],
        "bcc": [{"email": "d@example.com"}],
        "subject": "Subject",
        "html": "<p>Only html</p>",
    }


def test_three_messages_are_one_post_to_bulk_email_with_three_exact_email_objects():
    with mailersend_api(accepting) as server:
        sent = get_connection().send_messages([plain_message(1), plain_message(2), plain_message(3)])

    assert sent == 3
    assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/bulk-email")]
    assert server.requests[0].headers["Authorization"] == "Bearer mlsn.test"
    assert server.requests[0].json() == [plain_payload(1), plain_payload(2), plain_payload(3)]


def test_more_than_500_messages_are_split_into_bulk_requests_of_at_most_500():
    messages = [plain_message(number) for number in range(501)]

    with mailersend_api(accepting) as server:
        sent = get_connection().send_messages(messages)

    assert sent == 501
    assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/bulk-email")] * 2
    first, second = (request.json() for request in server.requests)
    assert first == [plain_payload(number) for number in range(500)]
    assert second == [plain_payload(500)]


def test_message_without_recipients_sends_nothing():
    no_recipients = EmailMessage("Subject", "Body", SENDER, [])

    with mailersend_api(accepting) as server:
        assert no_recipients.send() == 0
        assert get_connection().send_messages([no_recipients]) == 0
        assert get_connection().send_messages([]) == 0

    assert server.requests == []


def test_messages_without_recipients_are_dropped_from_a_batch():
    with mailersend_api(accepting) as server:
        sent = get_connection().send_messages([EmailMessage("Skip", "Body", SENDER, []), plain_message(1)])

    assert sent == 1
    assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/email")]
    assert server.requests[0].json() == plain_payload(1)


# --- failures -----------------------------------------------------------------------------------

FAILURES = [
    pytest.param(401, {"message": "Unauthenticated."}, "Unauthenticated.", id="401"),
    pytest.param(
        422,
        {
            "message": "The to.0.email must be a valid email address.",
            "errors": {"to.0.email": ["The to.0.email must be a valid email address."]},
        },
        "The to.0.email must be a valid email address.",
        id="422",
    ),
    pytest.param(500, {"message": "Server Error"}, "500", id="500"),
    pytest.param(503, {"message": "Service Unavailable"}, "503", id="503"),
]


@pytest.mark.parametrize(("status", "body", "explained_by"), FAILURES)
def test_provider_error_raises_email_delivery_error_after_exactly_one_request(status, body, explained_by):
    with mailersend_api(lambda request: Reply(status, body)) as server, pytest.raises(EmailDeliveryError) as raised:
        reminder_like_message().send()

    assert len(server.requests) == 1  # no retries: a retried POST could send the email twice
    assert str(raised.value).startswith("MailerSend refused the message")
    assert explained_by in str(raised.value)


def test_422_with_field_errors_in_mailersend_shape_names_the_field():
    body = {"message": "The given data was invalid.", "errors": {"to": ["The to field is required."]}}

    with mailersend_api(lambda request: Reply(422, body)) as server, pytest.raises(EmailDeliveryError) as raised:
        reminder_like_message().send()

    assert len(server.requests) == 1
    assert "The given data was invalid." in str(raised.value)
    assert "The to field is required." in str(raised.value)


@pytest.mark.parametrize(("status", "body", "explained_by"), FAILURES)
def test_provider_error_with_fail_silently_returns_zero_after_exactly_one_request(status, body, explained_by):
    with mailersend_api(lambda request: Reply(status, body)) as server:
        assert reminder_like_message().send(fail_silently=True) == 0
        assert get_connection(fail_silently=True).send_messages([plain_message(1), plain_message(2)]) == 0

    assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/email"), ("POST", "/v1/bulk-email")]


def test_bulk_request_failure_raises_after_exactly_one_request():
    server_error = Reply(500, {"message": "Server Error"})
    with mailersend_api(lambda request: server_error) as server, pytest.raises(EmailDeliveryError):
        get_connection().send_messages([plain_message(1), plain_message(2), plain_message(3)])

    assert [(r.method, r.path) for r in server.requests] == [("POST", "/v1/bulk-email")]


def test_unreachable_provider_raises_email_delivery_error_or_returns_zero_when_silent():
    with override_settings(
        MAILERSEND_API_KEY="mlsn.test",
        MAILERSEND_API_URL=UNREACHABLE_API,
        EMAIL_BACKEND="minNow.email.MailerSendBackend",
    ):
        with pytest.raises(EmailDeliveryError) as raised:
            plain_message(1).send()
        assert plain_message(1).send(fail_silently=True) == 0

    assert str(raised.value).startswith("MailerSend refused the message")


# --- backend selection in settings ----------------------------------------------------------------


def email_backend_in_fresh_process(**env_changes: str | None) -> str:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"MAILERSEND_API_KEY", "MAILERSEND_API_URL", "EMAIL_BACKEND", "PROD"}
    }
    env.update({name: value for name, value in env_changes.items() if value is not None})
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow  # a fresh process
def test_without_mailersend_api_key_settings_use_the_console_backend():
    assert email_backend_in_fresh_process() == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize("blank", ["", "   "])
@pytest.mark.slow  # a fresh process
def test_blank_mailersend_api_key_does_not_select_mailersend(blank):
    assert email_backend_in_fresh_process(MAILERSEND_API_KEY=blank) == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.slow  # a fresh process
def test_without_mailersend_api_key_the_configured_django_backend_is_used():
    backend = email_backend_in_fresh_process(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")

    assert backend == "django.core.mail.backends.filebased.EmailBackend"


@pytest.mark.slow  # a fresh process
def test_with_mailersend_api_key_settings_use_the_mailersend_backend_even_over_email_backend():
    backend = email_backend_in_fresh_process(
        MAILERSEND_API_KEY="mlsn.test", EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"
    )

    assert backend == "minNow.email.MailerSendBackend"
