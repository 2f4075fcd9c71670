"""Demo certificate cases for the Jakarta Barat businesses (`manage.py seed_demo`).

Runs after the register's seeder. Every case has a real timeline: it is found needed some time
after the business's first training (or when it reached the Perizinan stage), referred to Sudin
PPKUKM a few weeks later, submitted, then issued or rejected after as long as that agency takes
(NIB in days through OSS, halal self-declare in weeks, BPOM and trademarks in months). A step
that would fall after today has not happened yet, so recent cases are still in process and old
ones are decided; a business that left the programme (nonaktif, naik kelas) stops where it was.
Issued certificates expire by their type's rule: many issued in 2016-2021 have expired, some are
renewed (issued -> submitted -> issued, the old number kept on the transition that left it),
and a few expire within the next 30 days. A rejected case is sometimes followed by a new one.

Cases are built in bulk (thousands of them) but with the same rules as the services: numbers
that pass the type's validator, expiry dates from the type's rule, only allowed transitions,
a note on every rejection, and a transition for every step, dated in order, the last one
ending in the case's status. Repeatable with the same seed. It is written in one transaction:
when cases exist, the part is complete and it does nothing.
"""

import datetime
import random

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from certifications import rules
from certifications.models import (
    CaseStatus,
    CaseTransition,
    CertificateCase,
    CertificateType,
    HalalRoute,
)
from umkm.demo_copy import copy_rows, next_id, sync_sequence
from umkm.models import Business, BusinessStage, BusinessState, BusinessStatus

REJECT_NOTES = [
    "Dokumen pendukung tidak lengkap (foto tempat produksi).",
    "Komposisi bahan belum memenuhi syarat jalur self-declare.",
    "Label kemasan belum sesuai ketentuan.",
]
RENEWAL_NOTE = "Perpanjangan: masa berlaku sertifikat habis"
# Days from one step to the next: needed -> referred, referred -> submitted, submitted -> decided.
STEP_DAYS = {
    "pirt": ((7, 45), (7, 30), (14, 60)),
    "halal": ((7, 45), (7, 40), (21, 120)),
    "bpom-md": ((14, 60), (14, 60), (60, 240)),
    "bpom-kosmetik": ((14, 60), (14, 45), (30, 120)),
    "nib": ((1, 14), (1, 7), (1, 7)),
    "merek": ((14, 60), (14, 60), (180, 540)),
}
VALIDITY_YEARS = {"pirt": 5}  # from the number's last two digits, 5 years after issue
EXPIRING_SHARE = 0.04  # issued cases placed so that they expire within the next 30 days
RENEWAL_SHARE = 0.45  # of expired certificates
RETRY_SHARE = 0.35  # of rejected cases: a new case later


class _Builder:
    def __init__(self, rnd: random.Random, today: datetime.date):
        self.rnd = rnd
        self.today = today
        self.types = {t.code: t for t in CertificateType.objects.all()}
        self.cases: list[list] = []  # per case: business, type, product, route, status, ...
        self.steps: list[list[tuple]] = []  # per case: (to_status, day, note, number, issued, exp)
        self.serial = 0

    def number(self, code: str, issued_on: datetime.date) -> str:
        self.serial += 1
        rnd, s = self.rnd, self.serial
        if code == "halal":
            return f"ID3173{rnd.randint(0, 99999999):08d}{s % 100000:05d}"
        if code == "pirt":
            food_type, series = rnd.randint(1, 15), rnd.randint(1, 99)
            expiry_year = rules.add_years(issued_on, 5).year
            return f"2{food_type:02d}3173{series:02d}{s % 10000:04d}{expiry_year % 100:02d}"
        if code == "bpom-md":
            return f"MD{rnd.randint(2, 3)}{rnd.randint(10000000000, 99999999999)}"
        if code == "bpom-kosmetik":
            return f"NA18{issued_on:%y}{rnd.randint(1, 99):02d}{s % 100000:05d}"
        if code == "nib":
            return f"91{rnd.randint(0, 99999999999):011d}"
        return f"IDM{rnd.randint(0, 999999999):09d}"

    def _issue(self, code: str, day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
        cert_type = self.types[code]
        number = cert_type.validate_number(self.number(code, day))
        return number, day, cert_type.computed_expiry(number=number, issued_on=day)

    def _gap(self, code: str, step: int) -> datetime.timedelta:
        low, high = STEP_DAYS[code][step]
        return datetime.timedelta(days=self.rnd.randint(low, high))

    def add(self, business, code: str, *, start: datetime.date, stop: datetime.date,
            product: str = "", outcome: str = rules.ISSUED, retry: bool = True):  # fmt: skip
        """One case found needed on `start`: its steps up to `stop` (today, or the day the
        business left the programme), towards `outcome` (issued, rejected, or needed/referred
        for a case that stalls)."""
        rnd = self.rnd
        cert_type = self.types[code]
        years = cert_type.validity_years or VALIDITY_YEARS.get(code)
        path = {
            rules.ISSUED: [rules.NEEDED, rules.REFERRED, rules.SUBMITTED, rules.ISSUED],
            rules.REJECTED: [rules.NEEDED, rules.REFERRED, rules.SUBMITTED, rules.REJECTED],
            rules.REFERRED: [rules.NEEDED, rules.REFERRED],
            rules.NEEDED: [rules.NEEDED],
        }[outcome]
        days = [start]
        for i in range(1, len(path)):
            days.append(days[-1] + self._gap(code, i - 1))
        if outcome == rules.ISSUED and years and rnd.random() < EXPIRING_SHARE:
            # Issued `years` ago less a few days: it expires within the next 30 days.
            issued = rules.add_years(
                self.today + datetime.timedelta(days=rnd.randint(1, 30)), -years
            )
            shift = issued - days[-1]
            if days[0] + shift >= business.binaan_since:
                days = [d + shift for d in days]
        steps = []
        for status, day in zip(path, days, strict=True):
            if day > stop or day < business.binaan_since:
                break
            note = rnd.choice(REJECT_NOTES) if status == rules.REJECTED else ""
            issued = self._issue(code, day) if status == rules.ISSUED else ("", None, None)
            steps.append((status, day, note, *issued))
        if not steps:
            return
        status, day, _note, number, issued_on, expires_on = steps[-1]
        # Renewal of an expired certificate, around its expiry date.
        if (
            status == rules.ISSUED
            and expires_on
            and expires_on < stop
            and rnd.random() < RENEWAL_SHARE
        ):
            renew = max(day + datetime.timedelta(days=30),
                        expires_on + datetime.timedelta(days=rnd.randint(-60, 30)))  # fmt: skip
            if renew <= stop:
                steps.append((rules.SUBMITTED, renew, RENEWAL_NOTE, number, issued_on, expires_on))
                again = renew + self._gap(code, 2)
                if again <= stop:
                    steps.append((rules.ISSUED, again, "", *self._issue(code, again)))
        final = steps[-1]
        issued = final[3:] if final[0] == rules.ISSUED else ("", None, None)
        route = (
            rnd.choice([HalalRoute.SELF_DECLARE] * 4 + [HalalRoute.REGULAR])
            if code == "halal"
            else ""
        )
        product = product if cert_type.per_product else ""
        self.cases.append([business.pk, cert_type.pk, product, route, final[0], *issued])
        self.steps.append(steps)
        if final[0] == rules.REJECTED and retry and rnd.random() < RETRY_SHARE:
            again = final[1] + datetime.timedelta(days=rnd.randint(30, 180))
            self.add(business, code, start=again, stop=stop, product=product, retry=False)

    def _at(self, day: datetime.date) -> datetime.datetime:
        minutes = self.rnd.randint(0, 7 * 60)
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(minutes=minutes)
        )

    def save(self) -> int:
        """COPY the cases (their kecamatan is set by the database's trigger) and their
        transitions: the first step opens a case, the last one is its status."""
        now = timezone.now()
        case_id, transition_id = next_id(CertificateCase), next_id(CaseTransition)
        cases, transitions = [], []
        for fields, steps in zip(self.cases, self.steps, strict=True):
            previous = ""
            ats = []
            for status, day, note, number, issued_on, expires_on in steps:
                if not rules.transition_allowed(previous, status):
                    raise ValueError(f"demo case: {previous!r} -> {status!r} is not allowed")
                ats.append(min(self._at(day), now))
                transitions.append(
                    (transition_id, case_id, previous, status, ats[-1], note, number,
                     issued_on, expires_on)
                )  # fmt: skip
                transition_id += 1
                previous = status
            cases.append((case_id, *fields, ats[-1], False, "", "", ats[0], ats[-1]))
            case_id += 1
        copy_rows(
            CertificateCase,
            ["id", "business_id", "type_id", "product", "halal_route", "status", "number",
             "issued_on", "expires_on", "status_changed_at", "expiry_overridden",
             "expiry_override_reason", "note", "created_at", "updated_at"],
            cases,
        )  # fmt: skip
        copy_rows(
            CaseTransition,
            ["id", "case_id", "from_status", "to_status", "at", "note", "number", "issued_on",
             "expires_on"],
            transitions,
        )  # fmt: skip
        sync_sequence(CertificateCase)
        sync_sequence(CaseTransition)
        return len(cases)


def _first_product(business) -> str:
    text = (business.products or "").split(",")[0].strip().rstrip(".")
    return text[:150] or "Produk utama"


def seed(*, businesses: int, seed: int, stdout, if_empty: bool = False) -> None:
    """A realistic mix for the office's businesses: most Kuliner with PIRT and/or halal, NIB
    for many, a few BPOM MD and cosmetics notifications (parfum), trademarks."""
    if CertificateCase.objects.exists():
        stdout.write("  certificate cases already present: nothing to do.")
        return
    rnd = random.Random(seed + 5)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    builder = _Builder(rnd, today)
    qs = (
        Business.objects.filter(kelurahan__kecamatan__city_id=settings.OFFICE_CITY_CODE)
        .select_related("sector")
        .order_by("id")
    )
    ids = qs.values("id")
    left = dict(
        BusinessState.objects.filter(business__in=ids)
        .exclude(status=BusinessStatus.AKTIF)
        .values("business")
        .annotate(first=Min("valid__startswith"))
        .values_list("business", "first")
    )
    stages = {}
    for business_id, code, day in BusinessStage.objects.filter(
        business__in=ids, stage__code__in=["pelatihan", "perizinan"]
    ).values_list("business_id", "stage__code", "reached_on"):
        stages[business_id, code] = day
    outcomes = [rules.ISSUED, rules.REJECTED, rules.REFERRED, rules.NEEDED]
    with transaction.atomic():
        for business in qs.iterator(chunk_size=2000):
            r = rnd.random
            stop = min(left.get(business.pk) or today, today)
            trained = stages.get((business.pk, "pelatihan"))
            licensing = stages.get((business.pk, "perizinan"))

            def start(business=business, trained=trained, licensing=licensing):
                if licensing:
                    return max(
                        business.binaan_since,
                        licensing - datetime.timedelta(days=rnd.randint(0, 60)),
                    )
                after = trained or business.binaan_since
                return after + datetime.timedelta(days=rnd.randint(14, 400))

            def outcome(weights=(80, 7, 6, 7)):
                return rnd.choices(outcomes, weights=weights)[0]

            if business.sector.is_food:
                if r() < 0.8:
                    builder.add(business, "pirt", start=start(), stop=stop,
                                product=_first_product(business), outcome=outcome())  # fmt: skip
                if r() < 0.55:
                    builder.add(business, "halal", start=start(), stop=stop, outcome=outcome())
                if r() < 0.08:
                    builder.add(business, "bpom-md", start=start(), stop=stop,
                                product=_first_product(business),
                                outcome=outcome((75, 5, 10, 10)))  # fmt: skip
            if business.sector.code == "parfum" and r() < 0.6:
                builder.add(business, "bpom-kosmetik", start=start(), stop=stop,
                            product=_first_product(business), outcome=outcome())  # fmt: skip
            if r() < 0.6:
                builder.add(business, "nib", start=start(), stop=stop,
                            outcome=outcome((92, 0, 4, 4)))  # fmt: skip
            if r() < 0.08:
                builder.add(business, "merek", start=start(), stop=stop,
                            outcome=outcome((70, 5, 15, 10)))  # fmt: skip
        count = builder.save()
    by_status = {s.label: 0 for s in CaseStatus}
    for fields in builder.cases:
        by_status[CaseStatus(fields[4]).label] += 1
    expired = CertificateCase.objects.expired_on(today).count()
    expiring = CertificateCase.objects.expiring_within(30, on=today).count()
    stdout.write(
        f"  {count} certificate cases ("
        + ", ".join(f"{label}: {n}" for label, n in by_status.items())
        + f"; {expired} expired, {expiring} expiring within 30 days)"
    )
