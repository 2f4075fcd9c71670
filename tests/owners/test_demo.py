"""The owners' demo: drawn photos, a bazaar open for online applications, owners who can
sign in with a code, pending edits in the review queue."""

import io

import pytest
from django.conf import settings

from bazaars.models import Bazaar
from owners import demo
from owners.models import ProfileEdit
from tests.bazaars.factories import VenueFactory, public_business
from tests.factories import sector
from tests.owners.factories import sign_in_with_code

pytestmark = pytest.mark.django_db


def test_the_owners_demo_runs_last():
    assert settings.DEMO_SEEDERS[-1] == "owners.demo.seed"


def test_the_demo_gives_photos_an_open_bazaar_and_owners_who_sign_in(
    client, notification_outbox, django_capture_on_commit_callbacks
):
    VenueFactory()
    for n in range(12):
        public_business(name=f"Usaha Demo {n}", sector=sector("fesyen"))
    out = io.StringIO()
    demo.seed(businesses=12, seed=2023, stdout=out)
    demo.seed(businesses=12, seed=2023, stdout=out)  # a second run adds nothing
    open_bazaar = Bazaar.objects.get(slug=demo.OPEN_BAZAAR_SLUG)
    assert open_bazaar.is_open_for_applications
    from umkm.models import Business

    photographed = Business.objects.exclude(photo="")
    assert 0 < photographed.count() < 12
    assert all(b.photo.is_clean for b in photographed)
    assert ProfileEdit.objects.filter(status="pending").count() == 3
    phone = out.getvalue().split("with ", 1)[1].split(" ", 1)[0]
    response = sign_in_with_code(
        client, phone, notification_outbox, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert client.get(f"/usaha-saya/bazar/{demo.OPEN_BAZAAR_SLUG}/").status_code == 302
