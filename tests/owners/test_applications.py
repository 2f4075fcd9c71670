"""An owner applies for a bazaar online: the window and eligibility first, then bazaars' own
participation flow (one per bazaar, booths); decisions and reminders reach the owner on the
channels they chose."""

import datetime

import pytest
from django.utils import timezone

from bazaars import services as bazaar_services
from bazaars.models import Participation
from config.actors import SYSTEM
from notifications.models import Delivery
from owners.models import NotificationPreference
from owners.reminders import send_daily
from owners.signin import account_for
from tests.bazaars.factories import bazaar
from tests.factories import BusinessFactory, sector
from tests.owners.factories import owner_business, signed_in

pytestmark = pytest.mark.django_db


def _open_bazaar(**kwargs):
    today = timezone.localdate()
    kwargs.setdefault("days", [today + datetime.timedelta(days=10)])
    return bazaar(
        applications_open=today, applications_close=today + datetime.timedelta(days=5), **kwargs
    )


@pytest.fixture
def mine():
    return owner_business(name="Batik Bu Rina", sector=sector("fesyen"))


def _apply(client, business, b):
    return client.post(f"/usaha-saya/{business.pk}/bazar/{b.slug}/")


def test_an_eligible_business_applies_once(client, mine):
    b = _open_bazaar()
    signed_in(client, mine.owner)
    page = client.get(f"/usaha-saya/{mine.pk}/bazar/{b.slug}/").content.decode()
    assert "memenuhi syarat" in page
    assert _apply(client, mine, b).status_code == 302
    assert _apply(client, mine, b).status_code == 200  # the page says they applied
    [p] = Participation.objects.filter(bazaar=b, business=mine)
    assert p.status == "applied"


def test_the_page_names_exactly_what_is_missing_and_applying_is_refused(client):
    food = BusinessFactory(sector=sector("kuliner"))  # no training passed, no PIRT/halal
    b = _open_bazaar()
    signed_in(client, food.owner)
    page = client.get(f"/usaha-saya/{food.pk}/bazar/{b.slug}/").content.decode()
    assert "belum lulus pelatihan" in page
    assert "PIRT atau halal" in page
    assert _apply(client, food, b).status_code == 200
    assert not Participation.objects.filter(business=food).exists()


def test_no_application_outside_the_window(client, mine):
    today = timezone.localdate()
    closed = bazaar(
        title="Bazar tutup",
        applications_open=today - datetime.timedelta(days=9),
        applications_close=today - datetime.timedelta(days=1),
        days=[today + datetime.timedelta(days=3)],
    )
    unset = bazaar(title="Bazar tanpa jendela", days=[today + datetime.timedelta(days=3)])
    signed_in(client, mine.owner)
    for b in (closed, unset):
        page = _apply(client, mine, b)
        assert (
            page.status_code == 200 and "tidak sedang membuka pendaftaran" in page.content.decode()
        )
    assert not Participation.objects.exists()


def test_the_public_page_of_an_open_bazaar_says_daftar(client, mine):
    b = _open_bazaar()
    page = client.get(f"/bazar/{b.slug}/").content.decode()
    assert f'href="/usaha-saya/bazar/{b.slug}/"' in page
    signed_in(client, mine.owner)
    assert (
        client.get(f"/usaha-saya/bazar/{b.slug}/")["Location"]
        == f"/usaha-saya/{mine.pk}/bazar/{b.slug}/"
    )


def test_decisions_and_moving_up_reach_the_owner_on_their_channels(
    client, mine, notification_outbox, django_capture_on_commit_callbacks
):
    b = _open_bazaar(booths=1)
    first = owner_business(sector=sector("fesyen"))
    NotificationPreference.objects.create(account=account_for(mine.owner), sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        taken = bazaar_services.participants_accept(actor=SYSTEM, bazaar=b, businesses=[first])[0]
    signed_in(client, mine.owner)
    _apply(client, mine, b)
    p = Participation.objects.get(business=mine)
    with django_capture_on_commit_callbacks(execute=True):
        bazaar_services.participation_decide(actor=SYSTEM, participation=p, status="waitlisted")
    assert [m.to for m in notification_outbox] == [mine.owner.phone]
    assert "daftar tunggu" in notification_outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        bazaar_services.participation_withdraw(actor=SYSTEM, participation=taken)
    assert "naik dari daftar tunggu" in notification_outbox[-1].body
    p.refresh_from_db()
    assert p.status == "accepted" and p.booth is not None
    assert len(notification_outbox) == 2  # the first business chose no channel: nothing


def test_an_owner_withdraws_and_the_waitlist_moves_up(client, mine):
    b = _open_bazaar(booths=1)
    signed_in(client, mine.owner)
    _apply(client, mine, b)
    p = Participation.objects.get(business=mine)
    bazaar_services.participation_decide(actor=SYSTEM, participation=p, status="accepted")
    waiting = owner_business(sector=sector("fesyen"))
    w = bazaar_services.participation_apply(actor=SYSTEM, bazaar=b, business=waiting)
    bazaar_services.participation_decide(actor=SYSTEM, participation=w, status="waitlisted")
    assert client.post(f"/usaha-saya/{mine.pk}/ikut/{p.pk}/mundur/").status_code == 302
    p.refresh_from_db()
    w.refresh_from_db()
    assert p.status == "withdrawn" and w.status == "accepted"


def test_the_day_before_reminder_goes_once(
    mine, notification_outbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    b = bazaar(days=[today + datetime.timedelta(days=1)])
    bazaar_services.participants_accept(actor=SYSTEM, bazaar=b, businesses=[mine])
    NotificationPreference.objects.create(account=account_for(mine.owner), whatsapp=True)
    notification_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily(on=today) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily(on=today) == 0
    [message] = notification_outbox
    assert message.channel == "whatsapp" and "besok" in message.body
    assert Delivery.objects.filter(kind="owner_bazaar_reminder").count() == 1


def test_the_reminder_task_runs_on_the_worker(mine):
    from owners.reminders import send_owner_reminders_task

    result = send_owner_reminders_task.enqueue()
    assert result.id
