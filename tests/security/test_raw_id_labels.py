"""A raw id box shows the name of the record typed into it. For a record the user may not
choose (another kecamatan's business), the form refuses it and the name must not appear when
the page comes back: the label is looked up among the user's own choices."""

import pytest

from tests.bazaars.factories import bazaar
from tests.factories import BusinessFactory, kelurahan, operator

pytestmark = pytest.mark.django_db

ELSEWHERE = "31.73.05.1001"  # a kelurahan of Kebon Jeruk, not the operator's Grogol Petamburan


@pytest.mark.parametrize(
    ("url", "extra"),
    [
        ("/admin/bazaars/participation/add/", "bazaar"),
        ("/admin/certifications/certificatecase/add/", "type"),
    ],
)
def test_raw_id_label_of_another_kecamatan_business_is_not_shown(client, url, extra):
    from certifications.models import CertificateType

    theirs = BusinessFactory(name="Usaha Rahasia Tetangga", kelurahan=kelurahan(ELSEWHERE))
    ours = BusinessFactory(name="Usaha Sendiri Grogol", kelurahan=kelurahan("31.73.02.1002"))
    user = operator("31.73.02")
    client.force_login(user)
    data = {"business": theirs.pk}
    if extra == "bazaar":
        data["bazaar"] = bazaar().pk
    else:
        data["type"] = CertificateType.objects.order_by("pk").first().pk

    refused = client.post(url, data)
    assert refused.status_code == 200  # the form comes back with its error
    assert theirs.name not in refused.content.decode()

    data["business"] = ours.pk
    shown = client.post(url, {**data, "note": ""})
    page = shown.content.decode() if shown.status_code == 200 else ""
    # Our own business may be named beside the box (or the form saved and redirected).
    assert shown.status_code == 302 or ours.name in page
