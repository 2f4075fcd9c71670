"""Delivery backends, one per way of reaching a person; settings.NOTIFICATIONS chooses one per
channel. Each takes a `Message` and raises `DeliveryError` with a short reason when it fails."""

import json
import logging
import string
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, mailers

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    channel: str
    to: str
    subject: str
    body: str
    kind: str


class DeliveryError(Exception):
    """The message did not go out; the text is the reason kept in the sent-log (no address)."""


class BaseBackend:
    def __init__(self, **options):
        self.options = options

    def send(self, message: Message) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Prints the message (the demo and development: sign-in codes appear on the console).

    It writes to the process's own stdout, never to a logger: log lines go to files and
    collectors, and a message's address and body are personal. With DEBUG off a server's
    stdout is the journal too, so then it refuses: the message fails (kept so in the sent-log)
    and nothing is printed (notifications.W002 says so at every `manage.py check`)."""

    def send(self, message: Message) -> None:
        if not settings.DEBUG:
            raise DeliveryError("console: refused with DEBUG off (it would print to the journal)")
        stream = self.options.get("stream") or sys.stdout
        stream.write(
            f"--- {message.channel} to {message.to} ({message.kind}) ---\n"
            f"{message.subject + chr(10) if message.subject else ''}{message.body}\n---\n"
        )
        stream.flush()


class EmailBackend(BaseBackend):
    """Django's own mail (settings.MAILERS['default']: SMTP in production, console in dev)."""

    def send(self, message: Message) -> None:
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        try:
            mailers.default.send_messages([mail])
        except (OSError, Exception) as error:  # SMTP errors vary by backend
            raise DeliveryError(f"e-mail: {type(error).__name__}") from error


class HttpGatewayBackend(BaseBackend):
    """A generic HTTP gateway for SMS / WhatsApp providers.

    Options (from the environment, see config/settings.py): `url`, `token` (sent as
    `Authorization: Bearer <token>`), `template` (a JSON body with $to, $message, $subject,
    $kind and $channel placeholders; each is JSON-escaped) and `timeout` in seconds. Any 2xx
    is success."""

    DEFAULT_TEMPLATE = '{"to": "$to", "message": "$message"}'

    def send(self, message: Message) -> None:
        url = self.options.get("url")
        if not url:
            raise DeliveryError("gateway: no URL configured")
        template = string.Template(self.options.get("template") or self.DEFAULT_TEMPLATE)

        def escaped(value: str) -> str:
            return json.dumps(value)[1:-1]

        body = template.substitute(
            to=escaped(message.to),
            message=escaped(message.body),
            subject=escaped(message.subject),
            kind=escaped(message.kind),
            channel=escaped(message.channel),
        )
        try:
            json.loads(body)
        except ValueError as error:
            raise DeliveryError("gateway: the message template is not JSON") from error
        request = urllib.request.Request(  # noqa: S310 - the URL is the office's own setting
            url,
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        if self.options.get("token"):
            request.add_header("Authorization", f"Bearer {self.options['token']}")
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=float(self.options.get("timeout") or 5)
            ) as response:
                response.read(1024)
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"gateway: HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"gateway: {type(error).__name__}") from error


# Messages the MemoryBackend "sent", for tests (like django.core.mail.outbox).
outbox: list[Message] = []


class MemoryBackend(BaseBackend):
    """Keeps messages in `notifications.backends.outbox` (the test settings use it)."""

    def send(self, message: Message) -> None:
        outbox.append(message)
