"""A monthly report's "wants a bazaar" reaches the next bazaar selection (bazaars.flags): the
fair selection and the participation list show it, the list filters on it, and a later report
without the need withdraws it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bazaars import services as bazaar_services
from config.actors import SYSTEM
from mentors import selectors, services
from mentors.services import ReportData
from tests.bazaars.factories import bazaar, eligible_business
from tests.client import ProductionClient
from tests.factories import admin_sudin, kelurahan, sector
from tests.mentors.factories import mentor

pytestmark = pytest.mark.django_db

LABEL = "Ingin ikut bazar (laporan pendamping)"


def _report(m, business, month, needs):
    today = timezone.localdate()
    services.report_file(
        actor=m.user,
        business=business,
        data=ReportData(
            month=month,
            date=min(today, month + datetime.timedelta(days=2)),
            topic="Kunjungan",
            needs=needs,
        ),
    )


def _world():
    """Three eligible businesses of one mentor (in three kecamatan, so a 3-booth bazaar's
    fair selection proposes all three): one wants a bazaar this month, one wanted it last
    month but not any more, one never asked."""
    m = mentor("31.73.01")
    this = timezone.localdate().replace(day=1)
    last = selectors.add_months(this, -1)
    wants, withdrew, quiet = (
        eligible_business(kelurahan=kelurahan(code), name=name, sector=sector("fesyen"))
        for code, name in (
            ("31.73.01.1001", "Usaha Mau Bazar"),
            ("31.73.02.1002", "Usaha Sudah Tidak"),
            ("31.73.03.1001", "Usaha Diam"),
        )
    )
    start = timezone.localdate() - datetime.timedelta(days=70)
    for business in (wants, withdrew, quiet):
        services.assignment_set(actor=SYSTEM, business=business, mentor=m, start=start)
    _report(m, wants, this, ["bazar"])
    _report(m, withdrew, last, ["bazar"])
    _report(m, withdrew, this, ["pelatihan"])
    _report(m, quiet, this, [])
    return wants, withdrew, quiet


def _row_of(html, name):
    rows = [row for row in re.findall(r"<tr.*?</tr>", html, re.S) if name in row]
    assert len(rows) == 1, name
    return rows[0]


def test_the_latest_report_decides_the_flag():
    wants, withdrew, quiet = _world()
    assert selectors.wants_bazaar([wants.pk, withdrew.pk, quiet.pk]) == {wants.pk}
    assert set(selectors.wants_bazaar_business_ids().values_list("business_id", flat=True)) == {
        wants.pk
    }


def test_the_fair_selection_shows_who_wants_a_bazaar():
    wants, withdrew, quiet = _world()
    fair = bazaar(booths=3, days=[timezone.localdate() + datetime.timedelta(days=10)])
    client = ProductionClient()
    client.force_login(admin_sudin())
    html = client.get(f"/admin/bazaars/bazaar/{fair.pk}/usulan/").content.decode()
    assert LABEL in _row_of(html, wants.name)
    for other in (withdrew, quiet):
        assert LABEL not in _row_of(html, other.name)


def test_the_participation_list_shows_and_filters_the_flag():
    wants, withdrew, quiet = _world()
    fair = bazaar(booths=3, days=[timezone.localdate() + datetime.timedelta(days=10)])
    for business in (wants, withdrew, quiet):
        bazaar_services.participation_apply(actor=SYSTEM, bazaar=fair, business=business)
    client = ProductionClient()
    client.force_login(admin_sudin())
    url = reverse("admin:bazaars_participation_changelist")
    html = client.get(url).content.decode()
    assert LABEL in html  # the filter's title
    assert LABEL in _row_of(html, wants.name)
    assert LABEL not in _row_of(html, quiet.name)
    flagged = client.get(url, {"flag_mentors_wants_bazaar": "yes"})
    assert [p.business for p in flagged.context["cl"].result_list] == [wants]
    others = client.get(url, {"flag_mentors_wants_bazaar": "no"})
    assert {p.business for p in others.context["cl"].result_list} == {withdrew, quiet}
