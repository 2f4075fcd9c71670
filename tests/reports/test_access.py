import pytest

from reports.models import ExportLog
from tests.factories import UserFactory
from tests.reports.factories import CENGKARENG, GROGOL

pytestmark = pytest.mark.django_db

PAGES = ["/laporan/", f"/laporan/kecamatan/{GROGOL}/"]
EXPORTS = [
    "/laporan/ekspor/xlsx/",
    "/laporan/ekspor/pdf/",
    "/laporan/ekspor/csv/?tabel=umkm",
    f"/laporan/kecamatan/{GROGOL}/ekspor/xlsx/",
    f"/laporan/kecamatan/{GROGOL}/ekspor/csv/?tabel=ringkasan",
]


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_reports_anonymous_go_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_reports_staff_without_a_role_are_refused(client, url):
    client.force_login(UserFactory(username="staf-tanpa-peran"))
    assert client.get(url).status_code == 403
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("url", EXPORTS)
def test_exports_need_the_export_permission(client, url):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="hanya-lihat")
    user.user_permissions.add(Permission.objects.get(codename="view_report"))
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert not ExportLog.objects.exists()


def test_operator_sees_its_own_kecamatan(operator_client):
    assert operator_client.get(f"/laporan/kecamatan/{GROGOL}/?tahun=2023").status_code == 200


def test_operator_is_sent_from_the_city_to_its_kecamatan(operator_client):
    response = operator_client.get("/laporan/?tahun=2023")
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/kecamatan/{GROGOL}/?tahun=2023"


@pytest.mark.parametrize(
    "url",
    [
        f"/laporan/kecamatan/{CENGKARENG}/",
        f"/laporan/kecamatan/{CENGKARENG}/ekspor/xlsx/",
        f"/laporan/kecamatan/{CENGKARENG}/ekspor/pdf/",
        f"/laporan/kecamatan/{CENGKARENG}/ekspor/csv/?tabel=umkm",
    ],
)
def test_operator_cannot_open_another_kecamatan(operator_client, url):
    assert operator_client.get(url).status_code == 404
    assert not ExportLog.objects.exists()


def test_operator_city_export_goes_to_its_own_kecamatan(operator_client):
    response = operator_client.get("/laporan/ekspor/csv/?tabel=umkm&tahun=2023")
    assert response.status_code == 302
    assert response["Location"] == f"/laporan/kecamatan/{GROGOL}/ekspor/csv/?tabel=umkm&tahun=2023"
    assert not ExportLog.objects.exists()


def test_kecamatan_of_another_city_is_not_found(pejabat_client):
    assert pejabat_client.get("/laporan/kecamatan/31.71.01/").status_code == 404


@pytest.mark.parametrize("user_fixture", ["pejabat_client", "admin_client_sudin"])
def test_city_wide_roles_see_every_kecamatan(request, user_fixture):
    client = request.getfixturevalue(user_fixture)
    assert client.get("/laporan/").status_code == 200
    assert client.get(f"/laporan/kecamatan/{CENGKARENG}/").status_code == 200
    assert client.get(f"/laporan/kecamatan/{GROGOL}/ekspor/xlsx/").status_code == 200
