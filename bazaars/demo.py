"""Bazaar demo for `make run` (settings.DEMO_SEEDERS, after the register's seeder).

Jakarta Barat's two bazaars of 2023 — April, and 25–26 September — with 30 participants each
taken from the demo businesses (spread over kuliner, fesyen, kerajinan tangan, parfum and other
sectors), their check-ins and daily sales; and an upcoming bazaar open for applications, dated
from today so that it stays upcoming. All writes go through bazaars.services.

When the register holds too few active businesses (the register demo not built yet), a small
set of bazaar-ready businesses is created first, so the pages are never empty.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from bazaars import eligibility, services
from bazaars.models import Bazaar, Participation, Venue
from config.actors import SYSTEM
from umkm.models import Business, BusinessStatus, Kelurahan, Sector

PARTICIPANTS = 30
SECTOR_MIX = ["kuliner"] * 12 + ["fesyen"] * 6 + ["kerajinan-tangan"] * 5 + ["parfum"] * 4
HISTORIC_REASON = "Peserta bazar 2023, dicatat dari arsip kegiatan"
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


def seed(*, businesses: int, seed: int, stdout) -> None:
    rnd = random.Random(seed)  # noqa: S311  (demo data, repeatable)
    if Bazaar.objects.filter(slug="bazar-umkm-jakarta-barat-september-2023").exists():
        stdout.write("  bazaars: demo already present")
        return
    with transaction.atomic():
        venues = [_venue(*v) for v in VENUES]
        pool = _pool(rnd, stdout)
        today = timezone.localdate()
        april = _bazaar(
            title="Bazar UMKM Ramadan Jakarta Barat April 2023",
            slug="bazar-umkm-jakarta-barat-april-2023",
            venue=venues[0],
            days=[datetime.date(2023, 4, 12), datetime.date(2023, 4, 13)],
            description=(
                "Bazar UMKM binaan menjelang Idulfitri: takjil, kue lebaran, busana muslim."
            ),
        )
        september = _bazaar(
            title="Bazar UMKM Jakarta Barat September 2023",
            slug="bazar-umkm-jakarta-barat-september-2023",
            venue=venues[1],
            days=[datetime.date(2023, 9, 25), datetime.date(2023, 9, 26)],
            description="Bazar UMKM binaan: kuliner, fesyen, kerajinan tangan dan parfum.",
        )
        first = today + datetime.timedelta(days=21)
        upcoming = _bazaar(
            title=f"Bazar UMKM Akhir Tahun Jakarta Barat {first.year}",
            slug=f"bazar-umkm-akhir-tahun-jakarta-barat-{first.year}",
            venue=venues[0],
            days=[first, first + datetime.timedelta(days=1)],
            description="Pendaftaran dibuka untuk UMKM binaan yang sudah lulus pelatihan.",
            applications_open=today - datetime.timedelta(days=7),
            applications_close=first - datetime.timedelta(days=7),
        )
        used: set[int] = set()
        for bazaar in (april, september):
            chosen = _choose(rnd, pool, used, PARTICIPANTS)
            used.update(b.pk for b in chosen[: PARTICIPANTS // 2])  # half return in September
            _fill_past(rnd, bazaar, chosen)
        applicants = [b for b in _choose(rnd, pool, set(), 12) if b.status == BusinessStatus.AKTIF]
        for business in applicants:
            services.participation_apply(actor=SYSTEM, bazaar=upcoming, business=business)
    stdout.write(
        f"  bazaars: 2 bazaars of 2023 with {PARTICIPANTS} participants each, "
        f"1 upcoming on {first:%d-%m-%Y} with {len(applicants)} applications"
    )


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


def _fill_past(rnd: random.Random, bazaar: Bazaar, businesses: list[Business]) -> None:
    """Accept them (historic override where the register lacks their training), then record
    check-ins and sales for each day."""
    eligible = set(
        eligibility.eligible_businesses(
            Business.objects.filter(pk__in=[b.pk for b in businesses])
        ).values_list("pk", flat=True)
    )
    ok = [b for b in businesses if b.pk in eligible]
    others = [b for b in businesses if b.pk not in eligible]
    if ok:
        services.participants_accept(actor=SYSTEM, bazaar=bazaar, businesses=ok)
    if others:
        services.participants_accept(
            actor=SYSTEM, bazaar=bazaar, businesses=others, override_reason=HISTORIC_REASON
        )
    decided = timezone.make_aware(
        datetime.datetime.combine(
            bazaar.start_date - datetime.timedelta(days=14), datetime.time(10)
        )
    )
    Participation.objects.filter(bazaar=bazaar).update(decided_at=decided, applied_at=decided)
    days = list(bazaar.days.all())
    for p in bazaar.participations.accepted().select_related("business__sector"):
        food = p.business.sector.is_food
        for day in days:
            if rnd.random() < 0.06:  # a few do not come on a day
                continue
            services.attendance_set(actor=SYSTEM, participation=p, day=day)
            transactions = rnd.randint(15, 90) if food else rnd.randint(4, 30)
            price = (
                rnd.choice([15_000, 20_000, 25_000, 35_000])
                if food
                else rnd.choice([45_000, 75_000, 120_000, 150_000])
            )
            services.daily_sales_record(
                actor=SYSTEM,
                participation=p,
                day=day,
                omzet=transactions * price,
                transactions=transactions,
            )


def _create_businesses(rnd: random.Random, count: int) -> None:
    from umkm.models import Enrolment, Training
    from umkm.services import business_create, owner_create

    training, _ = Training.objects.get_or_create(
        title="Pelatihan Persiapan Bazar UMKM",
        defaults={
            "topic": "Penataan booth, harga dan pencatatan penjualan",
            "organiser": "Sudin PPKUKM Jakarta Barat",
            "start_date": datetime.date(2023, 2, 6),
            "end_date": datetime.date(2023, 2, 8),
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
            binaan_since=datetime.date(2022, rnd.randint(1, 12), 1),
            products=product,
            public_consent=rnd.random() < 0.85,
        ).obj
        Enrolment.objects.create(
            training=training, business=business, owner=owner, attended=True, passed=True
        )
