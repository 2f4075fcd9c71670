"""A small but awkward world for the report tests, and the figures it should give, computed
here in plain Python from the objects created (never through reports.selectors)."""

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from config.actors import SYSTEM
from tests.factories import (
    BusinessFactory,
    EnrolmentFactory,
    MentoringFactory,
    OwnerFactory,
    TrainingFactory,
    UserFactory,
    kelurahan,
    sector,
)
from umkm.models import (
    Business,
    BusinessStage,
    BusinessState,
    Kecamatan,
    Kelurahan,
    Stage,
    YearlyTarget,
)

D = datetime.date
CITY = "31.73"
GROGOL = "31.73.02"
CENGKARENG = "31.73.01"
OTHER_CITY_KELURAHAN = "31.71.01.1001"  # Gambir, Jakarta Pusat: never in our reports


@dataclass
class World:
    businesses: list = field(default_factory=list)
    owners: list = field(default_factory=list)
    trainings: list = field(default_factory=list)
    enrolments: list = field(default_factory=list)
    mentorings: list = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # (kecamatan code, year) -> target
    bazaars: list = field(default_factory=list)
    participations: list = field(default_factory=list)  # every one, any status
    cases: list = field(default_factory=list)


# name, kelurahan, sector, binaan_since, status, capital, stage code, nib
BUSINESSES = [
    (
        "=SUM(A1:A9)",
        "31.73.02.1002",
        "kuliner",
        D(2023, 2, 1),
        "aktif",
        50_000_000,
        "pelatihan",
        "0012345678901",
    ),
    (
        "Batik Bu Sari",
        "31.73.02.1002",
        "fesyen",
        D(2022, 6, 1),
        "aktif",
        2_000_000_000,
        "pendampingan",
        None,
    ),
    (
        "+62 Kopi",
        "31.73.02.1003",
        "kuliner",
        D(2023, 7, 15),
        "nonaktif",
        None,
        None,
        "9876543210123",
    ),
    (
        "-Rajut Minus",
        "31.73.02.1003",
        "kerajinan-tangan",
        D(2021, 1, 10),
        "naik_kelas",
        6_000_000_000,
        "perizinan",
        None,
    ),
    (
        "@Wangi Parfum",
        "31.73.02.1004",
        "parfum",
        D(2023, 12, 31),
        "aktif",
        None,
        "pendaftaran",
        None,
    ),
    ("Warung Nanti", "31.73.02.1004", "kuliner", D(2024, 1, 2), "aktif", 10_000_000, None, None),
    (
        "Jasa Cuci Cengkareng",
        "31.73.01.1001",
        "jasa",
        D(2023, 4, 4),
        "aktif",
        20_000_000,
        "pelatihan",
        "1111111111111",
    ),
    (
        "Roti Duri",
        "31.73.01.1002",
        "kuliner",
        D(2020, 3, 3),
        "aktif",
        90_000_000,
        "pemasaran",
        None,
    ),
    ("Tas Kosambi", "31.73.01.1002", "fesyen", D(2023, 9, 9), "naik_kelas", None, None, None),
    (
        "Gambir Snack",
        OTHER_CITY_KELURAHAN,
        "kuliner",
        D(2023, 5, 5),
        "aktif",
        1_000_000,
        "pelatihan",
        None,
    ),
]


def build_world() -> World:
    world = World()
    stages = {s.code: s for s in Stage.objects.all()}
    mentor = UserFactory(username="mentor-laporan")
    for name, kel, sec, since, status, capital, stage, nib in BUSINESSES:
        owner = OwnerFactory(
            kelurahan=kelurahan(kel), address=f"Jl. Rahasia No. {len(world.owners) + 7}"
        )
        business = BusinessFactory(
            name=name,
            owner=owner,
            kelurahan=kelurahan(kel),
            sector=sector(sec),
            binaan_since=since,
            status=status,
            capital=capital,
            yearly_omzet=None if capital else 3_000_000_000 if sec == "fesyen" else None,
            nib=nib,
        )
        if stage:
            Business.objects.filter(pk=business.pk).update(current_stage=stages[stage])
            BusinessStage.objects.create(business=business, stage=stages[stage], reached_on=since)
        business.refresh_from_db()
        world.owners.append(owner)
        world.businesses.append(business)
    b = world.businesses

    YearlyTarget.objects.create(kecamatan_id=GROGOL, year=2023, target=20)
    world.targets[(GROGOL, 2023)] = 20

    t_grogol = TrainingFactory(
        title="-Pelatihan Halal",
        kecamatan=Kecamatan.objects.get(code=GROGOL),
        start_date=D(2023, 3, 6),
        end_date=D(2023, 3, 8),
    )
    t_city = TrainingFactory(
        title="Pemasaran Digital Kota",
        kecamatan=None,
        start_date=D(2023, 8, 1),
        end_date=D(2023, 8, 2),
    )
    t_old = TrainingFactory(
        title="Pelatihan 2022",
        kecamatan=Kecamatan.objects.get(code=GROGOL),
        start_date=D(2022, 11, 1),
        end_date=D(2022, 11, 2),
    )
    t_pusat_with_ours = TrainingFactory(
        title="Pelatihan di Gambir",
        kecamatan=Kecamatan.objects.get(code="31.71.01"),
        start_date=D(2023, 10, 1),
        end_date=D(2023, 10, 1),
    )
    t_pusat_only = TrainingFactory(
        title="Pelatihan Pusat saja",
        kecamatan=Kecamatan.objects.get(code="31.71.01"),
        start_date=D(2023, 10, 2),
        end_date=D(2023, 10, 2),
    )
    t_cengkareng_empty = TrainingFactory(
        title="Pelatihan Cengkareng kosong",
        kecamatan=Kecamatan.objects.get(code=CENGKARENG),
        start_date=D(2023, 11, 1),
        end_date=D(2023, 11, 1),
    )
    world.trainings = [t_grogol, t_city, t_old, t_pusat_with_ours, t_pusat_only, t_cengkareng_empty]
    enrol = [
        (t_grogol, b[0], True, True),
        (t_grogol, b[1], True, False),
        (t_grogol, b[6], False, False),
        (t_city, b[6], True, True),
        (t_city, b[2], True, True),
        (t_old, b[0], True, True),
        (t_old, b[7], True, True),
        (t_pusat_with_ours, b[3], True, True),
        (t_pusat_with_ours, b[9], True, True),
        (t_pusat_only, b[9], True, False),
    ]
    for training, business, attended, passed in enrol:
        world.enrolments.append(
            EnrolmentFactory(training=training, business=business, attended=attended, passed=passed)
        )
    mentoring = [
        (b[0], D(2023, 1, 15), 5_000_000),
        (b[0], D(2023, 2, 15), 7_500_000),
        (b[1], D(2023, 2, 20), None),
        (b[3], D(2023, 6, 30), 1_250_000),
        (b[6], D(2023, 12, 31), 2_000_000),
        (b[7], D(2022, 12, 31), 9_000_000),
        (b[9], D(2023, 3, 1), 4_000_000),
    ]
    for business, date, omzet in mentoring:
        world.mentorings.append(
            MentoringFactory(business=business, date=date, monthly_omzet=omzet, mentor=mentor)
        )
    _bazaars(world)
    _certificates(world)
    return world


def _bazaars(world: World) -> None:
    from bazaars import services
    from tests.bazaars.factories import VenueFactory, bazaar

    b = world.businesses
    september = bazaar(
        title="=Bazar September",
        booths=10,
        days=[D(2023, 9, 25), D(2023, 9, 26)],
        venue=VenueFactory(kelurahan=kelurahan("31.73.02.1002")),
    )
    april_2022 = bazaar(
        title="Bazar April 2022",
        days=[D(2022, 4, 10)],
        venue=VenueFactory(kelurahan=kelurahan("31.73.01.1001")),
    )
    pusat = bazaar(
        title="Bazar Gambir",
        days=[D(2023, 11, 5)],
        venue=VenueFactory(kelurahan=kelurahan(OTHER_CITY_KELURAHAN)),
    )
    world.bazaars = [september, april_2022, pusat]
    accepted = services.participants_accept(
        actor=SYSTEM, bazaar=september, businesses=[b[0], b[6], b[9]]
    )
    accepted += services.participants_accept(actor=SYSTEM, bazaar=april_2022, businesses=[b[7]])
    accepted += services.participants_accept(actor=SYSTEM, bazaar=pusat, businesses=[b[9]])
    applied = services.participation_apply(actor=SYSTEM, bazaar=september, business=b[1])
    world.participations = [*accepted, applied]
    day1, day2 = september.days.order_by("date")
    by_business = {p.business_id: p for p in accepted if p.bazaar_id == september.pk}
    for business, day, omzet in [
        (b[0], day1, 1_500_000),
        (b[0], day2, 2_000_000),
        (b[6], day1, 750_000),
        (b[9], day2, 5_000_000),
    ]:
        services.attendance_set(actor=SYSTEM, participation=by_business[business.pk], day=day)
        services.daily_sales_record(
            actor=SYSTEM,
            participation=by_business[business.pk],
            day=day,
            omzet=omzet,
            transactions=3,
        )


def _certificates(world: World) -> None:
    from tests.certifications.factories import issued_case, submitted_case

    b = world.businesses
    world.cases = [
        issued_case(b[0], "pirt", issued_on=D(2023, 3, 15)),
        submitted_case(b[4], "bpom-kosmetik"),
        issued_case(b[6], "bpom-md", issued_on=D(2019, 1, 10)),
        issued_case(b[7], "nib", issued_on=D(2023, 6, 1)),
        issued_case(b[1], "merek", issued_on=D(2022, 2, 2)),
        submitted_case(b[9], "pirt"),
    ]


# --- The expected figures, in plain Python ---------------------------------------------------


def _in(code: str, kelurahan_code: str) -> bool:
    return kelurahan_code.startswith(code + ".")


def state_on(business, day: datetime.date):
    """The business's BusinessState row whose range holds `day` (read in Python)."""
    for state in BusinessState.objects.filter(business=business):
        lower, upper = state.valid.lower, state.valid.upper
        if (lower is None or lower <= day) and (upper is None or day < upper):
            return state
    return None


def moved_up(business, start: datetime.date, on: datetime.date) -> bool:
    """A change of the business's status into naik kelas from `start` to `on` (in Python)."""
    states = sorted(
        BusinessState.objects.filter(business=business),
        key=lambda s: s.valid.lower or datetime.date.min,
    )
    return any(
        b.status == "naik_kelas" and a.status != "naik_kelas" and start <= b.valid.lower <= on
        for a, b in itertools.pairwise(states)
    )


def stage_on(business, on: datetime.date) -> str:
    reached = [s.stage for s in BusinessStage.objects.filter(business=business, reached_on__lte=on)]
    return max(reached, key=lambda st: st.order).code if reached else "none"


def stage_name(business, on: datetime.date) -> str:
    code = stage_on(business, on)
    return "" if code == "none" else Stage.objects.get(code=code).name


def median_or_none(values):
    import statistics

    return round(statistics.median(values)) if values else None


def omzet_median(sessions) -> int | None:
    """The median over businesses of each one's average reported monthly omzet."""
    per_business = defaultdict(list)
    for m in sessions:
        if m.monthly_omzet is not None:
            per_business[m.business_id].append(m.monthly_omzet)
    return median_or_none([sum(v) / len(v) for v in per_business.values()])


def prorated(yearly: dict, start: datetime.date, end: datetime.date) -> int:
    """Pro-rated target, by the plain count of days in each year (half up)."""
    import math

    total = 0.0
    for year, target in yearly.items():
        first, last = max(start, D(year, 1, 1)), min(end, D(year, 12, 31))
        if first <= last:
            total += (
                target * ((last - first).days + 1) / ((D(year, 12, 31) - D(year, 1, 1)).days + 1)
            )
    return math.floor(total + 0.5 + 1e-9)


def a_year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def expected(world: World, scope: str, start: datetime.date, end: datetime.date) -> dict:
    is_city = len(scope) == 5
    if is_city:
        areas = list(Kecamatan.objects.filter(city_id=scope).values_list("code", flat=True))
    else:
        areas = list(Kelurahan.objects.filter(kecamatan_id=scope).values_list("code", flat=True))
    years = range(start.year, end.year + 1)
    on = min(end, datetime.date.today())

    def area_of(kel_code):
        return kel_code[:8] if is_city else kel_code

    # Each business in the register on the reference day, with its kelurahan of that day.
    register = {}
    for biz in world.businesses:
        state = state_on(biz, on)
        if biz.binaan_since <= on and state is not None and _in(scope, state.kelurahan_id):
            register[biz.pk] = (biz, state)

    rows = {a: defaultdict(int) for a in areas}
    sectors, scales, stages = (
        defaultdict(lambda: [0, 0]),
        defaultdict(lambda: [0, 0]),
        defaultdict(lambda: [0, 0]),
    )
    for biz, state in register.values():
        row = rows[area_of(state.kelurahan_id)]
        is_new = start <= biz.binaan_since <= on
        is_active = state.status == "aktif"
        row["active"] += is_active
        row["new"] += is_new
        row["naik_kelas"] += moved_up(biz, start, on)
        for table, key in (
            (sectors, biz.sector.code),
            (scales, state.scale or "unknown"),
            (stages, stage_on(biz, on)),
        ):
            table[key][0] += is_active
            table[key][1] += is_new
    # Owners (distinct) of active and of new businesses, by gender and by age on the day.
    owners = {}
    for biz, state in register.values():
        flags = owners.setdefault(biz.owner_id, [biz.owner, False, False])
        flags[1] |= state.status == "aktif"
        flags[2] |= start <= biz.binaan_since <= on
    genders, ages = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for owner, is_active, is_new in owners.values():
        if owner.birth_date is None:
            age_group = "unknown"
        else:
            born = owner.birth_date
            age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
            age_group = next(
                key
                for key, lowest in (
                    ("55", 55),
                    ("45_54", 45),
                    ("35_44", 35),
                    ("25_34", 25),
                    ("u25", 0),
                )
                if age >= lowest
            )
        for table, key in ((genders, owner.gender or "unknown"), (ages, age_group)):
            table[key][0] += is_active
            table[key][1] += is_new
    people, businesses, passed = defaultdict(set), defaultdict(set), defaultdict(set)
    for e in world.enrolments:
        if e.business_id in register and start <= e.training.start_date <= end:
            area = area_of(register[e.business_id][1].kelurahan_id)
            for key in (area, "total"):
                rows.setdefault(key, defaultdict(int))["enrolments"] += 1
                people[key].add(e.owner_id)
                businesses[key].add(e.business_id)
                if e.passed:
                    passed[key].add(e.owner_id)
    now_sessions, before_sessions = defaultdict(list), defaultdict(list)
    months = defaultdict(list)
    before_first, before_last = a_year_before(start), a_year_before(on)
    for m in world.mentorings:
        if m.business_id not in register:
            continue
        area = area_of(register[m.business_id][1].kelurahan_id)
        if start <= m.date <= on:
            now_sessions[area].append(m)
            now_sessions["total"].append(m)
            months[m.date.strftime("%Y-%m")].append(m)
        if before_first <= m.date <= before_last:
            before_sessions[area].append(m)
            before_sessions["total"].append(m)
    for a in [*areas, "total"]:
        row = rows.setdefault(a, defaultdict(int))
        row["trainees"] = len(people[a])
        row["trainee_businesses"] = len(businesses[a])
        row["passed"] = len(passed[a])
        row["sessions"] = len(now_sessions[a])
        row["mentored"] = len({m.business_id for m in now_sessions[a]})
        row["omzet"] = omzet_median(now_sessions[a])
        row["omzet_before"] = omzet_median(before_sessions[a])
        row["omzet_change"] = (
            round(100 * (row["omzet"] - row["omzet_before"]) / row["omzet_before"], 1)
            if row["omzet"] is not None and row["omzet_before"]
            else None
        )
    kecamatan_codes = areas if is_city else [scope]
    targets = {
        k: prorated({y: world.targets.get((k, y), 18) for y in years}, start, end)
        for k in kecamatan_codes
    }
    if is_city:
        for a in areas:
            rows[a]["target"] = targets[a]
            rows[a]["target_pct"] = round(100 * rows[a]["new"] / targets[a], 1)

    trainings = {}
    for t in world.trainings:
        if not start <= t.start_date <= end:
            continue
        ours = [e for e in world.enrolments if e.training == t and e.business_id in register]
        held_here = (t.kecamatan_id is None and is_city) or (
            t.kecamatan_id is not None
            and (t.kecamatan_id == scope or t.kecamatan_id.startswith(scope + "."))
        )
        if held_here or ours:
            trainings[str(t.pk)] = {"trainees": len(ours), "passed": sum(e.passed for e in ours)}

    total = {"enrolments": 0, **rows.pop("total")}
    for k in ("active", "new", "naik_kelas"):
        total[k] = sum(rows[a][k] for a in areas)
    total["target"] = sum(targets.values())
    total["target_pct"] = round(100 * total["new"] / total["target"], 1)
    summary = {**total, "trainings": len(trainings)}
    all_months = []
    month = start.replace(day=1)
    while month <= end:
        all_months.append(month.strftime("%Y-%m"))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    bazaar_summary, bazaar_detail = _expected_bazaars(world, scope, start, end, areas, area_of)
    summary.update(bazaar_summary)
    certificates = _expected_certificates(world, scope, start, end)
    summary.update(
        cert_issued=sum(r["issued_in_period"] for r in certificates.values()),
        cert_in_process=sum(r["in_process"] for r in certificates.values()),
        cert_expiring=sum(r["expiring"] for r in certificates.values()),
    )
    return {
        **bazaar_detail,
        "certificates": certificates,
        "summary": summary,
        "areas": {a: dict(rows[a]) for a in areas},
        "total": total,
        "sectors": dict(sectors),
        "scales": dict(scales),
        "stages": dict(stages),
        "genders": dict(genders),
        "ages": dict(ages),
        "months": {
            m: (len(months[m]), len({x.business_id for x in months[m]}), omzet_median(months[m]))
            for m in all_months
        },
        "trainings": trainings,
        "business_rows": [
            (b, register[b.pk][1], stage_name(b, on))
            for b in sorted(
                (b for b, _state in register.values()),
                key=lambda b: (register[b.pk][1].kelurahan_id, b.name, b.pk),
            )
        ],
        "businesses": sorted(
            (b for b, _state in register.values()),
            key=lambda b: (register[b.pk][1].kelurahan_id, b.name, b.pk),
        ),
    }


def _state_on(biz, day):
    """The business's row of the register on `day` (its dated state), or None before it was
    mentored."""
    from umkm.models import BusinessState

    if biz.binaan_since > day:
        return None
    return BusinessState.objects.get(business=biz, valid__contains=day)


def _reference_day(end):
    import django.utils.timezone

    return min(end, django.utils.timezone.localdate())


def _expected_bazaars(world, scope, start, end, areas, area_of) -> tuple[dict, dict]:
    """Held: published bazaars with a day in [start, reference day]; each participation counts
    for its business's area on the reference day."""
    on = _reference_day(end)
    names = ("applications", "participants", "attended", "omzet", "transactions")
    bazaar_rows = {a: dict.fromkeys((*names, "never"), 0) for a in areas}
    per_bazaar = {}

    def held_days(z):
        return [d for d in z.days.all() if start <= d.date <= on]

    held_bazaars = [z for z in world.bazaars if z.status == "published" and held_days(z)]
    for p in world.participations:
        p.refresh_from_db()
        z = p.bazaar
        state = _state_on(p.business, on)
        if z not in held_bazaars or state is None or not _in(scope, state.kelurahan_id):
            continue
        accepted = p.status == "accepted"
        days = {d.pk for d in held_days(z)}
        sales = [s for s in p.daily_sales.all() if s.day_id in days]
        for row in (
            bazaar_rows[area_of(state.kelurahan_id)],
            per_bazaar.setdefault(z.pk, dict.fromkeys(names, 0)),
        ):
            row["applications"] += 1
            row["participants"] += accepted
            row["attended"] += accepted and any(a.day_id in days for a in p.attendances.all())
            row["omzet"] += sum(s.omzet for s in sales) if accepted else 0
            row["transactions"] += sum(s.transactions for s in sales) if accepted else 0
    for biz in world.businesses:
        state = _state_on(biz, on)
        if state is None or not _in(scope, state.kelurahan_id) or state.status != "aktif":
            continue
        been = any(
            p.business_id == biz.pk
            and p.status == "accepted"
            and p.bazaar.status == "published"
            and any(d.date <= on for d in p.bazaar.days.all())
            for p in world.participations
        )
        bazaar_rows[area_of(state.kelurahan_id)]["never"] += not been
    held = [
        z
        for z in held_bazaars
        if z.pk in per_bazaar or z.venue.kelurahan_id.startswith(scope + ".")
    ]
    total = {k: sum(r[k] for r in bazaar_rows.values()) for k in (*names, "never")}
    for row in [*bazaar_rows.values(), total]:
        row["per_participant"] = (
            row["omzet"] // row["participants"] if row["participants"] else None
        )
    listed = {}
    booths = filled = 0
    for z in held:
        z_filled = z.participations.filter(status="accepted", booth__isnull=False).count()
        booths, filled = booths + z.booth_count, filled + z_filled
        listed[str(z.pk)] = {
            "days_held": len(held_days(z)),
            "booths": z.booth_count,
            "booths_filled": z_filled,
            "booth_fill": round(100 * z_filled / z.booth_count, 1),
            **per_bazaar.get(z.pk, dict.fromkeys(names, 0)),
        }
    detail = {"bazaar_areas": bazaar_rows, "bazaar_total": total, "bazaar_list": listed}
    return {
        "bazaars": len(held),
        "bazaar_days": sum(r["days_held"] for r in listed.values()),
        "bazaar_applications": total["applications"],
        "bazaar_participants": total["participants"],
        "bazaar_attended": total["attended"],
        "bazaar_omzet": total["omzet"],
        "bazaar_transactions": total["transactions"],
        "bazaar_omzet_each": total["per_participant"],
        "bazaar_booth_fill": round(100 * filled / booths, 1) if booths else None,
        "never_bazaar": total["never"],
    }, detail


def case_on(case, *, start, on) -> dict:
    """A case's state on `on`, read from its transitions in plain Python."""
    import datetime as dt
    import zoneinfo

    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    until = dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min, tzinfo=jakarta)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=jakarta)
    steps = list(case.transitions.order_by("at", "id"))
    rejected = any(t.to_status == "rejected" and t.at < until for t in steps)
    valid = [
        t
        for t in steps
        if t.to_status == "issued"
        and t.issued_on <= on
        and (t.expires_on is None or t.expires_on >= on)
    ]
    before = [t for t in steps if t.at < until]
    held = bool(valid) and not rejected
    return {
        "held": held,
        "expiring": held
        and max(t.expires_on or dt.date.max for t in valid) <= on + dt.timedelta(days=30),
        "in_process": bool(before) and before[-1].to_status in ("referred", "submitted"),
        "issued": sum(t.to_status == "issued" and start <= t.issued_on <= on for t in steps),
        "rejected": any(t.to_status == "rejected" and since <= t.at < until for t in steps),
    }


def applies(cert_type, business) -> bool:
    if cert_type.applies_to == "food":
        return business.sector.is_food
    if cert_type.applies_to == "sector":
        return business.sector_id == cert_type.applies_to_sector_id
    return True


def _expected_certificates(world, scope, start, end) -> dict:
    from certifications.models import CertificateType

    on = _reference_day(end)
    states = {b.pk: _state_on(b, on) for b in world.businesses}
    ours = {pk for pk, s in states.items() if s is not None and _in(scope, s.kelurahan_id)}
    active = {pk for pk in ours if states[pk].status == "aktif"}
    result = {}
    for cert_type in CertificateType.objects.all():
        holders, in_process, expiring, issued, rejected = set(), set(), set(), 0, 0
        for case in world.cases:
            if case.type_id != cert_type.pk or case.business_id not in ours:
                continue
            state = case_on(case, start=start, on=on)
            issued += state["issued"]
            rejected += state["rejected"]
            if case.business_id in active:
                if state["held"]:
                    holders.add(case.business_id)
                if state["in_process"]:
                    in_process.add(case.business_id)
                if state["expiring"]:
                    expiring.add(case.business_id)
        in_process -= holders
        applicable = {b.pk for b in world.businesses if b.pk in active and applies(cert_type, b)}
        result[cert_type.code] = {
            "valid": len(holders),
            "valid_pct": round(100 * len(holders & applicable) / len(applicable), 1)
            if applicable
            else None,
            "in_process": len(in_process),
            "expiring": len(expiring),
            "needed": len(applicable - holders - in_process),
            "issued_in_period": issued,
            "rejected": rejected,
        }
    return result


AREA_COLUMNS = ["active", "new", "naik_kelas"]
PROGRAM_COLUMNS = [
    "trainees",
    "trainee_businesses",
    "enrolments",
    "passed",
    "sessions",
    "mentored",
    "omzet",
    "omzet_before",
    "omzet_change",
]
SUMMARY_KEYS = [
    "active",
    "new",
    "target",
    "target_pct",
    "naik_kelas",
    "trainings",
    "trainees",
    "trainee_businesses",
    "enrolments",
    "passed",
    "sessions",
    "mentored",
    "omzet",
    "omzet_before",
    "omzet_change",
    "bazaars",
    "bazaar_days",
    "bazaar_applications",
    "bazaar_participants",
    "bazaar_attended",
    "bazaar_omzet",
    "bazaar_transactions",
    "bazaar_omzet_each",
    "bazaar_booth_fill",
    "never_bazaar",
    "cert_issued",
    "cert_in_process",
    "cert_expiring",
]


def expected_cells(exp: dict, *, is_city: bool) -> dict[str, str]:
    """The expected figures named as the dashboard names its cells (data-figure)."""
    from umkm.models import Scale, Sector, Stage

    cells = {}
    for key in SUMMARY_KEYS:
        value = exp["summary"][key]
        cells[f"ringkasan.{key}.value"] = cells[f"kartu.{key}"] = (
            "" if value is None else str(value)
        )
    columns = AREA_COLUMNS + (["target", "target_pct"] if is_city else [])
    for code, row in [*exp["areas"].items(), ("total", exp["total"])]:
        for column in columns:
            cells[f"wilayah.{code}.{column}"] = str(row.get(column, 0))
        for column in PROGRAM_COLUMNS:
            value = row.get(column, 0)
            cells[f"wilayah_program.{code}.{column}"] = "" if value is None else str(value)
    for name, keys in (
        ("sektor", Sector.objects.values_list("code", flat=True)),
        ("skala", [value or "unknown" for value in Scale.values]),
        ("tahap", [*Stage.objects.values_list("code", flat=True), "none"]),
        ("gender", ["L", "P", "unknown"]),
        ("usia", ["u25", "25_34", "35_44", "45_54", "55", "unknown"]),
    ):
        table = exp[
            {
                "sektor": "sectors",
                "skala": "scales",
                "tahap": "stages",
                "gender": "genders",
                "usia": "ages",
            }[name]
        ]
        for key in keys:
            active, new = table.get(key, [0, 0])
            cells[f"{name}.{key}.active"] = str(active)
            cells[f"{name}.{key}.new"] = str(new)
    for month, (sessions, mentored, omzet) in exp["months"].items():
        cells[f"omzet.{month}.sessions"] = str(sessions)
        cells[f"omzet.{month}.mentored"] = str(mentored)
        cells[f"omzet.{month}.omzet"] = "" if omzet is None else str(omzet)
    for code, row in [*exp["bazaar_areas"].items(), ("total", exp["bazaar_total"])]:
        for column, value in row.items():
            cells[f"bazar_wilayah.{code}.{column}"] = "" if value is None else str(value)
    for pk, row in exp["bazaar_list"].items():
        for column, value in row.items():
            cells[f"bazar.{pk}.{column}"] = "" if value is None else str(value)
    for code, row in exp["certificates"].items():
        for column, value in row.items():
            cells[f"sertifikat.{code}.{column}"] = "" if value is None else str(value)
    for pk, row in exp["trainings"].items():
        cells[f"pelatihan.{pk}.trainees"] = str(row["trainees"])
        cells[f"pelatihan.{pk}.passed"] = str(row["passed"])
    return cells
