"""Demo data: the Jakarta Barat register that `make run` loads, and DKI-scale data for benchmarks.

`seed_register` writes with COPY (psycopg 3) in one transaction instead of calling the services
row by row: 370,000 businesses with their owners, 7P stages, ~1,000,000 enrolments and mentoring
take minutes this way, hours through the ORM. It keeps every rule the services and the database
hold (valid unique NIKs encrypted with their blind index, normalised phones, unique NIB and slug,
scale per PP 7/2021, passed only when attended, capacity per training, stage dates in order).

Up to DISTRICT_SCALE_LIMIT businesses the data covers the office's city (Jakarta Barat, 8
kecamatan / 56 kelurahan) and gets a first history record per row; above it, all of DKI Jakarta
(6 cities / 44 kecamatan / 267 kelurahan) without history rows (benchmark data).
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
from django.utils import timezone
from django.utils.text import slugify

from umkm import roles
from umkm.crypto import encrypt_nik, nik_blind_index
from umkm.demo_copy import copy_rows, history_from_rows, next_id, sync_sequence
from umkm.models import (
    DEFAULT_YEARLY_TARGET,
    Business,
    BusinessStage,
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
COHORT_YEARS = range(2019, 2024)
TARGET_YEARS = range(2019, 2027)
LAST_ACTIVITY = datetime.date(2023, 12, 31)
OPERATOR_KECAMATAN = "31.73.02"  # Grogol Petamburan

# code: (share, name prefixes, products, KBLI codes)
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
MENTORING_WEIGHTS = [30, 25, 20, 12, 8, 5]  # 0..5 sessions
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


def seed_register(*, businesses: int, seed: int, stdout) -> None:
    """Owners, businesses, 7P stages, trainings with enrolments, mentoring and targets."""
    started = time.monotonic()
    with transaction.atomic():
        counts = _Seeder(businesses=businesses, seed=seed, stdout=stdout).run()
    # Fresh statistics for the planner and pg_class.reltuples (the admin's estimated count);
    # VACUUM also sets the visibility map so that counts can be index-only scans. VACUUM cannot
    # run inside a transaction (e.g. in a test): then ANALYZE alone.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in (Owner, Business, BusinessStage, Training, Enrolment, Mentoring):
            cursor.execute(f'{command} "{model._meta.db_table}"')
    summary = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    stdout.write(f"  {summary} in {time.monotonic() - started:.0f} s")


class _Seeder:
    def __init__(self, *, businesses: int, seed: int, stdout):
        self.n = max(0, businesses)
        self.rnd = random.Random(seed)
        self.seed = seed
        self.stdout = stdout
        self.now = timezone.now()
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

        city_wide = self.n <= DISTRICT_SCALE_LIMIT
        kelurahan_qs = Kelurahan.objects.order_by("code")
        if city_wide:
            kelurahan_qs = kelurahan_qs.filter(kecamatan__city_id=settings.OFFICE_CITY_CODE)
        self.kelurahan = list(kelurahan_qs.values_list("code", "kecamatan_id", "name"))
        # Kepulauan Seribu's islands hold few businesses; mainland kelurahan vary in size.
        self.kelurahan_weights = [
            (0.15 if code.startswith("31.01") else 1.0) * self.rnd.uniform(0.6, 1.4)
            for code, _kec, _name in self.kelurahan
        ]
        self.kelurahan_by_kec = defaultdict(list)
        for code, kec, _name in self.kelurahan:
            self.kelurahan_by_kec[kec].append(code)
        self.kecamatan_names = dict(
            Kecamatan.objects.filter(code__in=self.kelurahan_by_kec).values_list("code", "name")
        )
        self.sectors = {s.code: s.pk for s in Sector.objects.all()}
        self.stages = {s.code: (s.pk, s.order) for s in Stage.objects.all()}
        self.mentors = self._mentors()
        self.nik_indexes = set(Owner.objects.values_list("nik_index", flat=True))
        self.nibs = set(Business.objects.exclude(nib=None).values_list("nib", flat=True))

        self._targets()
        counts = {"businesses": 0}
        if self.n:
            counts = self._register(history=city_wide)
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

    def _targets(self) -> None:
        YearlyTarget.objects.bulk_create(
            [
                YearlyTarget(kecamatan_id=kec, year=year, target=DEFAULT_YEARLY_TARGET)
                for kec in sorted(self.kelurahan_by_kec)
                for year in TARGET_YEARS
            ],
            ignore_conflicts=True,
        )

    # --- the register -------------------------------------------------------------------

    def _register(self, *, history: bool) -> dict[str, int]:
        rnd = self.rnd
        n = self.n
        # Pass 1: where each business is, its cohort and the years of its trainings, so that
        # trainings can be sized to the demand of each kecamatan and year.
        kel_choices = rnd.choices(range(len(self.kelurahan)), self.kelurahan_weights, k=n)
        plan = []
        demand = defaultdict(int)
        years = list(COHORT_YEARS)
        for i in range(n):
            kel_code, kec, _ = self.kelurahan[kel_choices[i]]
            cohort = rnd.choice(years)
            k = rnd.choices(range(len(ENROLMENT_WEIGHTS)), ENROLMENT_WEIGHTS)[0]
            enrol_years = sorted([cohort] + [rnd.randint(cohort, years[-1]) for _ in range(k - 1)])
            enrol_years = enrol_years if k else []
            for y in enrol_years:
                demand[kec, y] += 1
            plan.append((kel_code, kec, cohort, enrol_years))

        trainings = self._trainings(demand)
        bucket_counter = defaultdict(int)

        owner_id = next_id(Owner)
        business_id = next_id(Business)
        stage_id = next_id(BusinessStage)
        enrolment_id = next_id(Enrolment)
        mentoring_id = next_id(Mentoring)
        first_owner_id = owner_id
        counts = defaultdict(int)
        sector_codes = list(SECTOR_PROFILES)
        sector_shares = [SECTOR_PROFILES[c][0] for c in sector_codes]
        # About 3% of owners run a second business in the same kecamatan.
        owner_by_kec: dict[str, list[int]] = defaultdict(list)

        owner_cols = ["id", "full_name", "nik_ciphertext", "nik_index", "gender", "birth_date",
                      "phone", "email", "address", "kelurahan_id", "created_at",
                      "updated_at"]  # fmt: skip
        business_cols = ["id", "name", "slug", "owner_id", "sector_id", "products",
                         "kelurahan_id", "address", "nib", "kbli", "yearly_omzet", "capital",
                         "scale", "binaan_since", "status", "public_consent", "public_consent_at",
                         "photo", "current_stage_id", "created_at", "updated_at"]  # fmt: skip
        stage_cols = ["id", "business_id", "stage_id", "reached_on", "recorded_by_id",
                      "created_at"]  # fmt: skip
        enrol_cols = ["id", "training_id", "business_id", "owner_id", "attended", "passed",
                      "score", "created_at"]  # fmt: skip
        mentoring_cols = ["id", "mentor_id", "business_id", "date", "topic", "notes",
                          "monthly_omzet", "created_at"]  # fmt: skip

        chunk = 20_000
        for start in range(0, n, chunk):
            owners, businesses, stages, enrolments, sessions = [], [], [], [], []
            for i in range(start, min(n, start + chunk)):
                kel_code, kec, cohort, enrol_years = plan[i]
                binaan_since = datetime.date(cohort, rnd.randint(1, 3), rnd.randint(1, 28))
                created = self._at(binaan_since)
                if owner_by_kec[kec] and rnd.random() < 0.03:
                    this_owner, first_name = rnd.choice(owner_by_kec[kec])
                else:
                    this_owner = owner_id
                    owner_id += 1
                    row, first_name = self._owner(this_owner, kel_code, kec, created)
                    owners.append(row)
                    owner_by_kec[kec].append((this_owner, first_name))

                sector = rnd.choices(sector_codes, sector_shares)[0]
                _share, prefixes, products, kblis = SECTOR_PROFILES[sector]
                suffix = rnd.choice([first_name, f"Bu {first_name}", *NAME_SUFFIXES])
                name = f"{rnd.choice(prefixes)} {suffix}"
                omzet = int(min(60e9, rnd.lognormvariate(math.log(72e6), 1.0)) // 100_000 * 100_000)
                capital = (
                    int(rnd.lognormvariate(math.log(20e6), 1.1) // 100_000 * 100_000)
                    if rnd.random() < 0.6
                    else None
                )
                status = rnd.choices(
                    [BusinessStatus.AKTIF, BusinessStatus.NONAKTIF, BusinessStatus.NAIK_KELAS],
                    [86, 8, 6 if cohort <= 2021 else 1],
                )[0]
                if status == BusinessStatus.NAIK_KELAS:
                    omzet = max(omzet, rnd.randint(600, 3_000) * 1_000_000)
                consent = rnd.random() < 0.35
                bid = business_id
                business_id += 1

                # 7P history: registration, trainings, mentoring, then the later stages.
                reached = [("pendaftaran", binaan_since)]
                first_training = None
                used = set()
                for year in enrol_years:
                    bucket = trainings[kec, year]
                    c = bucket_counter[kec, year]
                    bucket_counter[kec, year] += 1
                    t_id, t_start = bucket[c % len(bucket)]
                    if t_id in used:  # the same training twice (a small bucket): skip it
                        continue
                    used.add(t_id)
                    attended = rnd.random() < 0.88
                    score = round(rnd.uniform(55, 98), 1) if attended else None
                    passed = attended and score >= 70
                    enrolments.append(
                        (enrolment_id, t_id, bid, this_owner, attended, passed, score,
                         self._at(t_start - datetime.timedelta(days=rnd.randint(3, 20))))
                    )  # fmt: skip
                    enrolment_id += 1
                    first_training = min(first_training or t_start, t_start)
                if first_training:
                    reached.append(("pelatihan", first_training))
                    m = rnd.choices(range(len(MENTORING_WEIGHTS)), MENTORING_WEIGHTS)[0]
                    day = first_training
                    for _ in range(m):
                        day = day + datetime.timedelta(days=rnd.randint(20, 120))
                        if day > LAST_ACTIVITY:
                            break
                        sessions.append(
                            (mentoring_id, rnd.choice(self.mentors), bid, day,
                             rnd.choice(MENTORING_TOPICS), "",
                             int(omzet / 12 * rnd.uniform(0.7, 1.5)) // 10_000 * 10_000,
                             self._at(day))
                        )  # fmt: skip
                        mentoring_id += 1
                        if len(reached) == 2:
                            reached.append(("pendampingan", day))
                    day = reached[-1][1]
                    for code, chance in LATER_STAGES:
                        if len(reached) < 3 or rnd.random() > chance:
                            break
                        day = min(
                            LAST_ACTIVITY, day + datetime.timedelta(days=rnd.randint(30, 200))
                        )
                        reached.append((code, day))
                current = None
                for code, day in reached:
                    stage_pk, order = self.stages[code]
                    stages.append((stage_id, bid, stage_pk, day, None, self._at(day)))
                    stage_id += 1
                    if current is None or (day, order) >= current[0]:
                        current = ((day, order), stage_pk)

                businesses.append(
                    (bid, name, f"{slugify(name)[:150]}-{bid}", this_owner, self.sectors[sector],
                     f"{', '.join(rnd.sample(products, k=min(3, len(products))))}", kel_code,
                     self._address(), self._nib(), rnd.choice(kblis), omzet, capital,
                     scale_for(capital=capital, yearly_omzet=omzet), binaan_since, status,
                     consent, created + datetime.timedelta(days=rnd.randint(1, 60)) if consent
                     else None, "", current[1], created, self.now)
                )  # fmt: skip

            copy_rows(Owner, owner_cols, owners)
            copy_rows(Business, business_cols, businesses)
            copy_rows(BusinessStage, stage_cols, stages)
            copy_rows(Enrolment, enrol_cols, enrolments)
            copy_rows(Mentoring, mentoring_cols, sessions)
            for what, rows in (("owners", owners), ("businesses", businesses),
                               ("stages reached", stages), ("enrolments", enrolments),
                               ("mentoring sessions", sessions)):  # fmt: skip
                counts[what] += len(rows)
            self.stdout.write(f"  {min(n, start + chunk):,} / {n:,} businesses")

        for model in (Owner, Business, BusinessStage, Enrolment, Mentoring, Training):
            sync_sequence(model)
        counts["trainings"] = sum(len(b) for b in trainings.values())
        if history:
            for model in (Owner, Business, BusinessStage, Enrolment):
                history_from_rows(model, since_id=first_owner_id if model is Owner else None)
        return dict(counts)

    def _trainings(self, demand) -> dict[tuple[str, int], list[tuple[int, datetime.date]]]:
        rnd = self.rnd
        rows, buckets = [], {}
        training_id = next_id(Training)
        for (kec, year), wanted in sorted(demand.items()):
            count = max(1, math.ceil(wanted / (TRAINING_CAPACITY - 5)))
            bucket = []
            for batch in range(1, count + 1):
                start = datetime.date(year, rnd.randint(4, 11), rnd.randint(1, 28))
                topic = rnd.choice(TRAINING_TOPICS)
                rows.append(
                    (training_id, f"Pelatihan {topic} — Kec. {self.kecamatan_names[kec]} "
                     f"{year} angkatan {batch}", topic, "Sudin PPKUKM", start,
                     start + datetime.timedelta(days=rnd.randint(0, 2)),
                     f"Kantor Kecamatan {self.kecamatan_names[kec]}", kec,
                     TRAINING_CAPACITY + rnd.randint(0, 10), self._at(start))
                )  # fmt: skip
                bucket.append((training_id, start))
                training_id += 1
            buckets[kec, year] = bucket
        copy_rows(
            Training,
            ["id", "title", "topic", "organiser", "start_date", "end_date", "place",
             "kecamatan_id", "capacity", "created_at"],
            rows,
        )  # fmt: skip
        return buckets

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
