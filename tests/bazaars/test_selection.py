"""Fair selection and eligibility."""

import datetime

import pytest
from django.utils import timezone

from bazaars import eligibility, selectors, services
from bazaars.models import ParticipationStatus
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, eligible_business
from tests.factories import BusinessFactory, EnrolmentFactory, kelurahan, sector

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=40)
KECAMATAN = ["31.73.01.1001", "31.73.02.1002", "31.73.03.1001", "31.73.04.1001"]


def test_eligibility_gives_every_reason():
    business = BusinessFactory(status="nonaktif")
    result = eligibility.check(business)
    assert not result.eligible
    assert result.reasons == ["Usaha tidak aktif.", "Usaha belum lulus pelatihan apa pun."]
    EnrolmentFactory(business=business, owner=business.owner, passed=False, attended=True)
    business.status = "aktif"
    business.save()
    assert not eligibility.check(business).eligible
    EnrolmentFactory(business=business, owner=business.owner)
    assert eligibility.check(business).eligible
    assert list(eligibility.eligible_businesses().filter(pk=business.pk)) == [business]


@pytest.mark.food_rule
def test_food_rule_is_on_by_default_now_that_certificates_exist(settings):
    assert settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE is True
    kuliner = eligible_business(sector=sector("kuliner"))
    check = eligibility.check(kuliner)
    assert not check.eligible
    assert any("PIRT" in str(reason) for reason in check.reasons)


def test_with_the_food_rule_off_a_kuliner_business_needs_no_certificate(settings):
    kuliner = eligible_business(sector=sector("kuliner"))
    assert eligibility.check(kuliner).eligible


def test_proposal_puts_never_invited_businesses_first():
    old = bazaar(title="Bazar 2023", booths=2, days=[datetime.date(2023, 4, 12)])
    veteran = accepted(old, name="Sudah Pernah").business
    newcomer = eligible_business(name="Belum Pernah", kelurahan=kelurahan(KECAMATAN[0]))
    new = bazaar(title="Bazar Baru", booths=8, days=[SOON])
    proposal = [p.business for p in selectors.propose_participants(new)]
    assert proposal.index(newcomer) < proposal.index(veteran)
    assert [
        p.last_bazaar for p in selectors.propose_participants(new) if p.business == veteran
    ] == [datetime.date(2023, 4, 12)]


def test_proposal_caps_each_kecamatan_and_spreads_sectors():
    for code in KECAMATAN:
        for sector_code in ("kuliner", "kuliner", "fesyen", "parfum"):
            eligible_business(kelurahan=kelurahan(code), sector=sector(sector_code))
    BusinessFactory(kelurahan=kelurahan(KECAMATAN[0]))  # not trained: never proposed
    new = bazaar(title="Bazar Baru", booths=16, days=[SOON])  # cap ceil(16 / 8) = 2
    proposal = selectors.propose_participants(new)
    per_kecamatan = {}
    for p in proposal:
        code = p.business.kelurahan.kecamatan_id
        per_kecamatan[code] = per_kecamatan.get(code, 0) + 1
    assert len(proposal) == 8 and set(per_kecamatan.values()) == {2}
    sectors = {p.business.sector.code for p in proposal}
    assert sectors == {"kuliner", "fesyen", "parfum"}
    assert all(eligibility.check(p.business).eligible for p in proposal)


def test_proposal_accepted_in_bulk_gives_each_a_booth():
    for code in KECAMATAN:
        eligible_business(kelurahan=kelurahan(code))
    new = bazaar(title="Bazar Baru", booths=4, days=[SOON])
    proposal = selectors.propose_participants(new)
    done = services.participants_accept(
        actor=SYSTEM, bazaar=new, businesses=[p.business for p in proposal]
    )
    assert sorted(p.booth.code for p in done) == ["A01", "A02", "A03", "A04"][: len(done)]
    assert all(p.status == ParticipationStatus.ACCEPTED for p in done)
    assert selectors.propose_participants(new) == []  # no free booth left


def test_food_rule_on_reads_the_certifications_selector(settings, client):
    """The food rule reads the certifications app's selector: in process counts."""
    pytest.importorskip("certifications.selectors")
    factories = pytest.importorskip("tests.certifications.factories")
    from tests.factories import admin_sudin

    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = True
    kuliner = eligible_business(sector=sector("kuliner"), name="Keripik Tanpa PIRT")
    fesyen = eligible_business(sector=sector("fesyen"))
    both = eligibility.eligible_businesses().filter(pk__in=[kuliner.pk, fesyen.pk])
    assert list(both) == [fesyen]
    result = eligibility.check(kuliner)
    assert not result.eligible and "PIRT" in result.reasons[0]
    b = bazaar(booths=2, days=[SOON])
    services.participation_apply(actor=SYSTEM, bazaar=b, business=kuliner)
    client.force_login(admin_sudin())
    html = client.get("/admin/bazaars/participation/").content.decode()
    assert "PIRT" in html  # the reason shown to staff
    factories.submitted_case(kuliner, "pirt")  # in process counts
    assert eligibility.check(kuliner).eligible
    assert set(both.all()) == {kuliner, fesyen}  # a fresh query, not the cached one
