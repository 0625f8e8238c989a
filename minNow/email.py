"""Django email backend over the MailerSend SDK: the one place that talks to MailerSend.

One message goes to `POST /email`, several to one `POST /bulk-email` (at most 500 per request).
API errors raise `EmailDeliveryError` unless the caller asked to fail silently.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)

BULK_LIMIT = 500


class EmailDeliveryError(Exception):
    """The email provider refused or failed a send."""


class InvalidMessagesError(EmailDeliveryError):
    """Some messages could not be turned into MailerSend requests (e.g. an address it refuses);
    the others were sent. `invalid` holds the messages that were not."""

    def __init__(self, invalid: list[EmailMessage], sent: int) -> None:
        self.invalid = invalid
        self.sent = sent
        super().__init__(f"{len(invalid)} message(s) refused before sending; {sent} sent")


class MailerSendBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        from mailersend import MailerSendClient  # the SDK loads only when mail is sent, not at start-up

        super().__init__(fail_silently=fail_silently)
        options: dict[str, Any] = {
            "api_key": settings.MAILERSEND_API_KEY,
            "timeout": settings.MAILERSEND_TIMEOUT_SECONDS,
        }
        if settings.MAILERSEND_API_URL:
            options["base_url"] = settings.MAILERSEND_API_URL + "/"
        # No automatic retries: a retried POST can send twice; callers retry on their next run.
        self.client = MailerSendClient(max_retries=0, **options)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from mailersend.exceptions import MailerSendError
        from requests import RequestException

        messages = [message for message in email_messages if message.recipients()]
        if not messages:
            return 0
        requests, invalid = [], []
        for message in messages:
            try:
                requests.append(self._build(message))
            except ValueError:  # the SDK validates addresses more strictly than Django
                invalid.append(message)
        try:
            if len(requests) == 1:
                self.client.emails.send(requests[0])
            elif requests:
                for start in range(0, len(requests), BULK_LIMIT):
                    self.client.emails.send_bulk(requests[start : start + BULK_LIMIT])
        except (MailerSendError, RequestException, ValueError) as exc:
            logger.warning("MailerSend send failed: %s", exc.__class__.__name__)
            if not self.fail_silently:
                raise EmailDeliveryError(f"MailerSend refused the message: {exc}") from exc
            return 0
        if invalid and not self.fail_silently:
            raise InvalidMessagesError(invalid, sent=len(requests))
        return len(requests)

    @staticmethod
    def _build(message: EmailMessage) -> Any:
        from mailersend import EmailBuilder

        sender_name, sender_address = parseaddr(message.from_email or settings.DEFAULT_FROM_EMAIL)
        builder = EmailBuilder().from_email(sender_address, sender_name or settings.DEFAULT_FROM_NAME)
        for recipient in message.to:
            name, address = parseaddr(recipient)
            builder.to(address, name or None)
        for recipient in message.cc:
            builder.cc(parseaddr(recipient)[1])
        for recipient in message.bcc:
            builder.bcc(parseaddr(recipient)[1])
        builder.subject(message.subject)
        html: str | None = None
        if isinstance(message, EmailMultiAlternatives):
            html = next((str(content) for content, mimetype in message.alternatives if mimetype == "text/html"), None)
        if message.content_subtype == "html":
            html = str(message.body)
        else:
            builder.text(message.body)
        if html:
            builder.html(html)
        return builder.build()
