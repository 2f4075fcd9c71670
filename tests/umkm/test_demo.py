import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from umkm.demo import DEMO_PASSWORD, ensure_demo_accounts
from umkm.models import (
    Business,
    BusinessStage,
    Enrolment,
    Mentoring,
    Owner,
    Training,
    YearlyTarget,
    scale_for,
)
from umkm.validators import clean_nik, nik_facts

pytestmark = pytest.mark.django_db


def test_seed_demo_small_run_builds_consistent_jakarta_barat_data():
    out = io.StringIO()
    call_command("seed_demo", businesses=200, seed=7, stdout=out)
    assert "Demo data ready" in out.getvalue()
    assert Business.objects.count() == 200
    businesses = Business.objects.select_related("kelurahan", "owner")
    assert {b.kelurahan.kecamatan_id[:5] for b in businesses} == {"31.73"}
    owners = list(Owner.objects.all())
    assert len({o.nik_index for o in owners}) == len(owners)
    for owner in owners[:50]:
        nik = owner.nik
        assert clean_nik(nik) == nik
        assert nik_facts(nik).gender == owner.gender
        assert Owner.objects.with_nik(nik).get() == owner
        assert owner.phone.startswith("+628")
    for business in businesses:
        assert business.scale == scale_for(
            capital=business.capital, yearly_omzet=business.yearly_omzet
        )
        assert 2019 <= business.binaan_since.year <= 2023
        assert business.current_stage_id is not None
    # The current stage is one the business reached; every business was registered.
    reached = {}
    for business_id, stage_id in BusinessStage.objects.values_list("business_id", "stage_id"):
        reached.setdefault(business_id, set()).add(stage_id)
    assert all(b.current_stage_id in reached[b.pk] for b in businesses)
    assert BusinessStage.objects.filter(stage__code="pendaftaran").count() == 200
    # Enrolments: within capacity, passed only when attended, owner is the business's owner.
    full = Training.objects.annotate(n=Count("enrolments")).filter(n__gt=F("capacity"))
    assert not full.exists()
    assert not Enrolment.objects.filter(passed=True, attended=False).exists()
    assert not Enrolment.objects.exclude(owner=F("business__owner")).exists()
    assert Enrolment.objects.count() > 200
    assert Mentoring.objects.exists()
    assert YearlyTarget.objects.filter(target=18).count() == 8 * 8  # 8 kecamatan, 2019-2026
    assert Business.objects.filter(public_consent=True, public_consent_at__isnull=False).exists()
    assert (
        Business.objects.filter(status="naik_kelas").exists()
        or Business.objects.filter(status="nonaktif").exists()
    )
    assert Business.history.count() == 200
    # The owner's name copied by the database trigger for the admin search.
    assert not Business.objects.exclude(owner_name=F("owner__full_name")).exists()


def test_seed_demo_if_empty_does_nothing_the_second_time():
    call_command("seed_demo", businesses=50, seed=3, stdout=io.StringIO())
    names = list(Business.objects.order_by("id").values_list("name", flat=True))
    assert len(names) >= 50  # the bazaar seeder adds bazaar-ready businesses to a small register
    out = io.StringIO()
    call_command("seed_demo", businesses=50, seed=3, if_empty=True, stdout=out)
    assert "nothing to do" in out.getvalue()
    assert names == list(Business.objects.order_by("id").values_list("name", flat=True))


# Demo accounts exist on development installs only (make run, DEBUG=1): no second factor there.
@pytest.mark.development_settings("OTP_REQUIRED")
def test_demo_accounts_one_per_role(client):
    accounts = dict(ensure_demo_accounts())
    assert set(accounts) == {"admin", "sudin", "operator", "pejabat"}
    assert "31.73.02" in accounts["operator"]
    for username in accounts:
        signed_in = client.post(
            "/admin/login/?next=/admin/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302, username
        assert client.get("/admin/umkm/business/").status_code == 200
        client.logout()
