"""The demo seed: an office-like register with a dated past, completed when it stopped
half-way, runnable with production settings."""

import datetime
import io
import itertools
import os
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from bazaars.models import Attendance, Bazaar
from certifications.models import CertificateCase
from reports.asof import register_on_sql
from umkm.demo import DEMO_PASSWORD, FIRST_TARGET_YEAR, ensure_demo_accounts, seed_register
from umkm.models import (
    Business,
    BusinessStage,
    BusinessState,
    Enrolment,
    Mentoring,
    Owner,
    Training,
    YearlyTarget,
    scale_for,
)
from umkm.validators import clean_nik, nik_facts

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


def _check_states_match_the_register():
    """Each business's dated states: contiguous from -infinity to an open end, at most one
    change a day, none before its registration or after today, every change with a reason,
    and the open one equal to the business row."""
    today = timezone.localdate()
    states = defaultdict(list)
    for s in BusinessState.objects.order_by("business_id", "valid"):
        states[s.business_id].append(s)
    businesses = list(Business.objects.all())
    assert set(states) == {b.pk for b in businesses}
    for b in businesses:
        rows = states[b.pk]
        assert rows[0].valid.lower is None, b.pk
        assert rows[-1].valid.upper is None, b.pk
        for before, after in itertools.pairwise(rows):
            assert before.valid.upper == after.valid.lower, b.pk
            assert b.binaan_since < after.valid.lower <= today, b.pk
            assert after.reason, b.pk
            assert (before.status, before.scale, before.kelurahan_id, before.public_consent) != (
                after.status,
                after.scale,
                after.kelurahan_id,
                after.public_consent,
            ), b.pk
        last = rows[-1]
        assert (last.status, last.scale, last.kelurahan_id, last.public_consent) == (
            b.status,
            b.scale,
            b.kelurahan_id,
            b.public_consent,
        ), b.pk


def _new_per_kecamatan_and_year() -> dict[tuple[str, int], int]:
    """New businesses of each year per kecamatan, where they were on the year's reference
    day (its last day, or today): the reports' own "as of" SQL."""
    today = timezone.localdate()
    counts = {}
    for year in range(FIRST_TARGET_YEAR, today.year + 1):
        on = min(datetime.date(year, 12, 31), today)
        sql = f"""
            SELECT k.kecamatan_id, count(*)
              FROM ({register_on_sql("s.kelurahan_id LIKE %(prefix)s")}) r
              JOIN umkm_kelurahan k ON k.code = r.kelurahan_id
             WHERE r.binaan_since >= %(first)s
             GROUP BY k.kecamatan_id"""  # noqa: S608  (the reports' SQL; bound parameters)
        with connection.cursor() as cursor:
            params = {"on": on, "prefix": "31.73.%", "first": datetime.date(year, 1, 1)}
            cursor.execute(sql, params)
            for kec, n in cursor.fetchall():
                counts[kec, year] = n
    return counts


def test_demo_at_office_size_looks_like_the_office():
    today = timezone.localdate()
    call_command("seed_demo", seed=2023, stdout=io.StringIO())
    assert 2_900 <= Business.objects.count() <= 3_100

    # Cohorts to this year: 15-25 new businesses per kecamatan and year (target 18); this
    # year only up to today, so its range is pro rata.
    counts = _new_per_kecamatan_and_year()
    kecamatan = sorted({kec for kec, _year in counts})
    assert len(kecamatan) == 8
    share = ((today - datetime.date(today.year, 1, 1)).days + 1) / 365
    for kec in kecamatan:
        for year in range(FIRST_TARGET_YEAR, today.year + 1):
            low, high = (15, 25) if year < today.year else (int(15 * share), 25 * share + 1)
            assert low <= counts.get((kec, year), 0) <= high, (kec, year, counts.get((kec, year)))
    assert not Business.objects.filter(binaan_since__gt=today).exists()
    targets = YearlyTarget.objects.filter(year__gte=FIRST_TARGET_YEAR, target=18)
    assert targets.count() == 8 * (today.year - FIRST_TARGET_YEAR + 1)

    # Status changes and moves over time, dated and with their reasons.
    changes = BusinessState.objects.exclude(valid__startswith=None)
    statuses = Counter(Business.objects.values_list("status", flat=True))
    assert statuses["nonaktif"] > 100 and statuses["naik_kelas"] > 50
    assert statuses["aktif"] > 0.7 * sum(statuses.values())
    moved_kecamatan = [
        s
        for s in changes.filter(reason__icontains="kecamatan lain").select_related("kelurahan")
        if not BusinessState.objects.filter(
            business=s.business_id,
            valid__endswith=s.valid.lower,
            kelurahan__kecamatan=s.kelurahan.kecamatan_id,
        ).exists()
    ]
    assert len(moved_kecamatan) > 10
    years_of_change = {s.valid.lower.year for s in changes.filter(status="nonaktif")}
    assert set(range(2017, today.year + 1)) <= years_of_change
    naik = BusinessState.objects.filter(status="naik_kelas").exclude(valid__startswith=None)
    assert all(s.scale != "mikro" and "Naik kelas" in s.reason for s in naik)
    _check_states_match_the_register()

    # Trainings and enrolments each year, never before the trainee registered.
    for year in range(FIRST_TARGET_YEAR, today.year + 1):
        assert Enrolment.objects.filter(training__start_date__year=year).count() > 300, year
    assert not Enrolment.objects.filter(training__start_date__lte=F("business__binaan_since"))
    assert not Training.objects.filter(end_date__gte=today).exists()
    full = Training.objects.annotate(n=Count("enrolments")).filter(n__gt=F("capacity"))
    assert not full.exists()

    # 7P stages: reached on days in order, from registration, none in the future.
    assert not BusinessStage.objects.filter(
        Q(reached_on__lt=F("business__binaan_since")) | Q(reached_on__gt=today)
    ).exists()
    stages = BusinessStage.objects.filter(stage__code="pendaftaran")
    assert not stages.exclude(reached_on=F("business__binaan_since")).exists()

    # Mentoring: one session a month per mentored business, with that month's omzet, in
    # every year, and businesses mentored in the same months a year apart (a year-on-year
    # change of the median means something).
    per_month = (
        Mentoring.objects.values("business", "date__year", "date__month")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not per_month.exists()
    assert not Mentoring.objects.filter(Q(monthly_omzet=None) | Q(date__gt=today)).exists()
    for year in range(FIRST_TARGET_YEAR, today.year + 1):
        this = set(Mentoring.objects.filter(date__year=year).values_list("business", flat=True))
        before = set(
            Mentoring.objects.filter(date__year=year - 1).values_list("business", flat=True)
        )
        assert len(this) > 100, year
        assert len(this & before) > 30, year

    # Certificates and bazaars follow (their own tests look at them closely).
    assert CertificateCase.objects.exists()
    assert Bazaar.objects.filter(start_date__year=today.year).count() >= 2


def test_seed_demo_small_run_builds_consistent_jakarta_barat_data():
    out = io.StringIO()
    call_command("seed_demo", businesses=200, seed=7, stdout=out)
    assert "Demo data ready" in out.getvalue()
    # Every table a seeder filled has statistics (ANALYZE sets pg_class.reltuples), not only
    # the register's: the planner must not take the certificate cases for an empty table.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples < 1",
            [["certifications_certificatecase", "certifications_casetransition",
              "bazaars_participation", "umkm_business"]],
        )  # fmt: skip
        assert cursor.fetchall() == []
    businesses = Business.objects.filter(kelurahan__kecamatan__city_id="31.73")
    assert businesses.count() >= 200
    register = Business.objects.exclude(name__startswith=("Kue", "Sambal"))  # see bazaars.demo
    assert register.count() >= 200
    businesses = Business.objects.select_related("kelurahan", "owner")[:200]
    owners = list(Owner.objects.all())
    assert len({o.nik_index for o in owners}) == len(owners)
    for owner in owners[:50]:
        nik = owner.nik
        assert clean_nik(nik) == nik
        assert nik_facts(nik).gender == owner.gender
        assert Owner.objects.with_nik(nik).get() == owner
        assert owner.phone.startswith("+628")
        assert owner.email == "" or owner.email.endswith("@example.com")
    today = timezone.localdate()
    for business in businesses:
        assert business.scale == scale_for(
            capital=business.capital, yearly_omzet=business.yearly_omzet
        )
        assert 2016 <= business.binaan_since.year <= today.year
        assert business.current_stage_id is not None
    # The current stage is one the business reached; every business was registered.
    reached = {}
    for business_id, stage_id in BusinessStage.objects.values_list("business_id", "stage_id"):
        reached.setdefault(business_id, set()).add(stage_id)
    assert all(b.current_stage_id in reached[b.pk] for b in businesses)
    assert BusinessStage.objects.filter(stage__code="pendaftaran").count() == (
        Business.objects.count()
    )
    # Enrolments: within capacity, passed only when attended, owner is the business's owner.
    full = Training.objects.annotate(n=Count("enrolments")).filter(n__gt=F("capacity"))
    assert not full.exists()
    assert not Enrolment.objects.filter(passed=True, attended=False).exists()
    assert not Enrolment.objects.exclude(owner=F("business__owner")).exists()
    assert Enrolment.objects.count() > 200
    assert Mentoring.objects.exists()
    assert Business.objects.filter(public_consent=True, public_consent_at__isnull=False).exists()
    assert (
        Business.objects.filter(status="naik_kelas").exists()
        or Business.objects.filter(status="nonaktif").exists()
    )
    # History: the business as registered ("+"), then one record per dated change.
    history = Business.history.filter(id__in=register.values("id"))
    assert history.filter(history_type="+").count() == register.count()
    changes = BusinessState.objects.filter(business__in=register).exclude(valid__startswith=None)
    assert history.filter(history_type="~").count() == changes.count() > 0
    # The owner's name copied by the database trigger for the admin search.
    assert not Business.objects.exclude(owner_name=F("owner__full_name")).exists()
    _check_states_match_the_register()


def test_seed_demo_is_repeatable_with_the_same_seed():
    def snapshot():
        return (
            list(Business.objects.order_by("id").values_list(
                "id", "name", "binaan_since", "status"
            )),
            list(BusinessState.objects.order_by("business_id", "valid").values_list(
                "valid", "status", "kelurahan_id", "reason"
            )),
            Mentoring.objects.count(),
        )  # fmt: skip

    with transaction.atomic():
        seed_register(businesses=150, seed=5, stdout=io.StringIO())
        first = snapshot()
        transaction.set_rollback(True)
    assert not Business.objects.exists()
    seed_register(businesses=150, seed=5, stdout=io.StringIO())
    assert snapshot() == first
    assert len(first[0]) == 150


def test_seed_demo_if_empty_completes_a_seed_that_stopped_after_the_register():
    seed_register(businesses=200, seed=3, stdout=io.StringIO())  # then it "stopped"
    names = list(Business.objects.order_by("id").values_list("name", flat=True))
    assert not CertificateCase.objects.exists() and not Bazaar.objects.exists()

    out = io.StringIO()
    call_command("seed_demo", businesses=200, seed=3, if_empty=True, stdout=out)
    assert "register already present" in out.getvalue()
    assert CertificateCase.objects.exists()
    today = timezone.localdate()
    assert Bazaar.objects.filter(start_date__gt=today).exists()
    held = Bazaar.objects.filter(start_date__lt=today)
    assert held.count() == 2 * (today.year - 2019) + (
        held.filter(start_date__year=today.year).count()
    )
    # The register's businesses stay; the bazaar seeder may add bazaar-ready ones after them.
    assert (
        names == list(Business.objects.order_by("id").values_list("name", flat=True))[: len(names)]
    )

    # A bazaar seed that stopped half-way: the missing bazaars come back, nothing doubles.
    Bazaar.objects.filter(start_date__year__gte=2024).delete()
    counts = (Business.objects.count(), CertificateCase.objects.count())
    call_command("seed_demo", businesses=200, seed=3, if_empty=True, stdout=io.StringIO())
    assert Bazaar.objects.filter(start_date__year=2024).count() == 2
    assert (Business.objects.count(), CertificateCase.objects.count()) == counts
    complete = Bazaar.objects.count()
    call_command("seed_demo", businesses=200, seed=3, if_empty=True, stdout=io.StringIO())
    assert Bazaar.objects.count() == complete


def _production_env() -> dict[str, str]:
    params = connection.get_connection_params()
    url = (
        f"postgres://{params.get('user', 'postgres')}@{params['host']}:{params['port']}"
        f"/{connection.settings_dict['NAME']}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "DATABASE_"))}
    env.update(
        DEBUG="0",
        SECRET_KEY="demo-seed-test-" + "k3y!" * 12,
        ALLOWED_HOSTS="umkm.example.go.id",
        NIK_ENCRYPTION_KEYS=",".join(settings.NIK_ENCRYPTION_KEYS),
        NIK_HMAC_KEY=settings.NIK_HMAC_KEY,
        DATABASE_URL=url,
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.mark.django_db(transaction=True)
def test_seed_demo_runs_with_production_settings_and_completes_after_a_kill():
    env = _production_env()
    command = [sys.executable, "manage.py", "seed_demo", "--businesses", "150", "--if-empty"]
    seeding = subprocess.Popen(  # noqa: S603  (this interpreter, fixed arguments)
        command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    for line in seeding.stdout:
        if line.startswith("Seeding certifications"):
            seeding.send_signal(signal.SIGKILL)  # stopped right after the register
            break
    seeding.wait(timeout=60)
    assert seeding.returncode == -signal.SIGKILL, seeding.stderr.read()
    assert Business.objects.count() == 150  # the register: whole, in one transaction

    result = subprocess.run(  # noqa: S603
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Demo data ready" in result.stdout
    assert "register already present" in result.stdout
    assert Business.objects.filter(kelurahan__kecamatan__city_id="31.73").count() >= 150
    assert CertificateCase.objects.exists()
    today = timezone.localdate()
    assert Bazaar.objects.filter(start_date__gt=today).exists()
    assert Attendance.objects.filter(day__date__lt=today).exists()
    assert Owner.objects.first().nik  # same keys: the NIKs written there read here


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
