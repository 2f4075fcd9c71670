"""The owners' desk and the staff pages keep to their own people, proved on the whole URLconf
(the walk of tests/security/test_staff_access.py, every route with real objects):

- an owner's session opens the public pages and its own desk, and nothing else;
- a staff session (a verified superuser, even one linked to an owner's record) opens no desk
  page and changes nothing there, by GET or by POST.
"""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from bazaars.models import Participation
from config.access import PUBLIC_VIEWS
from owners.models import CorrectionRequest, DeletionRequest, OwnerAccount, ProfileEdit
from tests.owners.factories import signed_in
from tests.security.test_admin_doors import world  # noqa: F401  (the fixture)
from tests.security.test_staff_access import _open, _walk, superuser_with_device  # noqa: F401
from umkm.models import Business

pytestmark = pytest.mark.django_db

# The sign-in pages are public; signing out would end the staff session the walk is about.
SIGN_IN = {"owners:signin", "owners:code", "owners:signout"}


def _desk(route) -> bool:
    return (route.name or "").startswith("owners:")


def _state():
    return (
        ProfileEdit.objects.count(),
        CorrectionRequest.objects.count(),
        DeletionRequest.objects.count(),
        sorted(Participation.objects.values_list("pk", "status")),
        sorted(Business.objects.values_list("pk", "public_consent", "whatsapp_public")),
    )


def test_an_owners_session_opens_only_public_pages_and_its_own_desk(
    client,
    world,  # noqa: F811
    superuser_with_device,  # noqa: F811
):
    user, _device = superuser_with_device
    mine = Business.objects.order_by("pk").first()  # the walk fills business_id with it
    signed_in(client, mine.owner)
    opened, desk_open = [], 0
    for route, url in _walk(user):
        status = client.get(url).status_code
        assert status < 500, (url, status)
        if route.name in PUBLIC_VIEWS:
            continue
        if _desk(route):
            desk_open += _open(status)
        elif _open(status):
            opened.append((url, status))
    assert opened == []
    assert desk_open >= 5, "the walk should reach the owner's own desk pages"


def test_a_staff_session_opens_no_desk_page_and_changes_nothing_there(
    client,
    settings,
    world,  # noqa: F811
    superuser_with_device,  # noqa: F811
):
    settings.OTP_REQUIRED = True
    user, device = superuser_with_device
    business = Business.objects.order_by("pk").first()
    OwnerAccount.objects.create(owner=business.owner, user=user)  # linked, still staff
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get("/admin/").status_code == 200  # a real staff session
    before = _state()
    desk = [(r, u) for r, u in _walk(user) if _desk(r) and r.name not in SIGN_IN]
    assert len(desk) >= 10
    data = {"action": "grant", "code": "123456", "field": "other", "message": "x", "reason": "x"}
    for _route, url in desk:
        for response in (client.get(url), client.post(url, data)):
            assert not _open(response.status_code), (url, response.status_code)
            assert response.status_code != 500, url
    assert client.get("/admin/").status_code == 200  # the walk ran as staff throughout
    assert _state() == before
