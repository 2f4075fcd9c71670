"""Bazaar demo for `make run` (settings.DEMO_SEEDERS, after the register's and the certificates'
seeders).

Jakarta Barat holds two bazaars a year — in April and in late September (25-26 September 2023)
— from 2019 through this year, with 30 participants each taken from the demo businesses that
qualified on the bazaar's first day: aktif then, registered at least a month before, a passed
training that ended before it, and for food sellers a PIRT or halal case under way by then.
The sector mix follows the office's (kuliner, fesyen, kerajinan tangan, parfum and others) and
most sellers are new each time. Check-ins and daily sales exist only for days that have passed;
a bazaar still to come is open for applications, and when none of the year's is still to come,
a year-end bazaar three weeks from today is.

The bazaars themselves, their days and booths are made by bazaars.services (bazaar_create);
the historic participations, check-ins and sales (hundreds per bazaar) are bulk-written with
the rules the services hold (accepted before the day, one booth each, check-in and sales only
on a past day of that bazaar, omzet and transactions together, history rows), so that the
whole demo stays a few seconds. Each bazaar is written in its own transaction: a seed that
stopped half-way is completed by the next run, which skips the bazaars already there.

When the register holds too few active businesses (the register demo not built yet), a small
set of bazaar-ready businesses is created first, so the pages are never empty.
"""

import datetime
import random

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from bazaars import services
from bazaars.cache import bump_public_version
from bazaars.models import (
    Attendance,
    Bazaar,
    DailySales,
    Participation,
    ParticipationStatus,
    Venue,
)
from config.actors import SYSTEM
from umkm.models import Business, BusinessState, BusinessStatus, Enrolment, Kelurahan, Sector

PARTICIPANTS = 30
FIRST_YEAR = 2019
MONTHS = {"april": "April", "september": "September"}
SECTOR_MIX = ["kuliner"] * 12 + ["fesyen"] * 6 + ["kerajinan-tangan"] * 5 + ["parfum"] * 4
HISTORIC_REASON = "Peserta bazar, dicatat dari arsip kegiatan"
ORGANISER = "Suku Dinas PPAPP Jakarta Barat bersama Sudin PPKUKM"

VENUES = [
    # name, address, kelurahan, latitude, longitude
    (
        "Kantor Walikota Jakarta Barat",
        "Jl. Raya Kembangan No. 2, Kembangan Selatan",
        "31.73.08.1006",
        "-6.186900",
        "106.736500",
    ),
    (
        "Taman Cattleya",
        "Jl. Letjen S. Parman, Kemanggisan",
        "31.73.07.1001",
        "-6.185300",
        "106.797300",
    ),
]

PRODUCTS = {
    "kuliner": ["Kue kering dan bolu", "Sambal dan keripik", "Minuman rempah", "Nasi uduk"],
    "fesyen": ["Batik tulis Betawi", "Kerudung dan gamis", "Kaos sablon"],
    "kerajinan-tangan": ["Tas anyaman", "Ondel-ondel mini", "Sulam pita"],
    "parfum": ["Parfum isi ulang", "Minyak wangi aroma melati"],
}


def _schedule(today: datetime.date) -> list[tuple]:
    """(slug, title, venue index, days, description) of each year's April and September
    bazaar from FIRST_YEAR to this year: the second Wednesday of April and the day after,
    the last Monday of September and the day after."""
    plans = []
    for year in range(FIRST_YEAR, today.year + 1):
        april = datetime.date(year, 4, 8)
        april += datetime.timedelta(days=(2 - april.weekday()) % 7)
        september = datetime.date(year, 9, 30)
        september -= datetime.timedelta(days=september.weekday())
        for month, first, venue, description in (
            ("april", april, 0, "Bazar UMKM binaan: takjil, kue kering, busana muslim."),
            ("september", september, 1, "Bazar UMKM binaan: kuliner, fesyen, kerajinan tangan "
             "dan parfum."),
        ):  # fmt: skip
            plans.append(
                (
                    f"bazar-umkm-jakarta-barat-{month}-{year}",
                    f"Bazar UMKM Jakarta Barat {MONTHS[month]} {year}",
                    venue,
                    [first, first + datetime.timedelta(days=1)],
                    description,
                )
            )
    return plans


def seed(*, businesses: int, seed: int, stdout, if_empty: bool = False) -> None:
    rnd = random.Random(seed)  # noqa: S311  (demo data, repeatable)
    today = timezone.localdate()
    with transaction.atomic():
        venues = [_venue(*v) for v in VENUES]
        pool = _pool(rnd, stdout)
    made, kept, previous = [], 0, set()
    qualified = _Qualified()
    for slug, title, venue, days, description in _schedule(today):
        existing = Bazaar.objects.filter(slug=slug).first()
        if existing:
            kept += 1
            previous = set(existing.participations.values_list("business_id", flat=True))
            continue
        with transaction.atomic():
            opens = min(today - datetime.timedelta(days=7), days[0] - datetime.timedelta(days=45))
            bazaar = _bazaar(
                title=title, slug=slug, venue=venues[venue], days=days, description=description,
                applications_open=opens,
                applications_close=max(opens, days[0] - datetime.timedelta(days=7)),
            )  # fmt: skip
            if days[0] < today:
                previous = _fill_past(rnd, bazaar, qualified, avoid=previous, today=today)
            else:
                _applications(rnd, bazaar, pool, today)
            transaction.on_commit(bump_public_version)
        made.append(bazaar)
    upcoming = Bazaar.objects.public().filter(start_date__gt=today)
    if not upcoming.exists():
        first = today + datetime.timedelta(days=21)
        with transaction.atomic():
            bazaar = _bazaar(
                title=f"Bazar UMKM Akhir Tahun Jakarta Barat {first.year}",
                slug=f"bazar-umkm-akhir-tahun-jakarta-barat-{first:%Y-%m}",
                venue=venues[0],
                days=[first, first + datetime.timedelta(days=1)],
                description="Pendaftaran dibuka untuk UMKM binaan yang sudah lulus pelatihan.",
                applications_open=today - datetime.timedelta(days=7),
                applications_close=first - datetime.timedelta(days=7),
            )
            _applications(rnd, bazaar, pool, today)
        made.append(bazaar)
    past = sum(1 for b in made if b.start_date < today)
    stdout.write(
        f"  bazaars: {len(made)} made ({past} held, with {PARTICIPANTS} participants each), "
        f"{kept} already present; next on "
        f"{upcoming.order_by('start_date').first().start_date:%d-%m-%Y}"
    )


def _applications(rnd, bazaar: Bazaar, pool, today: datetime.date) -> None:
    """Applications through the service while the bazaar is open for them."""
    if not (bazaar.applications_open <= today <= bazaar.applications_close):
        return
    for business in _choose(rnd, pool, set(), 12):
        if business.status == BusinessStatus.AKTIF:
            services.participation_apply(actor=SYSTEM, bazaar=bazaar, business=business)


class _Qualified:
    """Which of the city's businesses could take part on a day, as the register was then:
    aktif that day, registered a month before, a passed training that ended before it, and
    for food a PIRT or halal case under way. Read once (four queries), asked per bazaar."""

    def __init__(self):
        city = Business.objects.filter(kelurahan__kecamatan__city_id=settings.OFFICE_CITY_CODE)
        self.businesses = list(city.select_related("sector").order_by("id"))
        ids = city.values("id")
        self.active = {}
        for business_id, valid in BusinessState.objects.filter(
            business__in=ids, status=BusinessStatus.AKTIF
        ).values_list("business_id", "valid"):
            self.active.setdefault(business_id, []).append(valid)
        self.trained = dict(
            Enrolment.objects.filter(business__in=ids, passed=True)
            .values("business")
            .annotate(first=Min("training__end_date"))
            .values_list("business", "first")
        )
        self.food_case = {}
        if apps.is_installed("certifications"):  # this app works without it (see eligibility)
            from certifications.models import CaseTransition

            self.food_case = dict(
                CaseTransition.objects.filter(
                    case__business__in=ids,
                    case__type__code__in=["pirt", "halal"],
                    to_status__in=["referred", "submitted", "issued"],
                )
                .values("case__business")
                .annotate(first=Min("at"))
                .values_list("case__business", "first")
            )

    def active_on(self, day: datetime.date) -> list[Business]:
        """In the programme for a month and aktif on `day`."""
        month_before = day - datetime.timedelta(days=30)
        return [
            b
            for b in self.businesses
            if b.binaan_since <= month_before
            and any(day in valid for valid in self.active.get(b.pk, ()))
        ]

    def on(self, day: datetime.date) -> list[Business]:
        return [
            b
            for b in self.active_on(day)
            if self.trained.get(b.pk, day) < day
            and (
                not b.sector.is_food
                or timezone.localdate(self.food_case.get(b.pk, _at(day, 23))) < day
            )
        ]


def _fill_past(
    rnd: random.Random, bazaar: Bazaar, qualified: _Qualified, *, avoid: set[int], today
) -> set[int]:
    """Participants who qualified on the first day, accepted two weeks before it, checked
    in and selling on each day that has passed (a few miss a day). Returns their ids."""
    first = bazaar.start_date
    candidates = qualified.on(first)
    override: set[int] = set()
    if len(candidates) < 2 * PARTICIPANTS:  # a small register: the archive's word for others
        known = {b.pk for b in candidates}
        extra = [b for b in qualified.active_on(first) if b.pk not in known]
        override = {b.pk for b in extra}
        candidates += extra
    pool: dict[str, list[Business]] = {}
    for business in candidates:
        pool.setdefault(business.sector.code, []).append(business)
    for businesses in pool.values():
        rnd.shuffle(businesses)
    # Most sellers are new; a few return from the last bazaar.
    chosen = _choose(rnd, pool, avoid, PARTICIPANTS)
    returning = [b for b in _choose(rnd, pool, set(), PARTICIPANTS) if b.pk in avoid]
    chosen = chosen[: PARTICIPANTS - min(5, len(returning))] + returning[:5]
    booths = list(bazaar.booths.order_by("code"))
    applied = _at(first - datetime.timedelta(days=rnd.randint(21, 35)), 10)
    decided = _at(first - datetime.timedelta(days=14), 10)
    participations = [
        Participation(
            bazaar=bazaar,
            business=business,
            status=ParticipationStatus.ACCEPTED,
            booth=booth,
            applied_at=applied,
            decided_at=decided,
            eligibility_override=business.pk in override,
            override_reason=HISTORIC_REASON if business.pk in override else "",
        )
        for business, booth in zip(chosen, booths, strict=False)
    ]
    participations = bulk_create_with_history(
        participations, Participation, default_change_reason="accepted"
    )
    attendances, sales = [], []
    for day in bazaar.days.filter(date__lt=today).order_by("date"):
        for p in participations:
            if rnd.random() < 0.06:  # a few do not come on a day
                continue
            attendances.append(
                Attendance(
                    participation=p,
                    day=day,
                    checked_in_at=_at(day.date, 8) + datetime.timedelta(minutes=rnd.randint(0, 90)),
                )
            )
            food = p.business.sector.is_food
            transactions = rnd.randint(15, 90) if food else rnd.randint(4, 30)
            price = (
                rnd.choice([15_000, 20_000, 25_000, 35_000])
                if food
                else rnd.choice([45_000, 75_000, 120_000, 150_000])
            )
            sales.append(
                DailySales(
                    participation=p, day=day, omzet=transactions * price, transactions=transactions
                )
            )
    Attendance.objects.bulk_create(attendances)
    bulk_create_with_history(sales, DailySales, default_change_reason="recorded")
    for day in bazaar.days.filter(date__lt=today):  # recorded that evening, not today
        DailySales.objects.filter(day=day).update(recorded_at=_at(day.date, 21))
    return {p.business_id for p in participations}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _venue(name, address, kelurahan, lat, lon) -> Venue:
    venue, _ = Venue.objects.get_or_create(
        name=name,
        defaults={
            "address": address,
            "kelurahan_id": kelurahan,
            "latitude": lat,
            "longitude": lon,
        },
    )
    return venue


def _bazaar(*, title, slug, venue, days, description, **kwargs) -> Bazaar:
    return services.bazaar_create(
        actor=SYSTEM,
        title=title,
        slug=slug,
        venue=venue,
        organiser=ORGANISER,
        booth_count=PARTICIPANTS,
        days=[(d, datetime.time(9), datetime.time(21)) for d in days],
        description=description,
        publish=True,
        **kwargs,
    )


def _pool(rnd: random.Random, stdout) -> dict[str, list[Business]]:
    """Active businesses of the office's city by sector, enough for the demo."""
    qs = Business.objects.active().select_related("sector", "kelurahan")
    if qs.count() < 3 * PARTICIPANTS:
        stdout.write("  bazaars: few businesses in the register, adding bazaar-ready ones")
        _create_businesses(rnd, 3 * PARTICIPANTS - qs.count())
    pool: dict[str, list[Business]] = {}
    for business in qs.order_by("id")[:5000]:
        pool.setdefault(business.sector.code, []).append(business)
    for businesses in pool.values():
        rnd.shuffle(businesses)
    return pool


def _choose(rnd, pool, avoid: set[int], n: int) -> list[Business]:
    """n businesses following the sector mix (other sectors fill what a sector lacks)."""
    chosen: list[Business] = []
    taken = set(avoid)
    wanted = [*SECTOR_MIX, *(["lainnya"] * (n - len(SECTOR_MIX)))][:n]
    for code in wanted:
        candidates = [b for b in pool.get(code, []) if b.pk not in taken]
        if not candidates:
            candidates = [b for bs in pool.values() for b in bs if b.pk not in taken]
        if not candidates:
            break
        business = candidates[0]
        taken.add(business.pk)
        chosen.append(business)
    return chosen


def _create_businesses(rnd: random.Random, count: int) -> None:
    from umkm.models import Enrolment, Training
    from umkm.services import business_create, owner_create

    training, _ = Training.objects.get_or_create(
        title="Pelatihan Persiapan Bazar UMKM",
        defaults={
            "topic": "Penataan booth, harga dan pencatatan penjualan",
            "organiser": "Sudin PPKUKM Jakarta Barat",
            "start_date": datetime.date(2018, 2, 6),
            "end_date": datetime.date(2018, 2, 8),
            "place": "Kantor Walikota Jakarta Barat",
            "capacity": max(count, 1),
        },
    )
    kelurahan = list(Kelurahan.objects.filter(kecamatan__city_id="31.73"))
    sectors = {s.code: s for s in Sector.objects.all()}
    first_names = ["Siti", "Dewi", "Rina", "Ani", "Yuli", "Budi", "Agus", "Slamet", "Wati", "Nur"]
    last_names = ["Rahmawati", "Lestari", "Santoso", "Hidayat", "Pratiwi", "Saputra", "Wijaya"]
    mix = [*SECTOR_MIX, "lainnya", "jasa"]
    start = Business.objects.count()
    for n in range(count):
        area = rnd.choice(kelurahan)
        female = rnd.random() < 0.7
        birth = datetime.date(rnd.randint(1965, 2000), rnd.randint(1, 12), rnd.randint(1, 28))
        serial = 9000 + (start + n) % 999
        nik = (
            f"{area.kecamatan_id.replace('.', '')}"
            f"{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}"
            f"{serial:04d}"
        )
        owner = owner_create(
            actor=SYSTEM,
            full_name=f"{rnd.choice(first_names)} {rnd.choice(last_names)}",
            nik=nik,
            gender="P" if female else "L",
            kelurahan=area,
            birth_date=birth,
        ).obj
        code = mix[n % len(mix)]
        product = rnd.choice(PRODUCTS.get(code, ["Aneka produk rumahan"]))
        business = business_create(
            actor=SYSTEM,
            name=f"{product} {'Bu' if female else 'Pak'} {owner.full_name.split()[0]}",
            owner=owner,
            sector=sectors[code],
            kelurahan=area,
            binaan_since=datetime.date(2017, rnd.randint(1, 12), 1),
            products=product,
            public_consent=rnd.random() < 0.85,
        ).obj
        Enrolment.objects.create(
            training=training, business=business, owner=owner, attended=True, passed=True
        )
