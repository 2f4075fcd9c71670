"""Assignments: one current per business (the database holds it), dates kept on a change of
mentor, the caseload ceiling warns, operators assign only in their kecamatan, the admin's
bulk action over a filtered list, and the mentor drop-downs list mentors only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentors import services
from mentors.models import Assignment, Mentor
from tests.factories import BusinessFactory, UserFactory, admin_sudin, kelurahan, operator
from tests.mentors.factories import assigned_business, mentor

pytestmark = pytest.mark.django_db


def test_a_business_has_one_current_assignment_held_by_the_database():
    m = mentor()
    business = assigned_business(m)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(business=business, mentor=mentor(), start=timezone.localdate())


def test_reassignment_closes_the_old_one_on_the_new_ones_first_day():
    old, new = mentor(), mentor()
    start = timezone.localdate() - datetime.timedelta(days=100)
    business = assigned_business(old, start=start)
    today = timezone.localdate()
    services.assignment_set(actor=admin_sudin(), business=business, mentor=new, start=today)
    rows = list(
        Assignment.objects.filter(business=business)
        .order_by("start")
        .values_list("mentor", "start", "end")
    )
    assert rows == [(old.pk, start, today), (new.pk, today, None)]


def test_caseload_above_the_ceiling_warns_but_assigns(settings):
    settings.MENTOR_CASELOAD_CEILING = 2
    m = mentor()
    sudin = admin_sudin()
    outcomes = [
        services.assignment_set(
            actor=sudin, business=BusinessFactory(kelurahan=kelurahan("31.73.02.1001")), mentor=m
        )
        for _ in range(3)
    ]
    assert [bool(o.warnings) for o in outcomes] == [False, False, True]
    assert "3" in outcomes[2].warnings[0] and "2" in outcomes[2].warnings[0]
    assert Assignment.objects.filter(mentor=m, end=None).count() == 3


def test_operator_assigns_only_in_their_kecamatan_and_nothing_changes_otherwise():
    here = mentor("31.73.02")
    elsewhere_business = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"))
    grogol = operator("31.73.02")
    with pytest.raises(PermissionDenied):
        services.assignment_set(actor=grogol, business=elsewhere_business, mentor=here)
    assert not Assignment.objects.exists()
    # A mentor of another kecamatan is not theirs to choose.
    with pytest.raises(Exception) as refused:
        services.assignment_set(
            actor=grogol,
            business=BusinessFactory(kelurahan=kelurahan("31.73.02.1001")),
            mentor=mentor("31.73.01"),
        )
    assert "mentor" in refused.value.message_dict
    assert not Assignment.objects.exists()


def test_bulk_action_assigns_the_filtered_list_all_or_nothing(admin_client):
    m = mentor()
    businesses = [BusinessFactory(kelurahan=kelurahan("31.73.02.1001")) for _ in range(3)]
    url = reverse("admin:umkm_business_changelist")
    ids = [str(b.pk) for b in businesses]
    page = admin_client.post(url, {"action": "assign_to_mentor", "_selected_action": ids})
    assert page.status_code == 200
    assert m.full_name in page.content.decode()
    response = admin_client.post(
        url,
        {
            "action": "assign_to_mentor",
            "_selected_action": ids,
            "apply": "1",
            "mentor": m.pk,
            "start": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert set(Assignment.objects.filter(end=None).values_list("business", flat=True)) == {
        b.pk for b in businesses
    }


def test_the_mentor_drop_downs_list_mentors_only(admin_client):
    m = mentor()
    UserFactory(username="operator-bukan-pendamping")
    for url in [reverse("admin:umkm_mentoring_add"), reverse("admin:mentors_assignment_add")]:
        html = admin_client.get(url).content.decode()
        assert m.full_name in html or m.user.username in html, url
        assert "operator-bukan-pendamping" not in html, url


def test_caseload_is_visible_in_the_mentor_list(admin_client):
    m = mentor()
    for _ in range(2):
        assigned_business(m)
    html = admin_client.get(reverse("admin:mentors_mentor_changelist")).content.decode()
    assert m.full_name in html
    assert '<td class="field-caseload">2</td>' in html


def _mentor_form(m, **overrides):
    data = {
        "full_name": m.full_name,
        "phone": m.phone,
        "email": m.email,
        "kecamatan": [k.pk for k in m.kecamatan.all()],
        "active": "on" if m.active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_editing_a_mentor_in_admin_goes_through_the_service():
    """The account's name and e-mail follow the mentor's (only mentor_update does that), the
    kecamatan of work are replaced, and deactivating a mentor with businesses warns."""
    from tests.client import ProductionClient
    from umkm.models import Kecamatan

    m = mentor("31.73.02")
    assigned_business(m)
    client = ProductionClient()
    client.force_login(admin_sudin())
    url = reverse("admin:mentors_mentor_change", args=[m.pk])
    response = client.post(
        url,
        _mentor_form(
            m, full_name="Siti Pendamping", email="siti@example.org", kecamatan=["31.73.01"]
        ),
        follow=True,
    )
    assert response.status_code == 200
    m.refresh_from_db()
    m.user.refresh_from_db()
    assert (m.full_name, m.user.first_name, m.user.email) == (
        "Siti Pendamping",
        "Siti Pendamping",
        "siti@example.org",
    )
    assert list(m.kecamatan.all()) == [Kecamatan.objects.get(code="31.73.01")]

    response = client.post(url, _mentor_form(m, active=""), follow=True)
    m.refresh_from_db()
    assert m.active is False
    assert "masih memiliki 1 usaha" in response.content.decode()


def test_an_operator_cannot_edit_a_mentor_and_nothing_changes():
    m = mentor("31.73.02")
    with pytest.raises(PermissionDenied):
        services.mentor_update(actor=operator("31.73.02"), mentor=m, full_name="Diubah")
    m.refresh_from_db()
    assert m.full_name != "Diubah"


def test_a_mentor_without_kecamatan_is_refused_and_nothing_changes():
    from django.core.exceptions import ValidationError

    m = mentor("31.73.02")
    with pytest.raises(ValidationError) as caught:
        services.mentor_update(actor=admin_sudin(), mentor=m, full_name="Diubah", kecamatan=[])
    assert "kecamatan" in caught.value.message_dict
    m.refresh_from_db()
    assert m.full_name != "Diubah" and m.kecamatan.count() == 1


def test_adding_a_mentor_in_admin_makes_the_account_and_a_taken_username_saves_nothing():
    from tests.client import ProductionClient
    from umkm.models import Kecamatan

    client = ProductionClient()
    client.force_login(admin_sudin())
    url = reverse("admin:mentors_mentor_add")
    data = {
        "username": "pendamping-baru",
        "password": "kata-sandi-baru-123",
        "full_name": "Pendamping Baru",
        "phone": "081300000001",
        "email": "baru@example.org",
        "kecamatan": [Kecamatan.objects.get(code="31.73.02").pk],
        "active": "on",
    }
    assert client.post(url, data).status_code == 302
    created = Mentor.objects.get(user__username="pendamping-baru")
    assert created.user.groups.filter(name="Pendamping").exists() and not created.user.is_staff
    again = client.post(url, {**data, "full_name": "Pendamping Kembar"})
    assert again.status_code == 200
    assert "Nama pengguna ini sudah dipakai." in again.content.decode()
    assert not Mentor.objects.filter(full_name="Pendamping Kembar").exists()


def test_bulk_assignment_of_more_than_the_limit_is_refused_whole(admin_client, settings):
    settings.MENTOR_BULK_ASSIGN_MAX = 2
    m = mentor()
    businesses = [BusinessFactory(kelurahan=kelurahan("31.73.02.1001")) for _ in range(3)]
    response = admin_client.post(
        reverse("admin:umkm_business_changelist"),
        {
            "action": "assign_to_mentor",
            "_selected_action": [str(b.pk) for b in businesses],
            "apply": "1",
            "mentor": m.pk,
            "start": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "Paling banyak 2 usaha" in response.content.decode()
    assert not Assignment.objects.exists()
