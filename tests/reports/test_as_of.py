"""The register's figures as of a reference day, against a small past built here and figures
counted BY HAND below (never through reports.selectors): a period in the past where today's
register differs from that period's, its first and last days, a business that moved
kecamatan, and a period that ends after today.

The past of Kecamatan Grogol Petamburan (31.73.02), by business (changes in date order):
  A  binaan 2022-03-01, active; moved to Cengkareng (31.73.01) on 2024-02-01.
     Owner male, born 1998-12-31 (turns 25 on 2023-12-31). Stage 1 on 2022-03-01, 3 on 2024-05-01.
  B  binaan 2022-05-01, active; naik kelas on 2023-01-01 (the period's first day).
     Owner female, born 1990-05-05. Stage 2 reached on 2023-12-31 (the period's last day).
  C  binaan 2021-01-01, active; non-active on 2023-12-31 (last day); active again 2025-06-01.
     Owner male, born 1968-06-01.
  D  binaan 2022-01-01, active, mikro; naik kelas and capital 6 bn on 2024-01-01 (the day after).
     Owner female, no birth date.
  E  binaan 2023-12-31 (last day), active. Owner female, born 1999-01-01 (24 on 2023-12-31).
  F  binaan 2024-01-01, active. Owner male, born 1985-07-01.
  G  binaan 2022-02-01, active; naik kelas 2023-06-01; non-active 2023-09-01.
     Owner male, born 1975-01-01.
"""

import datetime

import pytest

from reports.selectors import Period, build_report, city_scope, kecamatan_scope, report_snapshot
from tests.factories import (
    BusinessFactory,
    EnrolmentFactory,
    MentoringFactory,
    OwnerFactory,
    TrainingFactory,
    UserFactory,
    admin_sudin,
    kelurahan,
    sector,
)
from tests.reports.conftest import figures
from tests.reports.factories import CENGKARENG, GROGOL
from umkm.models import BusinessStage, Kecamatan, Stage
from umkm.services import business_update

D = datetime.date
pytestmark = pytest.mark.django_db
GROGOL_KEL, CENGKARENG_KEL = "31.73.02.1002", "31.73.01.1001"


@pytest.fixture
def past(db):
    staff = admin_sudin(username="staf-riwayat")
    stages = {s.order: s for s in Stage.objects.all()}
    kuliner = sector("kuliner")

    def business(name, since, gender, born, capital=50_000_000):
        owner = OwnerFactory(gender=gender, birth_date=born, kelurahan=kelurahan(GROGOL_KEL))
        return BusinessFactory(
            name=name,
            owner=owner,
            kelurahan=kelurahan(GROGOL_KEL),
            sector=kuliner,
            binaan_since=since,
            status="aktif",
            capital=capital,
        )

    def change(biz, on, **changes):
        biz.refresh_from_db()
        business_update(actor=staff, business=biz, effective_on=on, reason="riwayat", **changes)

    b = {
        "A": business("Usaha A", D(2022, 3, 1), "L", D(1998, 12, 31)),
        "B": business("Usaha B", D(2022, 5, 1), "P", D(1990, 5, 5)),
        "C": business("Usaha C", D(2021, 1, 1), "L", D(1968, 6, 1)),
        "D": business("Usaha D", D(2022, 1, 1), "P", None),
        "E": business("Usaha E", D(2023, 12, 31), "P", D(1999, 1, 1)),
        "F": business("Usaha F", D(2024, 1, 1), "L", D(1985, 7, 1)),
        "G": business("Usaha G", D(2022, 2, 1), "L", D(1975, 1, 1)),
    }
    change(b["A"], D(2024, 2, 1), kelurahan=kelurahan(CENGKARENG_KEL))
    change(b["B"], D(2023, 1, 1), status="naik_kelas")
    change(b["C"], D(2023, 12, 31), status="nonaktif")
    change(b["C"], D(2025, 6, 1), status="aktif")
    change(b["D"], D(2024, 1, 1), status="naik_kelas", capital=6_000_000_000)
    change(b["G"], D(2023, 6, 1), status="naik_kelas")
    change(b["G"], D(2023, 9, 1), status="nonaktif")
    for key, order, day in (
        ("A", 1, D(2022, 3, 1)),
        ("A", 3, D(2024, 5, 1)),
        ("B", 2, D(2023, 12, 31)),
    ):
        BusinessStage.objects.create(business=b[key], stage=stages[order], reached_on=day)

    grogol = Kecamatan.objects.get(code=GROGOL)
    t1 = TrainingFactory(kecamatan=grogol, start_date=D(2023, 3, 6), end_date=D(2023, 3, 7))
    t2 = TrainingFactory(kecamatan=None, start_date=D(2023, 8, 1), end_date=D(2023, 8, 1))
    for training, key, passed in (
        (t1, "A", True),
        (t1, "B", False),
        (t2, "A", False),
        (t2, "C", True),
    ):
        EnrolmentFactory(training=training, business=b[key], passed=passed)

    mentor = UserFactory(username="mentor-riwayat")
    for key, day, omzet in (
        ("A", D(2022, 6, 10), 5_000_000),
        ("D", D(2022, 7, 10), 3_000_000),
        ("D", D(2022, 8, 10), None),
        ("A", D(2023, 3, 10), 10_000_000),
        ("A", D(2023, 4, 10), 20_000_000),
        ("B", D(2023, 5, 10), 4_000_000),
        ("C", D(2023, 12, 31), 8_000_000),
        ("C", D(2024, 1, 1), 100_000_000),
    ):
        MentoringFactory(business=b[key], date=day, monthly_omzet=omzet, mentor=mentor)
    for biz in b.values():
        biz.refresh_from_db()
    return b


def report(code, start, end):
    scope = city_scope() if code == "31.73" else kecamatan_scope(code)
    with report_snapshot():
        return build_report(scope, Period(start, end))


def counts(rows):
    return {r.key: (r.active, r.new) for r in rows if r.active or r.new}


def test_today_differs_from_2023(past):
    # Today A is in Cengkareng, C is active again and D has moved up: the 2023 report must
    # not show any of that.
    assert past["A"].kelurahan_id == CENGKARENG_KEL
    assert (past["C"].status, past["D"].status) == ("aktif", "naik_kelas")


def test_grogol_2023_as_of_its_last_day(past):
    r = report(GROGOL, D(2023, 1, 1), D(2023, 12, 31))
    t = r.total
    assert r.on == D(2023, 12, 31)
    # Active on 2023-12-31 in Grogol: A (moved only in 2024), D (moved up only 2024-01-01),
    # E (binaan on the last day). Not B (naik kelas), C (non-active from the last day), G.
    assert t.active == 3
    assert t.new == 1  # E, binaan on the period's last day; F (2024-01-01) is not
    assert t.naik_kelas == 2  # B on the first day, G on 1 June; not D (the day after)
    assert t.target == 18
    area = {a.code: a for a in r.areas}
    assert (area[GROGOL_KEL].active, area[GROGOL_KEL].new) == (3, 1)
    # Stage on the day: A stage 1 (stage 3 came in 2024); D and E none; B's stage 2 of the
    # last day counts, but B is not active.
    stage_codes = {s.order: s.code for s in Stage.objects.all()}
    assert counts(r.stages) == {stage_codes[1]: (1, 0), "none": (2, 1)}
    # Scale of the day: D was still mikro (its capital grew on 2024-01-01).
    assert counts(r.scales) == {"mikro": (3, 1)}
    # Owners of A (male), D and E (female); E is also new. Ages on 2023-12-31: A 25 (that
    # very day), E 24, D unknown.
    assert counts(r.genders) == {"L": (1, 0), "P": (2, 1)}
    assert counts(r.ages) == {"25_34": (1, 0), "u25": (1, 1), "unknown": (1, 0)}
    # Trainings of 2023: people A, B, C (3), businesses 3, enrolments 4, passed A and C.
    assert (t.trainees, t.trainee_businesses, t.enrolments, t.passed) == (3, 3, 4, 2)
    # Mentoring to 2023-12-31: A twice, B, C (its 2024-01-01 session is outside): 4 sessions,
    # 3 businesses; averages A 15 M, B 4 M, C 8 M: median 8 M. A year earlier: A 5 M, D 3 M
    # (D's session without a figure is left out): median 4 M; change +100 %.
    assert (t.sessions, t.mentored) == (4, 3)
    assert (t.omzet, t.omzet_before, t.omzet_change) == (8_000_000, 4_000_000, 100.0)
    months = {m.month: (m.sessions, m.mentored, m.omzet) for m in r.months if m.sessions}
    assert months == {
        D(2023, 3, 1): (1, 1, 10_000_000),
        D(2023, 4, 1): (1, 1, 20_000_000),
        D(2023, 5, 1): (1, 1, 4_000_000),
        D(2023, 12, 1): (1, 1, 8_000_000),
    }


def test_a_business_that_moved_counts_where_it_was(past):
    cengkareng_2023 = report(CENGKARENG, D(2023, 1, 1), D(2023, 12, 31))
    assert (cengkareng_2023.total.active, cengkareng_2023.total.sessions) == (0, 0)
    cengkareng_2024 = report(CENGKARENG, D(2024, 1, 1), D(2024, 12, 31))
    assert cengkareng_2024.total.active == 1  # A, from 2024-02-01
    city_2023 = {a.code: a.active for a in report("31.73", D(2023, 1, 1), D(2023, 12, 31)).areas}
    assert (city_2023[GROGOL], city_2023[CENGKARENG]) == (3, 0)


def test_grogol_2024(past):
    t = report(GROGOL, D(2024, 1, 1), D(2024, 12, 31)).total
    # On 2024-12-31: E and F active (C non-active until 2025, D moved up, A in Cengkareng).
    assert (t.active, t.new, t.naik_kelas) == (2, 1, 1)  # new F; moved up D on 2024-01-01


def test_first_half_of_2023(past):
    r = report(GROGOL, D(2023, 1, 1), D(2023, 6, 30))
    # On 2023-06-30: A, C, D active (G moved up on 1 June); B and G moved up in the half.
    assert (r.total.active, r.total.new, r.total.naik_kelas) == (3, 0, 2)
    assert r.total.target == 9  # 18 x 181/365 = 8.93, pro-rated by days
    # Sessions to 30 June: A twice (average 15 M), B (4 M): median 9.5 M; a year earlier (to
    # 2022-06-30): A's 5 M alone.
    assert (r.total.sessions, r.total.omzet, r.total.omzet_before) == (3, 9_500_000, 5_000_000)


def test_a_period_that_ends_after_today_is_counted_today(past):
    today = datetime.date.today()
    r = report(GROGOL, D(today.year, 1, 1), D(today.year, 12, 31))
    assert r.on == today
    # Today: C (again), E, F active; A counts in Cengkareng now.
    assert r.total.active == 3
    assert report(CENGKARENG, D(today.year, 1, 1), D(today.year, 12, 31)).total.active == 1


def test_trend_and_ranking(past):
    r = report(GROGOL, D(2023, 1, 1), D(2024, 12, 31))
    assert [(y.year, y.on, y.active, y.new, y.naik_kelas, y.target) for y in r.trend] == [
        (2023, D(2023, 12, 31), 3, 1, 2, 18),
        (2024, D(2024, 12, 31), 2, 1, 1, 18),
    ]
    city = report("31.73", D(2023, 1, 1), D(2023, 12, 31))
    assert city.ranking[0].code == GROGOL and city.ranking[0].target_pct == round(100 / 18, 1)
    assert not report(GROGOL, D(2023, 1, 1), D(2023, 12, 31)).trend  # one year: no trend


def test_a_change_by_staff_shows_in_the_next_request(past, client):
    from tests.factories import pejabat

    client.force_login(pejabat(username="pejabat-riwayat"))
    url = f"/laporan/kecamatan/{GROGOL}/?tahun=2023"
    assert figures(client.get(url).content.decode())["kartu.active"] == "3"
    # Staff record that E closed on the period's last day (a past day: allowed).
    business_update(
        actor=admin_sudin(username="staf-kedua"),
        business=past["E"],
        status="nonaktif",
        effective_on=D(2023, 12, 31),
        reason="tutup",
    )
    shown = figures(client.get(url).content.decode())
    assert shown["kartu.active"] == "2"
    assert shown["wilayah.31.73.02.1002.active"] == "2"


def test_a_stage_reached_on_the_reference_day_counts_in_the_kecamatan_and_the_city(past):
    """A kecamatan looks each business's stage up, the city groups every stage row
    (reports.asof.stage_on_join_sql): both count a stage reached on the reference day itself
    and neither one reached the day after (A's stage 3 of 2024)."""
    stage_1 = Stage.objects.get(order=1)
    BusinessStage.objects.create(business=past["E"], stage=stage_1, reached_on=D(2023, 12, 31))
    for code in (GROGOL, "31.73"):
        r = report(code, D(2023, 1, 1), D(2023, 12, 31))
        # Stage 1 on the day: A (active) and E (active, new, reached it that very day).
        assert counts(r.stages)[stage_1.code] == (2, 1), code
