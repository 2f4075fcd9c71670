"""Demo data: the Jakarta Barat register that `make run` loads, and DKI-scale data for benchmarks.

`seed_register` writes with COPY (psycopg 3) in one transaction instead of calling the services
row by row: 370,000 businesses with their owners, 7P stages, ~1,000,000 enrolments and mentoring
take minutes this way, hours through the ORM. It keeps every rule the services and the database
hold (valid unique NIKs encrypted with their blind index, normalised phones, unique NIB and slug,
scale per PP 7/2021, passed only when attended, capacity per training, stage dates in order).

Up to DISTRICT_SCALE_LIMIT businesses the data covers the office's city (Jakarta Barat, 8
kecamatan / 56 kelurahan) and looks like the office's own: cohorts from 2019 to the current year
of 16-24 new businesses per kecamatan and year (the target is 18; the current year only up to
today, pro rata), and the rest of the register taken on in 2016-2018, before the yearly targets.
Above it, all of DKI Jakarta (6 cities / 44 kecamatan / 267 kelurahan), cohorts spread evenly
over 2019 to today, without history rows (benchmark data).

The register remembers (umkm.models.states): every business gets a timeline after it was
registered (aktif, no consent, its first kelurahan and capital) — consent given or withdrawn,
moves to another kelurahan or kecamatan, nonaktif (and sometimes active again), naik kelas with
its new capital — at most one change a day, each with its reason, none after today. Status
changes and moves happen only after a business's first year, so a cohort's count per kecamatan
on 31 December of its year is the planned one. The business row is COPYed with its values of
today; the one open state the table's trigger gives each new row is replaced by the whole dated
series, written the way the trigger writes it (first range from -infinity, contiguous, the last
one open), and one history record per change dated on its day. Applying the changes day by day
through `changes_take_effect()` and the trigger gave the same ranges (2,543 changes either
way) but took 14-30 s for the ~2,300 day-and-reason groups of the demo; the trigger stays the
one writer of live writes.

Trainings are held each quarter in each kecamatan, sized to its trainees, always after their
registration; mentored businesses get a session (with that month's omzet) nearly every month
for 4-30 months (2-6 at DKI scale), with growth, the Ramadan and year-end peaks and the
2020-2021 pandemic dip, so a median monthly omzet and its change against a year earlier mean
something.

Personal data is obviously fake: names from Faker's Indonesian lists, NIKs with a valid shape,
phones from a mobile prefix plus random digits, e-mails at example.com.
"""

import datetime
import math
import random
import time
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify

from umkm import roles
from umkm.crypto import encrypt_nik, nik_blind_index
from umkm.demo_copy import copy_rows, history_from_rows, next_id, sync_sequence
from umkm.models import (
    DEFAULT_YEARLY_TARGET,
    Business,
    BusinessStage,
    BusinessState,
    BusinessStatus,
    Enrolment,
    Kecamatan,
    Kelurahan,
    Mentoring,
    Owner,
    Sector,
    StaffProfile,
    Stage,
    Training,
    YearlyTarget,
    scale_for,
)

DEMO_PASSWORD = "demo-umkm-2023!"  # noqa: S105  (printed by make run; demo only)
DISTRICT_SCALE_LIMIT = 20_000
FIRST_TARGET_YEAR = 2019  # yearly targets, and the cohorts measured against them, start here
# Before the yearly targets: the rest of the register, by year (relative weights).
EARLY_COHORTS = {2016: 2, 2017: 3, 2018: 4}
NEW_PER_KECAMATAN = (16, 24)  # new businesses per kecamatan and year (target 18)
RECENT_SHARE_MAX = 0.6  # a small --businesses run scales the cohorts down to this share
OPERATOR_KECAMATAN = "31.73.02"  # Grogol Petamburan

# Yearly chances for a business after its first year (its cohort's count stays as planned).
NONAKTIF_RATE = 0.04
NONAKTIF_RATE_PANDEMIC = 0.08  # 2020
NAIK_KELAS_RATE = 0.012  # from its third year
REACTIVATE_RATE = 0.12
MOVE_RATE = 0.05  # once in its life; 40% of moves go to another kecamatan
CONSENT_SHARE = 0.4
CONSENT_WITHDRAWN_SHARE = 0.05
MENTORED_SHARE = 0.55  # of the businesses that attended a training
# Months of monthly mentoring: the office's demo, and the DKI-scale benchmark data (kept near
# its former ~540,000 sessions at 370,000 businesses instead of ~2.7 million).
MENTORING_MONTHS = (4, 30)
MENTORING_MONTHS_DKI = (2, 6)

NONAKTIF_REASONS = ["Usaha tutup", "Pemilik pindah ke luar Jakarta",
                    "Pemilik beralih pekerjaan", "Tidak dapat dihubungi selama enam bulan",
                    "Usaha berhenti sementara: modal habis"]  # fmt: skip
PANDEMIC_REASON = "Usaha berhenti karena pandemi COVID-19"
REACTIVATE_REASON = "Usaha berjalan kembali (kunjungan pendamping)"
NAIK_KELAS_REASON = "Naik kelas: modal usaha di atas Rp1 miliar (usaha kecil)"
MOVE_REASON = "Tempat usaha pindah ke kelurahan lain"
MOVE_KECAMATAN_REASON = "Tempat usaha pindah ke kecamatan lain"
CONSENT_REASON = "Pemilik menyetujui profil usaha tampil di halaman publik"
WITHDRAWN_REASON = "Pemilik menarik persetujuan profil publik"
# Lebaran (Idulfitri) month: omzet of food and fashion peaks in the Ramadan month before it.
RAMADAN_MONTH = {2016: 6, 2017: 6, 2018: 5, 2019: 5, 2020: 4, 2021: 4, 2022: 4, 2023: 3,
                 2024: 3, 2025: 3, 2026: 2, 2027: 2, 2028: 1, 2029: 1, 2030: 12}  # fmt: skip

SECTOR_PROFILES = {
    "kuliner": (
        0.46,
        ["Dapur", "Warung", "Kedai", "Sambal", "Kue", "Keripik", "Katering", "Bakso", "Roti",
         "Kopi", "Nasi Uduk", "Seblak", "Pempek", "Martabak", "Rendang", "Dimsum", "Kerupuk"],
        ["nasi kotak", "kue kering", "keripik pisang", "sambal botol", "kopi bubuk", "roti manis",
         "frozen food", "bir pletok", "kerak telor", "dodol betawi", "kue lapis", "risoles",
         "minuman jahe", "rendang kemasan", "kerupuk kulit"],
        ["10792", "56102", "10799", "56103"],
    ),
    "fesyen": (
        0.15,
        ["Batik", "Butik", "Konveksi", "Hijab", "Rajut", "Jahit", "Kaos", "Tenun", "Busana"],
        ["batik tulis", "gamis", "hijab segi empat", "kaos sablon", "kemeja batik", "mukena",
         "tas kain", "baju anak", "masker kain"],
        ["14111", "14131", "13921"],
    ),
    "kerajinan-tangan": (
        0.12,
        ["Kriya", "Anyaman", "Rajutan", "Souvenir", "Kerajinan", "Ondel-ondel", "Manik-manik",
         "Decoupage"],
        ["tas anyaman", "gantungan kunci", "miniatur ondel-ondel", "bunga kering", "vas bunga",
         "sandal hias", "tempat tisu", "boneka rajut"],
        ["32909", "16292", "32119"],
    ),
    "parfum": (
        0.05,
        ["Parfum", "Wangi", "Aroma", "Minyak Wangi", "Essens"],
        ["parfum refill", "minyak wangi non-alkohol", "pengharum ruangan", "body mist",
         "parfum laundry"],
        ["20232", "47723"],
    ),
    "jasa": (
        0.13,
        ["Laundry", "Salon", "Servis", "Jasa Jahit", "Pangkas Rambut", "Rias", "Bengkel",
         "Percetakan"],
        ["cuci kiloan", "potong rambut", "rias pengantin", "servis ponsel", "sablon kaos",
         "permak jeans", "servis motor", "cetak undangan"],
        ["96011", "96021", "95120", "18111"],
    ),
    "lainnya": (
        0.09,
        ["Toko", "Kios", "Tanaman Hias", "Ternak Lele", "Sabun", "Pot", "Hidroponik"],
        ["tanaman hias", "lele segar", "sabun cuci", "sayur hidroponik", "pot semen",
         "pupuk kompos"],
        ["47919", "01302", "03222"],
    ),
}  # fmt: skip
NAME_SUFFIXES = ["Berkah", "Barokah", "Jaya", "Makmur", "Sejahtera", "Mandiri", "Lestari",
                 "Indah", "Amanah", "Sentosa", "Betawi", "Nusantara", "Mantap", "Cemerlang",
                 "Sehati", "Abadi", "Rezeki", "Ceria"]  # fmt: skip
TRAINING_TOPICS = ["Pemasaran digital", "Pencatatan keuangan", "Foto produk", "Kemasan dan label",
                   "Sertifikasi halal", "Perizinan NIB lewat OSS", "Keamanan pangan (PIRT)",
                   "Manajemen stok", "Branding produk", "Penjualan di marketplace"]  # fmt: skip
MENTORING_TOPICS = ["Pencatatan keuangan", "Pemasaran daring", "Perizinan", "Kemasan",
                    "Akses permodalan", "Harga pokok produksi", "Foto produk"]  # fmt: skip
OTHER_NIK_AREAS = ["320101", "327501", "330101", "350101", "360301", "327601", "320401",
                   "331001", "120101", "160101"]  # fmt: skip
PHONE_PREFIXES = ["12", "13", "21", "22", "52", "53", "56", "57", "58", "77", "78", "81", "95",
                  "96", "97", "98", "99"]  # fmt: skip
# Enrolments per business: 0..5 with these weights (mean ~2.6; ~1M at DKI scale).
ENROLMENT_WEIGHTS = [3, 20, 25, 27, 15, 10]
TRAINING_CAPACITY = 40
# After mentoring, each next stage is reached by this share of those at the previous one.
LATER_STAGES = [("perizinan", 0.5), ("pemasaran", 0.6), ("pelaporan-keuangan", 0.5),
                ("permodalan", 0.4)]  # fmt: skip


def ensure_demo_accounts() -> list[tuple[str, str]]:
    """One account per role (demo installs only), all with DEMO_PASSWORD."""
    from umkm.reference import ensure_reference_data

    ensure_reference_data()
    User = get_user_model()
    accounts = [
        ("admin", "Superuser", None),
        ("sudin", roles.ADMIN_SUDIN, None),
        ("operator", roles.OPERATOR_KECAMATAN, OPERATOR_KECAMATAN),
        ("pejabat", roles.PEJABAT, None),
    ]
    listed = []
    for username, role, kecamatan in accounts:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.is_staff = True
        user.is_superuser = username == "admin"
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role != "Superuser":
            user.groups.set([Group.objects.get(name=role)])
        label = role
        if kecamatan:
            StaffProfile.objects.update_or_create(user=user, defaults={"kecamatan_id": kecamatan})
            label = f"{role} ({kecamatan} {Kecamatan.objects.get(code=kecamatan).name})"
        listed.append((username, label))
    return listed


def seed_register(*, businesses: int, seed: int, stdout, if_empty: bool = False) -> None:
    """Owners, businesses with their dated states, 7P stages, trainings with enrolments,
    mentoring and targets. With `if_empty`, a register that holds businesses of the office's
    city is kept (it was written in one transaction: it is complete); only the targets of a
    new year are added."""
    started = time.monotonic()
    if (
        if_empty
        and Business.objects.filter(
            kelurahan__kecamatan__city_id=settings.OFFICE_CITY_CODE
        ).exists()
    ):
        added = _Seeder(businesses=0, seed=seed, stdout=stdout).targets()
        stdout.write(f"  register already present: kept ({added} yearly targets added)")
        return
    with transaction.atomic():
        counts = _Seeder(businesses=businesses, seed=seed, stdout=stdout).run()
    # Fresh statistics for the planner and pg_class.reltuples (the admin's estimated count);
    # VACUUM also sets the visibility map so that counts can be index-only scans. VACUUM cannot
    # run inside a transaction (e.g. in a test): then ANALYZE alone.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in (Owner, Business, BusinessState, BusinessStage, Training, Enrolment,
                      Mentoring):  # fmt: skip
            cursor.execute(f'{command} "{model._meta.db_table}"')
    summary = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    stdout.write(f"  {summary} in {time.monotonic() - started:.1f} s")


BUSINESS_COLUMNS = ["id", "name", "slug", "owner_id", "sector_id", "products", "address", "nib",
                    "kbli", "binaan_since", "current_stage_id", "created_at", "status",
                    "kelurahan_id", "public_consent", "public_consent_at", "capital",
                    "yearly_omzet", "scale", "photo", "updated_at"]  # fmt: skip
# The history table holds every column but the derived ones (scale; owner_name by trigger).
HISTORY_COLUMNS = [c for c in BUSINESS_COLUMNS if c != "scale"] + [
    "history_date", "history_type", "history_change_reason"]  # fmt: skip
_HISTORY_INDEXES = [i for i, c in enumerate(BUSINESS_COLUMNS) if c != "scale"]


def _business_row(fixed: tuple, values: tuple, updated_at) -> tuple:
    """A business row in BUSINESS_COLUMNS order: what never changes, then the tracked values
    (status, kelurahan, consent, consent given at, capital, omzet, scale)."""
    return (*fixed, *values, "", updated_at)


def _history_values(row: tuple) -> tuple:
    return tuple(row[i] for i in _HISTORY_INDEXES)


def _days_in_year(year: int) -> int:
    return (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1


def _quarter(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter of `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    if first_month == 10:
        return start, datetime.date(day.year, 12, 31)
    return start, datetime.date(day.year, first_month + 3, 1) - datetime.timedelta(days=1)


class _Business:
    """What pass 1 plans for one business: where and when, its changes, its trainings."""

    __slots__ = (
        "bid",
        "capital",
        "end",
        "events",
        "kec",
        "kel",
        "moves",
        "naik",
        "omzet",
        "sector",
        "since",
        "trainings",
        "wants",
    )  # fmt: skip

    def kec_on(self, day: datetime.date) -> str:
        kec = self.kec
        for moved_on, to in self.moves:
            if moved_on <= day:
                kec = to
        return kec


class _Seeder:
    def __init__(self, *, businesses: int, seed: int, stdout):
        self.n = max(0, businesses)
        self.rnd = random.Random(seed)
        self.seed = seed
        self.stdout = stdout
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_default_timezone()

    # --- setup --------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        from faker import Faker
        from faker.providers.person.id_ID import Provider as PersonProvider

        faker = Faker("id_ID")
        faker.seed_instance(self.seed)
        self.streets = sorted({faker.street_name() for _ in range(400)})
        self.first_female = PersonProvider.first_names_female
        self.first_male = PersonProvider.first_names_male
        self.last_female = PersonProvider.last_names_female
        self.last_male = PersonProvider.last_names_male

        self.city_wide = self.n <= DISTRICT_SCALE_LIMIT
        kelurahan_qs = Kelurahan.objects.order_by("code")
        if self.city_wide:
            kelurahan_qs = kelurahan_qs.filter(kecamatan__city_id=settings.OFFICE_CITY_CODE)
        self.kelurahan = list(kelurahan_qs.values_list("code", "kecamatan_id", "name"))
        # Kepulauan Seribu's islands hold few businesses; mainland kelurahan vary in size.
        self.kelurahan_weights = [
            (0.15 if code.startswith("31.01") else 1.0) * self.rnd.uniform(0.6, 1.4)
            for code, _kec, _name in self.kelurahan
        ]
        self.kelurahan_by_kec = defaultdict(list)
        self.weights_by_kec = defaultdict(list)
        for (code, kec, _name), weight in zip(self.kelurahan, self.kelurahan_weights, strict=True):
            self.kelurahan_by_kec[kec].append(code)
            self.weights_by_kec[kec].append(weight)
        self.kecamatan_codes = sorted(self.kelurahan_by_kec)
        self.kecamatan_names = dict(
            Kecamatan.objects.filter(code__in=self.kecamatan_codes).values_list("code", "name")
        )
        self.sectors = {s.code: s.pk for s in Sector.objects.all()}
        self.stages = {s.code: (s.pk, s.order) for s in Stage.objects.all()}
        self.mentors = self._mentors()
        self.nik_indexes = set(Owner.objects.values_list("nik_index", flat=True))
        self.nibs = set(Business.objects.exclude(nib=None).values_list("nib", flat=True))

        self.targets(self.kecamatan_codes)
        counts = {"businesses": 0}
        if self.n and self.kelurahan:
            counts = self._register(history=self.city_wide)
        return counts

    def _mentors(self) -> list[int]:
        User = get_user_model()
        ids = []
        for i in range(1, 9):
            user, created = User.objects.get_or_create(
                username=f"pendamping{i:02d}",
                defaults={
                    "first_name": self.rnd.choice(self.first_female + self.first_male),
                    "last_name": "(pendamping)",
                    "is_staff": True,
                },
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            ids.append(user.pk)
        return ids

    def targets(self, codes: list[str] | None = None) -> int:
        """18 for each kecamatan (by default those of the office's city and those holding
        businesses) and each year from FIRST_TARGET_YEAR to this one; returns how many were
        missing."""
        if codes is None:
            held = Kelurahan.objects.filter(kecamatan=OuterRef("pk"), businesses__isnull=False)
            codes = list(
                Kecamatan.objects.filter(Q(city_id=settings.OFFICE_CITY_CODE) | Exists(held))
                .order_by("code")
                .values_list("code", flat=True)
            )
        before = YearlyTarget.objects.count()
        YearlyTarget.objects.bulk_create(
            [
                YearlyTarget(kecamatan_id=kec, year=year, target=DEFAULT_YEARLY_TARGET)
                for kec in codes
                for year in range(FIRST_TARGET_YEAR, self.today.year + 1)
            ],
            ignore_conflicts=True,
        )
        return YearlyTarget.objects.count() - before

    # --- pass 1: who, where, when, and what happens to them --------------------------------

    def _day_in(self, year: int) -> datetime.date:
        """A day of `year`, never after today."""
        last = min(datetime.date(year, 12, 31), self.today)
        span = (last - datetime.date(year, 1, 1)).days
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rnd.randint(0, span))

    def _cohorts(self) -> list[tuple[str, datetime.date]]:
        """(kecamatan, mentored since) for each business, in the order they were registered."""
        rnd, today = self.rnd, self.today
        recent_years = list(range(FIRST_TARGET_YEAR, today.year + 1))
        this_year_share = (today - datetime.date(today.year, 1, 1)).days / _days_in_year(today.year)
        kecs = self.kecamatan_codes
        kec_weights = [sum(self.weights_by_kec[k]) for k in kecs]
        plan: list[tuple[str, datetime.date]] = []
        if self.city_wide:
            cells = {
                (kec, year): rnd.randint(*NEW_PER_KECAMATAN)
                * (this_year_share if year == today.year else 1.0)
                for kec in kecs
                for year in recent_years
            }
            planned = sum(cells.values())
            scale = min(1.0, self.n * RECENT_SHARE_MAX / planned) if planned else 0
            for (kec, year), wanted in cells.items():
                exact = wanted * scale
                count = int(exact) + (rnd.random() < exact - int(exact))
                if year == today.year and scale == 1.0:
                    # This year so far, rounded up: on 2 December, 16 planned make 15 (83%).
                    count = math.ceil(exact)
                plan.extend((kec, self._day_in(year)) for _ in range(count))
            plan = plan[: self.n]
            early_years = list(EARLY_COHORTS)
            early_weights = list(EARLY_COHORTS.values())
            for _ in range(self.n - len(plan)):
                kec = rnd.choices(kecs, kec_weights)[0]
                year = rnd.choices(early_years, early_weights)[0]
                plan.append((kec, self._day_in(year)))
        else:
            for _ in range(self.n):
                kec = rnd.choices(kecs, kec_weights)[0]
                plan.append((kec, self._day_in(rnd.choice(recent_years))))
        plan.sort(key=lambda p: (p[1], p[0]))
        return plan

    def _kelurahan_in(self, kec: str, *, other_than: str = "") -> str:
        codes = self.kelurahan_by_kec[kec]
        weights = self.weights_by_kec[kec]
        choices = [(c, w) for c, w in zip(codes, weights, strict=True) if c != other_than]
        if not choices:
            return codes[0]
        return self.rnd.choices([c for c, _ in choices], [w for _, w in choices])[0]

    def _timeline(self, b: _Business) -> None:
        """The dated changes of one business: (day, reason, values after it), at most one a
        day, in date order, none after today. Status changes and moves only after its first
        year."""
        rnd, today = self.rnd, self.today
        candidates = []
        if rnd.random() < CONSENT_SHARE:
            day = b.since + datetime.timedelta(days=rnd.randint(1, 120))
            candidates.append((day, "consent"))
            if rnd.random() < CONSENT_WITHDRAWN_SHARE:
                candidates.append((day + datetime.timedelta(days=rnd.randint(90, 900)), "withdraw"))
        later_years = range(b.since.year + 1, today.year + 1)
        if later_years and rnd.random() < MOVE_RATE:
            candidates.append((self._day_in(rnd.choice(later_years)), "move"))
        for year in later_years:
            candidates.append((self._day_in(year), "status"))
        candidates.sort()

        status, kel, consent, consent_at = BusinessStatus.AKTIF, b.kel, False, None
        capital, omzet = b.capital, b.omzet
        last = b.since
        b.events, b.moves, b.end, b.naik = [], [], None, False
        for day, kind in candidates:
            day = max(day, last + datetime.timedelta(days=1))
            if day > today:
                break
            reason = None
            if kind == "consent" and status == BusinessStatus.AKTIF:
                consent, consent_at, reason = True, self._at(day), CONSENT_REASON
            elif kind == "withdraw" and consent:
                consent, reason = False, WITHDRAWN_REASON
            elif kind == "move" and status == BusinessStatus.AKTIF:
                kec = b.kec_on(day)
                if len(self.kecamatan_codes) > 1 and rnd.random() < 0.4:
                    kec = rnd.choice([k for k in self.kecamatan_codes if k != kec])
                    kel, reason = self._kelurahan_in(kec), MOVE_KECAMATAN_REASON
                else:
                    kel, reason = self._kelurahan_in(kec, other_than=kel), MOVE_REASON
                b.moves.append((day, kec))
            elif kind == "status" and status == BusinessStatus.AKTIF:
                rate = NONAKTIF_RATE_PANDEMIC if day.year == 2020 else NONAKTIF_RATE
                r = rnd.random()
                if r < rate:
                    status = BusinessStatus.NONAKTIF
                    reason = PANDEMIC_REASON if day.year == 2020 else rnd.choice(NONAKTIF_REASONS)
                elif day.year - b.since.year >= 2 and r < rate + NAIK_KELAS_RATE:
                    status, reason, b.naik = BusinessStatus.NAIK_KELAS, NAIK_KELAS_REASON, True
                    capital = rnd.randint(11, 40) * 100_000_000
                    omzet = max(omzet or 0, rnd.randint(21, 60) * 100_000_000)
            elif (
                kind == "status"
                and status == BusinessStatus.NONAKTIF
                and rnd.random() < REACTIVATE_RATE
            ):
                status, reason = BusinessStatus.AKTIF, REACTIVATE_REASON
            if reason is None:
                continue
            if status != BusinessStatus.AKTIF and b.end is None:
                b.end = day  # programme activity stops on the day it left
            scale = scale_for(capital=capital, yearly_omzet=omzet)
            b.events.append(
                (day, reason, (status, kel, consent, consent_at, capital, omzet, scale))
            )
            last = day

    def _plan(self) -> list[_Business]:
        rnd = self.rnd
        sector_codes = list(SECTOR_PROFILES)
        sector_shares = [SECTOR_PROFILES[c][0] for c in sector_codes]
        plan = []
        for kec, since in self._cohorts():
            b = _Business()
            b.kec, b.since = kec, since
            b.kel = self._kelurahan_in(kec)
            b.sector = rnd.choices(sector_codes, sector_shares)[0]
            b.omzet = int(min(60e9, rnd.lognormvariate(math.log(72e6), 1.0)) // 100_000 * 100_000)
            b.capital = (
                int(min(9e8, rnd.lognormvariate(math.log(20e6), 1.1)) // 100_000 * 100_000)
                if rnd.random() < 0.6
                else None
            )
            self._timeline(b)
            # Trainings wanted: the first soon after registration, the others later while
            # the business is still in the programme.
            last_day = min(b.end or self.today, self.today) - datetime.timedelta(days=3)
            k = rnd.choices(range(len(ENROLMENT_WEIGHTS)), ENROLMENT_WEIGHTS)[0]
            b.wants = []
            first = since + datetime.timedelta(days=rnd.randint(14, 150))
            if k and first <= last_day:
                b.wants.append(first)
                span = (last_day - first).days
                for _ in range(k - 1):
                    if span > 60:
                        b.wants.append(first + datetime.timedelta(days=rnd.randint(60, span)))
            b.trainings = []
            plan.append(b)
        return plan

    # --- trainings ---------------------------------------------------------------------

    def _trainings(self, plan: list[_Business]) -> int:
        """One training per kecamatan and quarter for each 35 trainees who want one then, held
        after every one of them registered; fills each business's `trainings`."""
        rnd, today = self.rnd, self.today
        slots = defaultdict(list)
        for b in plan:
            for want in b.wants:
                slots[b.kec_on(want), _quarter(want)].append(b)
        rows = []
        training_id = next_id(Training)
        latest = today - datetime.timedelta(days=3)
        for (kec, (q_start, q_end)), members in sorted(slots.items()):
            members.sort(key=lambda m: (m.since, m.bid))
            per = TRAINING_CAPACITY - 5
            for batch, first in enumerate(range(0, len(members), per), start=1):
                chunk = members[first : first + per]
                lo = max(q_start, chunk[-1].since + datetime.timedelta(days=1))
                hi = min(q_end, latest)
                if lo > hi:
                    continue
                start = lo + datetime.timedelta(days=rnd.randint(0, (hi - lo).days))
                end = min(start + datetime.timedelta(days=rnd.randint(0, 2)), latest)
                topic = rnd.choice(TRAINING_TOPICS)
                name = self.kecamatan_names[kec]
                rows.append(
                    (training_id, f"Pelatihan {topic} — Kec. {name} {start:%m/%Y} angkatan "
                     f"{batch}", topic, "Sudin PPKUKM", start, end, f"Kantor Kecamatan {name}",
                     kec, TRAINING_CAPACITY + rnd.randint(0, 10), self._at(start))
                )  # fmt: skip
                for b in chunk:
                    last_day = min(b.end or today, today)
                    if start < last_day and all(t[0] != training_id for t in b.trainings):
                        b.trainings.append((training_id, start, end))
                training_id += 1
        copy_rows(
            Training,
            ["id", "title", "topic", "organiser", "start_date", "end_date", "place",
             "kecamatan_id", "capacity", "created_at"],
            rows,
        )  # fmt: skip
        return len(rows)

    # --- pass 2: the rows -------------------------------------------------------------------

    def _register(self, *, history: bool) -> dict[str, int]:
        rnd = self.rnd
        plan = self._plan()
        business_id = next_id(Business)
        for offset, b in enumerate(plan):
            b.bid = business_id + offset
        trainings = self._trainings(plan)

        owner_id = next_id(Owner)
        stage_id = next_id(BusinessStage)
        enrolment_id = next_id(Enrolment)
        mentoring_id = next_id(Mentoring)
        first_owner_id = owner_id
        counts = defaultdict(int)
        # About 3% of owners run a second business in the same kecamatan.
        owner_by_kec: dict[str, list[tuple[int, str]]] = defaultdict(list)
        mentor_of_kec = {
            kec: self.mentors[i % len(self.mentors)] for i, kec in enumerate(self.kecamatan_codes)
        }

        owner_cols = ["id", "full_name", "nik_ciphertext", "nik_index", "gender", "birth_date",
                      "phone", "email", "address", "kelurahan_id", "created_at",
                      "updated_at"]  # fmt: skip
        state_cols = ["business_id", "valid", "status", "scale", "kelurahan_id",
                      "public_consent", "reason", "recorded_at"]  # fmt: skip
        stage_cols = ["id", "business_id", "stage_id", "reached_on", "recorded_by_id",
                      "created_at"]  # fmt: skip
        enrol_cols = ["id", "training_id", "business_id", "owner_id", "attended", "passed",
                      "score", "created_at"]  # fmt: skip
        mentoring_cols = ["id", "mentor_id", "business_id", "month", "date", "topic", "notes",
                          "monthly_omzet", "needs", "photo", "created_at",
                          "updated_at"]  # fmt: skip

        chunk = 20_000
        for start in range(0, len(plan), chunk):
            owners, businesses, stages, enrolments, sessions = [], [], [], [], []
            states, histories = [], []
            for b in plan[start : start + chunk]:
                created = self._at(b.since)
                if owner_by_kec[b.kec] and rnd.random() < 0.03:
                    this_owner, first_name = rnd.choice(owner_by_kec[b.kec])
                else:
                    this_owner = owner_id
                    owner_id += 1
                    row, first_name = self._owner(this_owner, b.kel, b.kec, created)
                    owners.append(row)
                    owner_by_kec[b.kec].append((this_owner, first_name))

                _share, prefixes, products, kblis = SECTOR_PROFILES[b.sector]
                suffix = rnd.choice([first_name, f"Bu {first_name}", *NAME_SUFFIXES])
                name = f"{rnd.choice(prefixes)} {suffix}"

                reached = [("pendaftaran", b.since)]
                attended_ends = []
                for t_id, t_start, t_end in b.trainings:
                    attended = rnd.random() < 0.88
                    score = round(rnd.uniform(55, 98), 1) if attended else None
                    passed = attended and score >= 70
                    enrolled = max(b.since, t_start - datetime.timedelta(days=rnd.randint(3, 20)))
                    enrolments.append(
                        (enrolment_id, t_id, b.bid, this_owner, attended, passed, score,
                         self._at(enrolled))
                    )  # fmt: skip
                    enrolment_id += 1
                    if attended:
                        attended_ends.append(t_end)
                if b.trainings:
                    reached.append(("pelatihan", min(t[1] for t in b.trainings)))
                if attended_ends and rnd.random() < MENTORED_SHARE:
                    mentor = mentor_of_kec[b.kec] if self.city_wide else rnd.choice(self.mentors)
                    for day, omzet in self._sessions(b, min(attended_ends)):
                        sessions.append(
                            (mentoring_id, mentor, b.bid, day.replace(day=1), day,
                             rnd.choice(MENTORING_TOPICS), "", omzet, "{}", "", self._at(day),
                             self._at(day))
                        )  # fmt: skip
                        mentoring_id += 1
                        if len(reached) == 2:
                            reached.append(("pendampingan", day))
                self._later_stages(b, reached)
                current = None
                for code, day in reached:
                    stage_pk, order = self.stages[code]
                    stages.append((stage_id, b.bid, stage_pk, day, None, self._at(day)))
                    stage_id += 1
                    if current is None or (day, order) >= current[0]:
                        current = ((day, order), stage_pk)

                initial = (BusinessStatus.AKTIF, b.kel, False, None, b.capital, b.omzet,
                           scale_for(capital=b.capital, yearly_omzet=b.omzet))  # fmt: skip
                fixed = (b.bid, name, f"{slugify(name)[:150]}-{b.bid}", this_owner,
                         self.sectors[b.sector],
                         f"{', '.join(rnd.sample(products, k=min(3, len(products))))}",
                         self._address(), self._nib(), rnd.choice(kblis), b.since,
                         current[1], created)  # fmt: skip
                snapshots = [(None, "", initial), *b.events]
                final_day, _reason, final = snapshots[-1]
                businesses.append(
                    _business_row(fixed, final, self._at(final_day) if final_day else created)
                )
                # Its dated states: the values it was registered with until its first change
                # (from -infinity, as the trigger does), then one range per change.
                for i, (day, reason, values) in enumerate(snapshots):
                    upper = snapshots[i + 1][0] if i + 1 < len(snapshots) else None
                    status, kel, consent, _at, _capital, _omzet, scale = values
                    states.append(
                        (b.bid, f"[{day or ''},{upper or ''})", status, scale, kel, consent,
                         reason, self.now)
                    )  # fmt: skip
                    if history:
                        at = self._at(day) if day else created
                        histories.append(
                            (*_history_values(_business_row(fixed, values, at)), at,
                             "~" if day else "+", reason or "Data demo")
                        )  # fmt: skip

            copy_rows(Owner, owner_cols, owners)
            copy_rows(Business, BUSINESS_COLUMNS, businesses)
            # The trigger gave each new business one open state with its final values; its
            # whole dated history replaces it (the trigger stays the one writer of live writes).
            with connection.cursor() as cursor:
                cursor.execute(
                    f'DELETE FROM "{BusinessState._meta.db_table}" WHERE business_id = ANY(%s)',
                    [[row[0] for row in businesses]],
                )
            copy_rows(BusinessState, state_cols, states)
            if history:
                copy_rows(Business.history.model, HISTORY_COLUMNS, histories)
            copy_rows(BusinessStage, stage_cols, stages)
            copy_rows(Enrolment, enrol_cols, enrolments)
            copy_rows(Mentoring, mentoring_cols, sessions)
            for what, rows in (("owners", owners), ("businesses", businesses),
                               ("stages reached", stages), ("enrolments", enrolments),
                               ("mentoring sessions", sessions),
                               ("dated states", states)):  # fmt: skip
                counts[what] += len(rows)
            self.stdout.write(f"  {min(len(plan), start + chunk):,} / {len(plan):,} businesses")

        for model in (Owner, Business, BusinessStage, Enrolment, Mentoring, Training):
            sync_sequence(model)
        counts["trainings"] = trainings
        if history:
            # The first record holds the business as it was registered; each change below
            # adds its own, dated on the day it took effect.
            for model in (Owner, BusinessStage, Enrolment):
                history_from_rows(model, since_id=first_owner_id if model is Owner else None)
        return dict(counts)

    def _sessions(self, b: _Business, after: datetime.date):
        """Monthly sessions from soon after its first training for 4-30 months (a month
        missed now and then), each with that month's omzet."""
        rnd = self.rnd
        stop = min(b.end or self.today, self.today)
        first = after + datetime.timedelta(days=rnd.randint(7, 60))
        growth = rnd.gauss(0.35 if b.naik else 0.12, 0.15)
        base = (b.omzet or 36_000_000) / 12
        food_or_fashion = b.sector in ("kuliner", "fesyen")
        months = rnd.randint(*(MENTORING_MONTHS if self.city_wide else MENTORING_MONTHS_DKI))
        for m in range(months):
            month = first.month - 1 + m
            year, month = first.year + month // 12, month % 12 + 1
            day = datetime.date(year, month, min(28, max(1, first.day + rnd.randint(-3, 3))))
            if day >= stop:
                break
            if m and rnd.random() < 0.08:
                continue
            years = (day - first).days / 365.25
            factor = max(0.3, 1 + growth) ** years * rnd.uniform(0.85, 1.15)
            if month == 12:
                factor *= 1.08
            if food_or_fashion and RAMADAN_MONTH.get(year) == month:
                factor *= 1.3
            if datetime.date(2020, 4, 1) <= day <= datetime.date(2021, 6, 30):
                factor *= 0.7
            yield day, int(base * factor) // 10_000 * 10_000

    def _later_stages(self, b: _Business, reached: list) -> None:
        if len(reached) < 3:
            return
        rnd = self.rnd
        stop = min(b.end or self.today, self.today)
        day = reached[-1][1]
        for code, chance in LATER_STAGES:
            if rnd.random() > chance:
                break
            day = day + datetime.timedelta(days=rnd.randint(30, 200))
            if day > stop:
                break
            reached.append((code, day))

    def _owner(self, oid, kel_code, kec, created):
        rnd = self.rnd
        female = rnd.random() < 0.65
        first = rnd.choice(self.first_female if female else self.first_male)
        last = rnd.choice(self.last_female if female else self.last_male)
        full_name = first if rnd.random() < 0.08 else f"{first} {last}"
        birth = datetime.date(rnd.randint(1960, 2003), rnd.randint(1, 12), rnd.randint(1, 28))
        area = kec.replace(".", "") if rnd.random() < 0.7 else rnd.choice(OTHER_NIK_AREAS)
        day = birth.day + (40 if female else 0)
        while True:
            nik = (
                f"{area}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rnd.randint(1, 9999):04d}"
            )
            index = nik_blind_index(nik)
            if index not in self.nik_indexes:
                self.nik_indexes.add(index)
                break
        phone = (
            "+628"
            + rnd.choice(PHONE_PREFIXES)
            + "".join(rnd.choices("0123456789", k=rnd.randint(7, 8)))
        )
        email = (
            f"{slugify(full_name).replace('-', '.')}{rnd.randint(1, 999)}@example.com"
            if rnd.random() < 0.4
            else ""
        )
        home = kel_code if rnd.random() < 0.9 else rnd.choice(self.kelurahan_by_kec[kec])
        row = (oid, full_name, encrypt_nik(nik), index, "P" if female else "L", birth, phone,
               email, self._address(), home, created, self.now)  # fmt: skip
        return row, first

    def _address(self) -> str:
        rnd = self.rnd
        return (
            f"{rnd.choice(self.streets)} No. {rnd.randint(1, 250)}, "
            f"RT {rnd.randint(1, 15):03d}/RW {rnd.randint(1, 12):03d}"
        )

    def _nib(self) -> str | None:
        if self.rnd.random() > 0.45:
            return None
        while True:
            nib = f"912{self.rnd.randint(0, 9_999_999_999):010d}"
            if nib not in self.nibs:
                self.nibs.add(nib)
                return nib

    def _at(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=self.tz)
