"""Pass 2 of the demo seeder: rows written with COPY in one transaction (umkm.demo)."""

import datetime
import random
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify

from umkm.crypto import encrypt_nik, nik_blind_index
from umkm.demo.plan import PlanMixin, _Business, _quarter
from umkm.demo.profiles import (
    DISTRICT_SCALE_LIMIT,
    FIRST_TARGET_YEAR,
    MENTORED_SHARE,
    MENTORING_TOPICS,
    NAME_SUFFIXES,
    OTHER_NIK_AREAS,
    PHONE_PREFIXES,
    SECTOR_PROFILES,
    TRAINING_CAPACITY,
    TRAINING_TOPICS,
)
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
    Stage,
    Training,
    YearlyTarget,
    scale_for,
)

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


class _Seeder(PlanMixin):
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
