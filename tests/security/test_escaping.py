"""HTML in a business name renders escaped everywhere it is shown."""

import datetime

import pytest
from django.utils import timezone

from tests.bazaars.factories import accepted, bazaar, public_business
from tests.factories import admin_sudin, pejabat

pytestmark = pytest.mark.django_db
PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_html_in_a_business_name_is_escaped_on_every_page(client, settings):
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False
    settings.BAZAAR_PUBLIC_CACHE = False
    business = public_business(
        name=PAYLOAD, products=PAYLOAD, binaan_since=datetime.date(2023, 2, 1)
    )
    b = bazaar(title=PAYLOAD, booths=2, days=[timezone.localdate() + datetime.timedelta(days=5)])
    accepted(b, business)
    pages = ["/", "/bazar/", b.get_absolute_url(), "/umkm/", f"/umkm/{business.slug}/"]
    bodies = {p: client.get(p).content.decode() for p in pages}
    client.force_login(admin_sudin())
    for path in (
        "/admin/umkm/business/",
        f"/admin/umkm/business/{business.pk}/change/",
        "/admin/bazaars/bazaar/",
        f"/admin/bazaars/bazaar/{b.pk}/change/",
    ):
        bodies[path] = client.get(path).content.decode()
    client.force_login(pejabat())
    bodies["/laporan/"] = client.get("/laporan/?tahun=2023").content.decode()
    for path, body in bodies.items():
        assert "<script>alert" not in body, path
        assert "<img src=x" not in body, path
    assert "&lt;script&gt;" in bodies[f"/umkm/{business.slug}/"]
