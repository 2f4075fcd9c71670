"""Scope of the mentor's desk: a mentor sees and reports only on businesses assigned to them
now; another mentor's business, report or photo is a 404 on every URL of the desk (walked
from its URLconf); after a reassignment access moves, and the old mentor keeps their own
past reports. Mentor accounts are never staff and never get into staff pages."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from config.actors import SYSTEM
from mentors import services
from mentors.services import ReportData
from tests.factories import admin_sudin
from tests.mentors.factories import assigned_business, desk_client, mentor
from umkm.models import Mentoring

pytestmark = pytest.mark.django_db


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile("kunjungan.jpg", out.getvalue(), content_type="image/jpeg")


def _report(m, business, *, photo=None, month=None) -> Mentoring:
    today = timezone.localdate()
    month = month or today.replace(day=1)
    return services.report_file(
        actor=m.user,
        business=business,
        data=ReportData(
            month=month, date=min(today, month + datetime.timedelta(days=3)), topic="Pemasaran"
        ),
        photo=photo,
    ).obj


def _desk_urls(business_pk: int, report_pk: int) -> dict[str, str]:
    """Every desk URL that names a business or a report, from the URLconf (a new one is
    covered, or this fails: it must be listed here with its kind)."""
    patterns = [p for p in get_resolver("mentors.urls").url_patterns if isinstance(p, URLPattern)]
    urls = {}
    for pattern in patterns:
        if "<int:pk>" not in str(pattern.pattern):
            continue
        kind = "business" if str(pattern.pattern).startswith("usaha/") else "report"
        pk = business_pk if kind == "business" else report_pk
        urls[pattern.name] = reverse(f"mentors:{pattern.name}", args=[pk])
    assert set(urls) == {"business", "report_new", "report", "report_edit", "photo"}
    return urls


def test_other_mentors_business_report_and_photo_are_404_on_every_desk_url():
    mine, theirs = mentor(), mentor()
    my_business = assigned_business(mine)
    my_report = _report(mine, my_business, photo=_jpeg())
    their_business = assigned_business(theirs)
    their_report = _report(theirs, their_business, photo=_jpeg())

    me = desk_client(mine)
    for name, url in _desk_urls(my_business.pk, my_report.pk).items():
        assert me.get(url).status_code == 200, name
    for name, url in _desk_urls(their_business.pk, their_report.pk).items():
        assert me.get(url).status_code == 404, name
        assert me.post(url, {"topic": "x"}).status_code == 404, name
    assert Mentoring.objects.get(pk=their_report.pk).topic == "Pemasaran"


def test_photo_is_private_and_served_only_through_the_desk():
    m = mentor()
    business = assigned_business(m)
    report = _report(m, business, photo=_jpeg())
    response = desk_client(m).get(reverse("mentors:photo", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    with pytest.raises(NotImplementedError):
        report.photo.url  # noqa: B018  (no public URL exists for it)


def test_after_reassignment_access_moves_and_the_old_mentor_keeps_own_reports():
    old, new = mentor(), mentor()
    business = assigned_business(old)
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    old_report = _report(old, business, month=last_month)
    services.assignment_set(actor=admin_sudin(), business=business, mentor=new)

    old_client, new_client = desk_client(old), desk_client(new)
    assert old_client.get(reverse("mentors:business", args=[business.pk])).status_code == 404
    assert old_client.get(reverse("mentors:report_new", args=[business.pk])).status_code == 404
    assert old_client.get(reverse("mentors:report", args=[old_report.pk])).status_code == 200
    # ...but may no longer correct it: the business is not theirs now.
    assert old_client.get(reverse("mentors:report_edit", args=[old_report.pk])).status_code == 404
    assert business.name in old_client.get(reverse("mentors:my_reports")).content.decode()

    assert new_client.get(reverse("mentors:business", args=[business.pk])).status_code == 200
    assert new_client.get(reverse("mentors:report", args=[old_report.pk])).status_code == 200
    new_report = _report(new, business)
    assert old_client.get(reverse("mentors:report", args=[new_report.pk])).status_code == 404


def test_a_mentor_is_never_staff_and_staff_pages_refuse_them():
    m = mentor()
    assert not m.user.is_staff
    client = desk_client(m)
    for url in ["/admin/", "/laporan/", reverse("mentors_staff:completeness"), "/staf/"]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login"), url


def test_desk_refuses_staff_and_sends_the_anonymous_to_the_mentor_sign_in(client):
    anonymous = client.get(reverse("mentors:home"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("mentors:signin"))
    sudin = admin_sudin()
    client.force_login(sudin)
    assert client.get(reverse("mentors:home")).status_code == 403


def test_desk_without_the_second_factor_is_refused(client):
    m = mentor()
    client.force_login(m.user)  # password only: no verified device in the session
    response = client.get(reverse("mentors:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mentors:signin"))


def test_mentor_signs_in_with_password_and_code_on_the_desk_form(client):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    m = mentor()
    device = TOTPDevice.objects.create(user=m.user, name="hp", confirmed=True)
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post(
        reverse("mentors:signin"),
        {
            "username": m.user.username,
            "password": "kata-sandi-uji-123",
            "otp_token": f"{token:06d}",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mentors:home")
    assert client.get(reverse("mentors:home")).status_code == 200


def test_staff_cannot_sign_in_on_the_mentor_form(client):
    sudin = admin_sudin()
    response = client.post(
        reverse("mentors:signin"), {"username": sudin.username, "password": "kata-sandi-uji-123"}
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "invalid_login"
    ]
    assert "_auth_user_id" not in client.session


def test_desk_pages_stay_under_50_kb_with_a_full_caseload():
    m = mentor()
    businesses = [assigned_business(m) for _ in range(60)]
    report = _report(m, businesses[0])
    client = desk_client(m)
    for url in [
        reverse("mentors:home"),
        reverse("mentors:business", args=[businesses[0].pk]),
        reverse("mentors:report_new", args=[businesses[0].pk]),
        reverse("mentors:report", args=[report.pk]),
        reverse("mentors:my_reports"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) < 50_000, (url, len(response.content))
        assert b"<script" not in response.content, url


def test_nik_never_on_the_mentors_business_page():
    m = mentor()
    business = assigned_business(m)
    html = desk_client(m).get(reverse("mentors:business", args=[business.pk])).content.decode()
    assert business.owner.full_name in html
    assert business.owner.phone in html
    assert business.owner.nik not in html
    assert business.owner.address not in html


def test_the_portal_itself_cannot_file_a_mentors_report():
    from django.core.exceptions import PermissionDenied

    business = assigned_business(mentor())
    with pytest.raises(PermissionDenied):
        services.report_file(
            actor=SYSTEM,
            business=business,
            data=ReportData(
                month=timezone.localdate().replace(day=1), date=timezone.localdate(), topic="x"
            ),
        )
    assert not Mentoring.objects.filter(business=business).exists()
