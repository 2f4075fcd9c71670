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

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction

from umkm import roles
from umkm.demo.profiles import (  # noqa: F401  (used by other apps' demos)
    DEMO_PASSWORD,
    FIRST_TARGET_YEAR,
    MENTORING_TOPICS,
    OPERATOR_KECAMATAN,
)
from umkm.demo.seeder import _Seeder
from umkm.models import (
    Business,
    BusinessStage,
    BusinessState,
    Enrolment,
    Kecamatan,
    Mentoring,
    Owner,
    StaffProfile,
    Training,
)


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
