"""Owners sign in with a one-time code: hashed, 10 minutes, once, for that number only, rate
limited, and the answer never tells whether a number is registered."""

import datetime
import re

import pytest
from django.core import mail

from owners.models import OwnerAccount, SignInCode
from tests.factories import UserFactory, admin_sudin
from tests.gateway import FakeGateway, gateway_settings
from tests.owners.factories import code_in, owner_business, sign_in_with_code

pytestmark = pytest.mark.django_db

SIGNIN = "/usaha-saya/masuk/"
CODE = "/usaha-saya/masuk/kode/"


@pytest.fixture
def business():
    return owner_business(owner__phone="+6281311112222", owner__email="siti@example.org")


def test_the_code_signs_in_within_three_requests_after_it_arrives(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(SIGNIN, {"identifier": "0813-1111-2222"})
    assert asked.status_code == 302 and asked["Location"] == CODE
    [message] = notification_outbox
    assert message.channel == "sms" and message.to == "+6281311112222"
    code = code_in(message)
    assert not SignInCode.objects.filter(code_hash__contains=code).exists()  # hashed

    # After the code arrives: its post, then the redirects it leads to, up to the page.
    response, requests = client.post(CODE, {"code": code}), 1
    while response.status_code == 302 and requests < 5:
        response, requests = client.get(response["Location"]), requests + 1
    assert response.status_code == 200 and requests <= 3
    assert requests == 2  # the code's post lands on the one business's page
    assert response.request["PATH_INFO"] == f"/usaha-saya/{business.pk}/"
    assert business.name in response.content.decode()
    user = OwnerAccount.objects.get(owner=business.owner).user
    assert not user.is_staff and not user.has_usable_password()


def test_an_owner_of_two_businesses_lands_on_their_list_in_two_requests(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    second = owner_business(owner=business.owner, name="Warung Kedua")
    landed = sign_in_with_code(
        client, "081311112222", notification_outbox, django_capture_on_commit_callbacks
    )
    assert landed["Location"] == "/usaha-saya/"
    page = client.get(landed["Location"]).content.decode()
    assert business.name in page and second.name in page


def test_the_code_returns_to_the_page_asked_for_and_never_to_another_host(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    for asked, lands in [
        (f"/usaha-saya/{business.pk}/sertifikat/", f"/usaha-saya/{business.pk}/sertifikat/"),
        ("https://evil.example/", f"/usaha-saya/{business.pk}/"),
    ]:
        client.logout()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(SIGNIN + "?next=" + asked, {"identifier": "081311112222"})
        landed = client.post(CODE, {"code": code_in(notification_outbox[-1])})
        assert landed["Location"] == lands


def test_an_email_address_gets_its_code_by_email(
    client, business, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNIN, {"identifier": "Siti@Example.org"})
    [email] = mail.outbox
    assert email.to == ["siti@example.org"]
    code = code_in(type("M", (), {"body": email.body}))
    assert client.post(CODE, {"code": code}).status_code == 302
    assert client.get("/usaha-saya/").status_code == 302


def test_the_code_is_delivered_through_the_http_gateway(
    client, business, settings, django_capture_on_commit_callbacks
):
    fake = FakeGateway()
    try:
        gateway_settings(settings, fake)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(SIGNIN, {"identifier": "+62 813 1111 2222"})
        [posted] = fake.received
        assert posted["body"]["number"] == "+6281311112222"
        code = code_in(type("M", (), {"body": posted["body"]["text"]}))
        assert client.post(CODE, {"code": code}).status_code == 302
    finally:
        fake.close()


def test_a_code_works_once(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    assert (
        sign_in_with_code(
            client, "081311112222", notification_outbox, django_capture_on_commit_callbacks
        ).status_code
        == 302
    )
    code = code_in(notification_outbox[-1])
    from tests.client import ProductionClient

    client = ProductionClient()  # someone else who saw the message
    session = client.session
    session["owners_signin"] = {
        "hash": SignInCode.objects.get().identifier_hash,
        "shown": "",
        "next": "",
    }
    session.save()
    again = client.post(CODE, {"code": code})
    assert again.status_code == 200
    assert "salah atau sudah kedaluwarsa" in again.content.decode()  # wrong or expired
    assert client.get("/usaha-saya/").status_code == 302
    assert client.get("/usaha-saya/")["Location"].startswith(SIGNIN)


def test_a_code_expires_after_ten_minutes(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNIN, {"identifier": "081311112222"})
    code = code_in(notification_outbox[-1])
    SignInCode.objects.update(
        created_at=SignInCode.objects.get().created_at - datetime.timedelta(minutes=10, seconds=1)
    )
    refused = client.post(CODE, {"code": code})
    assert refused.status_code == 200
    assert not OwnerAccount.objects.exists()


def test_a_code_does_not_work_for_another_number(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    other = owner_business(owner__phone="+6281399998888")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNIN, {"identifier": "081311112222"})
    code = code_in(notification_outbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNIN, {"identifier": "081399998888"})  # the session now waits for this one
    assert client.post(CODE, {"code": code}).status_code == 200
    assert not OwnerAccount.objects.filter(owner=other.owner).exists()
    assert not OwnerAccount.objects.exists()


def test_five_wrong_codes_spend_the_code(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNIN, {"identifier": "081311112222"})
    code = code_in(notification_outbox[-1])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert client.post(CODE, {"code": wrong}).status_code == 200
    assert client.post(CODE, {"code": code}).status_code == 200  # the right one, too late
    assert not OwnerAccount.objects.exists()


def _answer(client, identifier, count_queries, capture):
    with count_queries() as queries, capture(execute=True):
        response = client.post(SIGNIN, {"identifier": identifier})
    page = client.get(CODE)
    return response, page, queries


def test_the_answer_is_the_same_whether_the_number_is_registered_or_not(
    business, count_queries, notification_outbox, django_capture_on_commit_callbacks
):
    from tests.client import ProductionClient

    known, known_page, known_q = _answer(
        ProductionClient(), "081311112222", count_queries, django_capture_on_commit_callbacks
    )
    unknown, unknown_page, unknown_q = _answer(
        ProductionClient(), "081311113333", count_queries, django_capture_on_commit_callbacks
    )
    assert len(notification_outbox) == 1  # only the registered number was sent a message
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert sorted(known.cookies) == sorted(unknown.cookies)

    def strip(page):
        import re

        text = page.content.decode()
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return text.replace("••••••222", "X").replace("••••••333", "X")

    assert strip(known_page) == strip(unknown_page)
    # The same work before answering: the queries up to the redirect (the message is sent
    # after the answer has gone, in the response's close).
    sent_queries = [
        q for q in known_q.context.captured_queries if "notifications_delivery" in q["sql"]
    ]
    assert known_q.count - len(sent_queries) == unknown_q.count
    assert SignInCode.objects.count() == 2


def test_codes_are_rate_limited_per_number_whether_registered_or_not(client, business):
    for identifier in ("081311112222", "081311113333"):
        for _ in range(3):
            assert client.post(SIGNIN, {"identifier": identifier}).status_code == 302
        limited = client.post(SIGNIN, {"identifier": identifier})
        assert limited.status_code == 200
        assert "Terlalu banyak" in limited.content.decode()


def test_codes_are_rate_limited_per_client_address(client, settings):
    settings.OWNER_CODES_PER_CLIENT = 4
    for n in range(4):
        assert client.post(SIGNIN, {"identifier": f"08131111{n:04d}"}).status_code == 302
    assert client.post(SIGNIN, {"identifier": "081311119999"}).status_code == 200
    from tests.client import ProductionClient

    elsewhere = ProductionClient(REMOTE_ADDR="10.0.0.9")
    assert elsewhere.post(SIGNIN, {"identifier": "081311119999"}).status_code == 302


def test_a_staff_session_is_signed_out_before_signing_in_as_owner(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    staff = admin_sudin()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/usaha-saya/")["Location"].startswith(SIGNIN)  # staff never acts as owner
    before = client.session.session_key
    sign_in_with_code(
        client, "081311112222", notification_outbox, django_capture_on_commit_callbacks
    )
    assert client.session.session_key != before  # rotated
    assert client.get("/usaha-saya/").status_code == 302
    assert client.get(client.get("/usaha-saya/")["Location"]).status_code == 200
    assert client.get("/admin/").status_code == 302  # the staff user is signed out


def test_an_owner_session_reaches_no_staff_page(client, business):
    from tests.owners.factories import signed_in

    signed_in(client, business.owner)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/umkm/owner/").status_code == 302
    for url in ("/staf/", "/laporan/", "/tugas/"):
        assert client.get(url).status_code in (302, 403, 404), url


def test_a_staff_user_with_the_same_phone_is_not_an_owner(client, business):
    """A staff account is never signed in by the owners' backend, even if linked."""
    staff = UserFactory(is_staff=True)
    OwnerAccount.objects.create(owner=business.owner, user=staff)
    from owners.backends import OwnerBackend

    assert OwnerBackend().get_user(staff.pk) is None


def test_a_staff_session_never_acts_as_an_owner_even_when_linked(client, business):
    staff = admin_sudin()
    OwnerAccount.objects.create(owner=business.owner, user=staff)
    client.force_login(staff)
    assert client.get("/usaha-saya/")["Location"].startswith(SIGNIN)
    assert client.get(f"/usaha-saya/{business.pk}/")["Location"].startswith(SIGNIN)
    assert (
        client.post(f"/usaha-saya/{business.pk}/persetujuan/", {"action": "grant"}).status_code
        == 302
    )
    business.refresh_from_db()
    assert business.public_consent is False


def test_a_number_two_owners_share_signs_in_neither(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    # A family phone: a second owner registered with the same number. The first owner's
    # account (and with it NIK, birth date and address in "my data") must not open to whoever
    # holds the phone, nor the second's; the phone is told why instead of given a code.
    second = owner_business(owner__phone="+6281311112222")
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(SIGNIN, {"identifier": "0813-1111-2222"})
    assert asked.status_code == 302 and asked["Location"] == CODE  # the answer of any number
    [message] = notification_outbox
    assert message.to == "+6281311112222"
    assert not re.search(r"\b\d{6}\b", message.body)  # no code in it
    assert "lebih dari satu" in message.body  # the reason, in Indonesian
    assert SignInCode.objects.get().owner is None
    for guess in ("000000", "123456"):
        assert client.post(CODE, {"code": guess}).status_code == 200
    assert not OwnerAccount.objects.filter(owner__in=[business.owner, second.owner]).exists()
    assert client.get("/usaha-saya/")["Location"].startswith(SIGNIN)


def test_a_number_that_is_one_owners_again_signs_in(
    client, business, notification_outbox, django_capture_on_commit_callbacks
):
    from umkm.models import Owner

    second = owner_business(owner__phone="+6281311112222")
    Owner.objects.filter(pk=second.owner.pk).update(phone="+6281399998888")  # corrected by staff
    response = sign_in_with_code(
        client, "081311112222", notification_outbox, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert OwnerAccount.objects.get().owner == business.owner


def test_a_signed_out_session_cookie_replayed_opens_nothing(
    client, business, settings, notification_outbox, django_capture_on_commit_callbacks
):
    sign_in_with_code(
        client, "081311112222", notification_outbox, django_capture_on_commit_callbacks
    )
    page = f"/usaha-saya/{business.pk}/"
    assert client.get(page).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/usaha-saya/keluar/").status_code == 302
    from tests.client import ProductionClient

    replay = ProductionClient()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie  # someone kept the old cookie
    assert replay.get(page)["Location"].startswith(SIGNIN)
    assert replay.post(CODE, {"code": code_in(notification_outbox[-1])}).status_code == 302
    assert replay.get(page)["Location"].startswith(SIGNIN)
