"""Demo mentors (`manage.py seed_demo`, after the register): the register's pendamping01..08
become mentors (not staff, group Pendamping) working in one kecamatan each, each assigned
40-60 active businesses of it (those they already mentored first), with monthly reports
through last month (a few gaps; workers and assets filled in) and some of this month's.
Written in bulk in one transaction; when mentors exist the part is complete and kept."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from mentors.models import Assignment, Mentor
from mentors.selectors import add_months
from umkm import roles
from umkm.demo import DEMO_PASSWORD, MENTORING_TOPICS
from umkm.demo_copy import copy_rows, next_id, sync_sequence
from umkm.models import Business, BusinessStatus, Kecamatan, Mentoring
from umkm.services import mentoring_mark_stage

MENTORS = 8
CASELOAD = (40, 60)
MONTHS = 6  # reports for the 6 months before this one
GAP_SHARE = 0.06
THIS_MONTH_SHARE = 0.35
SURNAMES = ["Lestari", "Hidayat", "Siregar", "Wibowo"]


def ensure_accounts() -> list[tuple[str, str]]:
    """The demo mentors' sign-in (demo installs only): the shared demo password."""
    listed = []
    mentors = Mentor.objects.select_related("user").prefetch_related("kecamatan")
    for mentor in mentors.order_by("user__username"):
        user = mentor.user
        user.is_staff = False
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password", "is_staff"])
        kecamatan = ", ".join(k.name for k in mentor.kecamatan.all())
        listed.append((user.username, f"{roles.PENDAMPING} ({kecamatan}) /pendamping/"))
    return listed


def seed(*, businesses: int, seed: int, stdout, if_empty: bool = False) -> None:
    if Mentor.objects.exists():
        stdout.write("  mentors already present: kept")
        return
    rnd = random.Random(seed + 15)  # noqa: S311  (demo data, repeatable)
    with transaction.atomic():
        counts = _seed(rnd)
    stdout.write(
        f"  {counts['mentors']} mentors, {counts['assignments']} assignments, "
        f"{counts['reports']} reports added"
    )


def _seed(rnd: random.Random) -> dict:
    from django.conf import settings

    User = get_user_model()
    today = timezone.localdate()
    this_month = today.replace(day=1)
    group = Group.objects.get(name=roles.PENDAMPING)
    kecamatan = list(
        Kecamatan.objects.filter(city_id=settings.OFFICE_CITY_CODE).order_by("code")[:MENTORS]
    )
    users = list(User.objects.filter(username__startswith="pendamping").order_by("username"))
    users = users[:MENTORS]
    for i in range(len(users) + 1, MENTORS + 1):
        users.append(
            User.objects.create(username=f"pendamping{i:02d}", first_name=f"Pendamping {i}")
        )
    assignments, reports, first_reports = [], [], []
    report_id = next_id(Mentoring)
    for i, (user, kec) in enumerate(zip(users, kecamatan, strict=False)):
        user.is_staff = False
        user.set_password(DEMO_PASSWORD)
        user.last_name = ""
        user.save()
        user.groups.add(group)
        name = f"{user.first_name or 'Pendamping'} {SURNAMES[i % len(SURNAMES)]}"
        mentor = Mentor.objects.create(
            user=user,
            full_name=name,
            phone=f"0812{1000000 + i * 7919:07d}",
            email=f"{user.username}@example.org",
        )
        mentor.kecamatan.set([kec])
        pool = _pool(kec, user)
        chosen = pool[: rnd.randint(*CASELOAD)]
        reported = set(
            Mentoring.objects.filter(
                business_id__in=chosen, month__gte=add_months(this_month, -MONTHS)
            ).values_list("business_id", "month")
        )
        ever = set(
            Mentoring.objects.filter(business_id__in=chosen).values_list("business_id", flat=True)
        )
        for bid in chosen:
            start = add_months(this_month, -MONTHS - rnd.randint(0, 6))
            assignments.append(Assignment(business_id=bid, mentor=mentor, start=start))
            omzet = rnd.randint(2, 40) * 1_000_000
            male, female = rnd.randint(0, 3), rnd.randint(0, 4)
            assets = rnd.randint(5, 200) * 1_000_000
            for back in range(MONTHS, -1, -1):
                month = add_months(this_month, -back)
                if (bid, month) in reported:
                    continue
                if back == 0 and rnd.random() > THIS_MONTH_SHARE:
                    continue
                if back and rnd.random() < GAP_SHARE:
                    continue
                last = today if back == 0 else add_months(month, 1) - datetime.timedelta(days=1)
                day = month + datetime.timedelta(days=rnd.randint(0, (last - month).days))
                omzet = int(omzet * rnd.uniform(0.95, 1.12)) // 10_000 * 10_000
                at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
                reports.append(
                    (report_id, user.pk, bid, month, day, rnd.choice(MENTORING_TOPICS), "",
                     omzet, male, female, assets, "{}", "", at, at)
                )  # fmt: skip
                report_id += 1
                if bid not in ever:
                    ever.add(bid)
                    first_reports.append((bid, day))
    Assignment.objects.bulk_create(assignments)
    copy_rows(
        Mentoring,
        ["id", "mentor_id", "business_id", "month", "date", "topic", "notes", "monthly_omzet",
         "workers_male", "workers_female", "assets", "needs", "photo", "created_at",
         "updated_at"],
        reports,
    )  # fmt: skip
    sync_sequence(Mentoring)
    with connection.cursor() as cursor:  # the register's own reports get workers and assets
        cursor.execute(
            "UPDATE umkm_mentoring SET workers_male = id %% 3, workers_female = 1 + id %% 4, "
            "assets = (5 + id %% 150) * 1000000 WHERE workers_male IS NULL AND month >= %s",
            [add_months(this_month, -MONTHS)],
        )
    from config.actors import SYSTEM

    for business in Business.objects.filter(pk__in=[b for b, _d in first_reports]):
        day = dict(first_reports)[business.pk]
        mentoring_mark_stage(actor=SYSTEM, business=business, on=day)
    return {"mentors": len(users), "assignments": len(assignments), "reports": len(reports)}


def _pool(kec, user) -> list[int]:
    """Active businesses of the kecamatan: those this mentor reported on most recently first."""
    from django.db.models import F, Max, Q

    return list(
        Business.objects.filter(kelurahan__kecamatan=kec, status=BusinessStatus.AKTIF)
        .annotate(last=Max("mentorings__month", filter=Q(mentorings__mentor=user)))
        .order_by(F("last").desc(nulls_last=True), "id")
        .values_list("id", flat=True)[:200]
    )
