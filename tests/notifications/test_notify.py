"""The notification layer: one door, a sent-log without bodies, once-only keys, and each
backend against what it talks to (Django's mail outbox, a local fake HTTP gateway)."""

import json

import pytest
from django.core import mail
from django.core.management import call_command

from notifications.backends import HttpGatewayBackend, Message
from notifications.models import Delivery
from notifications.services import mask_address, notify
from tests.gateway import FakeGateway, gateway_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()
    gateway_settings(settings, fake)
    yield fake
    fake.close()


def test_sms_through_the_gateway_posts_the_template_with_the_token(
    gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notify(
            channel="sms", to="+6281234567890", body='Kode "masuk": 123456', kind="owner_sign_in"
        )
    assert gateway.received == [
        {
            "path": "/send",
            "authorization": "Bearer t0ken",
            "body": {"number": "+6281234567890", "text": 'Kode "masuk": 123456', "via": "sms"},
        }
    ]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.sent_at
    assert delivery.address_masked == "••••••890"


def test_a_gateway_error_is_kept_on_the_row_and_never_raised(
    gateway, django_capture_on_commit_callbacks
):
    gateway.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notify(channel="sms", to="+6281234567890", body="x", kind="k")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == (Delivery.Status.FAILED, "gateway: HTTP 503")


def test_an_unreachable_gateway_fails_within_its_timeout(settings):
    backend = HttpGatewayBackend(url="http://127.0.0.1:9/", timeout=1)
    from notifications.backends import DeliveryError

    with pytest.raises(DeliveryError, match="gateway"):
        backend.send(Message(channel="sms", to="+62812", subject="", body="x", kind="k"))


def test_the_sent_log_keeps_neither_the_body_nor_the_address(
    notification_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(channel="whatsapp", to="+6281298765432", body="Kode 654321", kind="owner_sign_in")
    assert [m.body for m in notification_outbox] == ["Kode 654321"]
    row = Delivery.objects.values().get()
    flat = json.dumps(row, default=str)
    assert "654321" not in flat and "6281298765432" not in flat


def test_email_goes_through_djangos_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(channel="email", to="siti@example.org", subject="Hai", body="Isi", kind="k")
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["siti@example.org"], "Hai", "Isi")
    ]
    assert Delivery.objects.get().address_masked == "si•••@example.org"


def test_a_once_only_key_sends_once_and_a_failed_one_is_tried_again(
    notification_outbox, django_capture_on_commit_callbacks, settings
):
    def send():
        with django_capture_on_commit_callbacks(execute=True):
            return notify(
                channel="sms", to="+6281234567890", body="digest", kind="d", dedupe_key="d:1"
            )

    assert send() is not None
    assert send() is None
    assert len(notification_outbox) == 1
    Delivery.objects.update(status=Delivery.Status.FAILED)
    assert send() is not None
    assert len(notification_outbox) == 2
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_nothing_is_sent_when_the_transaction_rolls_back(notification_outbox):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(channel="sms", to="+6281234567890", body="x", kind="k")
        raise RuntimeError
    assert notification_outbox == [] and not Delivery.objects.exists()


def test_console_backend_prints_for_the_demo(settings, capsys, django_capture_on_commit_callbacks):
    settings.DEBUG = True  # the demo and development (make run)
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "sms": {"BACKEND": "notifications.backends.ConsoleBackend"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        notify(channel="sms", to="+6281234567890", body="Kode 111222", kind="owner_sign_in")
    assert "Kode 111222" in capsys.readouterr().out


def test_console_backend_refuses_with_debug_off(
    settings, capsys, django_capture_on_commit_callbacks
):
    """A production server's stdout is its journal: nothing of the message is printed, the
    sent-log says it failed (without the address), and `check` warns."""
    from io import StringIO

    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "sms": {"BACKEND": "notifications.backends.ConsoleBackend"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        notify(channel="sms", to="+6281234567890", body="Kode 111222", kind="owner_sign_in")
    printed = capsys.readouterr()
    assert "111222" not in printed.out + printed.err
    assert "4567890" not in printed.out + printed.err
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and "DEBUG" in delivery.error
    assert "4567890" not in delivery.error
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "notifications.W002" in out.getvalue()


def test_unknown_channel_and_empty_address_are_programming_errors():
    with pytest.raises(ValueError):
        notify(channel="fax", to="1", body="x", kind="k")
    with pytest.raises(ValueError):
        notify(channel="sms", to=" ", body="x", kind="k")


@pytest.mark.parametrize(
    ("address", "masked"),
    [("ab@x.id", "ab•••@x.id"), ("+6281234567890", "••••••890"), ("12345", "•••••")],
)
def test_masking(address, masked):
    assert mask_address(address) == masked


def test_check_warns_when_the_gateway_has_no_address(settings):
    from io import StringIO

    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "sms": {"BACKEND": "notifications.backends.HttpGatewayBackend", "OPTIONS": {"url": ""}},
    }
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "notifications.W001" in out.getvalue()
    # In production the hint does not offer the console (it would print codes to the journal).
    assert "=console" not in out.getvalue()
    settings.DEBUG = True
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "NOTIFY_SMS_BACKEND=console" in out.getvalue()


def test_the_sent_log_keeps_at_most_the_last_three_digits(
    notification_outbox, django_capture_on_commit_callbacks
):
    import re

    with django_capture_on_commit_callbacks(execute=True):
        notify(channel="sms", to="+6281234567890", body="x", kind="k")
        notify(channel="whatsapp", to="081234567", body="x", kind="k")
    for masked in Delivery.objects.values_list("address_masked", flat=True):
        assert len(re.findall(r"\d", masked)) <= 3, masked
