"""The bazaar demo seeder, on whatever businesses the register holds."""

import datetime
import io

import pytest
from django.conf import settings
from django.utils import timezone

from bazaars import demo
from bazaars.models import Attendance, Bazaar, DailySales, ParticipationStatus
from certifications import demo as certifications_demo
from tests.bazaars.factories import eligible_business
from umkm.demo import seed_register
from umkm.models import BusinessState

pytestmark = pytest.mark.django_db


def test_demo_seeder_runs_after_the_register_seeder():
    seeders = settings.DEMO_SEEDERS
    assert seeders.index("bazaars.demo.seed") > seeders.index("umkm.demo.seed_register")
    assert seeders.index("bazaars.demo.seed") > seeders.index("certifications.demo.seed")


def test_demo_builds_two_bazaars_a_year_and_an_upcoming_one(client):
    from_register = [eligible_business(name=f"Usaha Register {n}") for n in range(10)]
    out = io.StringIO()
    demo.seed(businesses=3000, seed=2023, stdout=out)
    today = timezone.localdate()
    april = Bazaar.objects.get(slug="bazar-umkm-jakarta-barat-april-2023")
    september = Bazaar.objects.get(slug="bazar-umkm-jakarta-barat-september-2023")
    assert (september.start_date.isoformat(), september.end_date.isoformat()) == (
        "2023-09-25",
        "2023-09-26",
    )
    assert april.start_date.month == 4
    for year in range(2019, today.year + 1):
        of_year = Bazaar.objects.public().filter(start_date__year=year, slug__contains="-20")
        months = sorted(b.start_date.month for b in of_year if "akhir-tahun" not in b.slug)
        assert months == [4, 9], year
        for bazaar in of_year.filter(start_date__lt=today):  # held: a past bazaar each year
            participations = bazaar.participations.accepted()
            assert participations.count() == 30
            sectors = set(participations.values_list("business__sector__code", flat=True))
            assert {"kuliner", "fesyen", "kerajinan-tangan", "parfum"} <= sectors
            assert Attendance.objects.filter(participation__bazaar=bazaar).count() > 45
            assert DailySales.objects.filter(participation__bazaar=bazaar, omzet__gt=0).count() > 45
    used = set(
        Bazaar.objects.filter(pk__in=[april.pk, september.pk]).values_list(
            "participations__business_id", flat=True
        )
    )
    assert used & {b.pk for b in from_register}  # the register's businesses are used
    upcoming = Bazaar.objects.public().filter(start_date__gt=today).order_by("start_date")
    assert upcoming.count() == 1 or today.month < 9
    assert upcoming[0].is_open_for_applications
    assert upcoming[0].participations.filter(status=ParticipationStatus.APPLIED).exists()
    assert not Attendance.objects.filter(day__bazaar__in=upcoming).exists()
    assert client.get(f"/bazar/{september.slug}/").status_code == 200
    count = Bazaar.objects.count()
    demo.seed(businesses=3000, seed=2023, stdout=out)  # a second run adds nothing
    assert Bazaar.objects.count() == count


def test_demo_sells_only_on_days_that_have_passed_and_to_sellers_of_that_day():
    seed_register(businesses=400, seed=11, stdout=io.StringIO())
    certifications_demo.seed(businesses=400, seed=11, stdout=io.StringIO())
    demo.seed(businesses=400, seed=11, stdout=io.StringIO())
    today = timezone.localdate()
    assert Attendance.objects.exists()
    assert not Attendance.objects.filter(day__date__gte=today).exists()
    assert not DailySales.objects.filter(day__date__gte=today).exists()
    for a in Attendance.objects.select_related("day", "participation")[:300]:
        assert timezone.localdate(a.checked_in_at) == a.day.date
        assert a.participation.status == ParticipationStatus.ACCEPTED
    for sales in DailySales.objects.select_related("day")[:300]:
        assert timezone.localdate(sales.recorded_at) == sales.day.date
        assert Attendance.objects.filter(participation=sales.participation, day=sales.day).exists()
    # Each seller was in the programme, and aktif, on the bazaar's first day.
    for bazaar in Bazaar.objects.filter(start_date__lt=today):
        for p in bazaar.participations.accepted().select_related("business"):
            assert p.business.binaan_since <= bazaar.start_date - datetime.timedelta(days=30)
            state = BusinessState.objects.on(bazaar.start_date).get(business=p.business)
            assert state.status == "aktif"
            assert p.decided_at.date() < bazaar.start_date
