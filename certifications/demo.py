"""Demo certificate cases for the Jakarta Barat businesses (`manage.py seed_demo`).

Runs after the register's seeder. Cases are built in bulk (thousands of them) but with the same
rules as the services: numbers that pass the type's validator, expiry dates from the type's
rule and a transition history for every step. Repeatable with the same seed; it does nothing
when certificate cases already exist.
"""

import datetime
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certifications import rules
from certifications.models import (
    CaseStatus,
    CaseTransition,
    CertificateCase,
    CertificateType,
    HalalRoute,
)
from umkm.models import Business

REJECT_NOTES = [
    "Dokumen pendukung tidak lengkap (foto tempat produksi).",
    "Komposisi bahan belum memenuhi syarat jalur self-declare.",
    "Label kemasan belum sesuai ketentuan.",
]


def _steps_to(status: str) -> list[str]:
    path = {
        rules.NEEDED: [rules.NEEDED],
        rules.REFERRED: [rules.NEEDED, rules.REFERRED],
        rules.SUBMITTED: [rules.NEEDED, rules.REFERRED, rules.SUBMITTED],
        rules.ISSUED: [rules.NEEDED, rules.REFERRED, rules.SUBMITTED, rules.ISSUED],
        rules.REJECTED: [rules.NEEDED, rules.REFERRED, rules.SUBMITTED, rules.REJECTED],
    }
    return path[status]


class _Builder:
    def __init__(self, rnd: random.Random, today: datetime.date):
        self.rnd = rnd
        self.today = today
        self.types = {t.code: t for t in CertificateType.objects.all()}
        self.cases: list[CertificateCase] = []
        self.paths: list[list[str]] = []
        self.serial = 0

    def number(self, code: str, issued_on: datetime.date, expiry_year: int | None = None) -> str:
        self.serial += 1
        rnd, s = self.rnd, self.serial
        if code == "halal":
            return f"ID3173{rnd.randint(0, 99999999):08d}{s % 100000:05d}"
        if code == "pirt":
            food_type, series = rnd.randint(1, 15), rnd.randint(1, 99)
            return f"2{food_type:02d}3173{series:02d}{s % 10000:04d}{expiry_year % 100:02d}"
        if code == "bpom-md":
            return f"MD{rnd.randint(2, 3)}{rnd.randint(10000000000, 99999999999)}"
        if code == "bpom-kosmetik":
            return f"NA18{issued_on:%y}{rnd.randint(1, 99):02d}{s % 100000:05d}"
        if code == "nib":
            return f"91{rnd.randint(0, 99999999999):011d}"
        return f"IDM{rnd.randint(0, 999999999):09d}"

    def add(self, business, code: str, status: str, *, product: str = "", expiring=False):
        cert_type = self.types[code]
        case = CertificateCase(
            business=business,
            kecamatan_id=business.kelurahan.kecamatan_id,
            type=cert_type,
            product=product if cert_type.per_product else "",
            halal_route=(
                self.rnd.choice([HalalRoute.SELF_DECLARE] * 4 + [HalalRoute.REGULAR])
                if code == "halal"
                else ""
            ),
            status=status,
        )
        if status == rules.ISSUED:
            years = cert_type.validity_years or 5
            if expiring and cert_type.validity != rules.VALIDITY_NONE:
                issued_on = rules.add_years(self.today, -years) + datetime.timedelta(
                    days=self.rnd.randint(1, 30)
                )
            else:
                issued_on = self.today - datetime.timedelta(
                    days=self.rnd.randint(20, 365 * years - 60)
                )
            expiry_year = rules.add_years(issued_on, 5).year
            case.number = cert_type.validate_number(self.number(code, issued_on, expiry_year))
            case.issued_on = issued_on
            case.expires_on = cert_type.computed_expiry(number=case.number, issued_on=issued_on)
        self.cases.append(case)
        self.paths.append(_steps_to(status))

    def save(self) -> int:
        now = timezone.now()
        for case in self.cases:
            start = case.issued_on or (
                self.today - datetime.timedelta(days=self.rnd.randint(10, 300))
            )
            case.status_changed_at = timezone.make_aware(
                datetime.datetime.combine(start, datetime.time(10, 0))
            )
        with transaction.atomic():
            CertificateCase.objects.bulk_create(self.cases, batch_size=2000)
            transitions = []
            for case, steps in zip(self.cases, self.paths, strict=True):
                at = case.status_changed_at - datetime.timedelta(days=14 * (len(steps) - 1))
                previous = ""
                for step in steps:
                    final = step == case.status
                    transitions.append(
                        CaseTransition(
                            case=case,
                            from_status=previous,
                            to_status=step,
                            at=min(at, now),
                            note=self.rnd.choice(REJECT_NOTES) if step == rules.REJECTED else "",
                            number=case.number if final else "",
                            issued_on=case.issued_on if final else None,
                            expires_on=case.expires_on if final else None,
                        )
                    )
                    previous = step
                    at += datetime.timedelta(days=14)
            CaseTransition.objects.bulk_create(transitions, batch_size=5000)
        return len(self.cases)


def _first_product(business) -> str:
    text = (business.products or "").split(",")[0].strip().rstrip(".")
    return text[:150] or "Produk utama"


def seed(*, businesses: int, seed: int, stdout) -> None:
    """A realistic mix for the office's businesses: most Kuliner with PIRT and/or halal in some
    state, NIB for many, a few BPOM MD and cosmetics notifications (parfum), trademarks, and
    some certificates expiring within 30 days."""
    if CertificateCase.objects.exists():
        stdout.write("  certificate cases already present: nothing to do.")
        return
    rnd = random.Random(seed + 5)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    builder = _Builder(rnd, today)
    qs = (
        Business.objects.filter(kelurahan__kecamatan__city_id=settings.OFFICE_CITY_CODE)
        .select_related("sector", "kelurahan")
        .order_by("id")
    )
    statuses = [rules.NEEDED, rules.REFERRED, rules.SUBMITTED, rules.ISSUED, rules.REJECTED]
    for business in qs.iterator(chunk_size=2000):
        r = rnd.random
        if business.sector.is_food:
            if r() < 0.8:
                status = rnd.choices(statuses, weights=[18, 18, 14, 45, 5])[0]
                builder.add(
                    business, "pirt", status, product=_first_product(business), expiring=r() < 0.12
                )
            if r() < 0.55:
                status = rnd.choices(statuses, weights=[20, 20, 15, 40, 5])[0]
                builder.add(business, "halal", status)
            if r() < 0.08:
                builder.add(
                    business,
                    "bpom-md",
                    rnd.choice(statuses[:4]),
                    product=_first_product(business),
                    expiring=r() < 0.2,
                )
        if business.sector.code == "parfum" and r() < 0.6:
            status = rnd.choices(statuses, weights=[15, 20, 15, 45, 5])[0]
            builder.add(
                business,
                "bpom-kosmetik",
                status,
                product=_first_product(business),
                expiring=r() < 0.2,
            )
        if r() < 0.6:
            builder.add(business, "nib", rnd.choices(statuses, weights=[10, 10, 5, 75, 0])[0])
        if r() < 0.08:
            builder.add(business, "merek", rnd.choice(statuses[:4]), expiring=r() < 0.1)
    count = builder.save()
    by_status = {s.label: 0 for s in CaseStatus}
    for case in builder.cases:
        by_status[CaseStatus(case.status).label] += 1
    expiring = CertificateCase.objects.expiring_within(30, on=today).count()
    stdout.write(
        f"  {count} certificate cases ("
        + ", ".join(f"{label}: {n}" for label, n in by_status.items())
        + f"; {expiring} expiring within 30 days)"
    )
