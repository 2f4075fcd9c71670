"""Benchmark: the trainee spreadsheet import (issue 3) with a 5,000-row XLSX.

    make setup && DATABASE_URL=... .venv/bin/python bench/import_trainees.py [--rows 5000]

Generates an XLSX of valid rows with unique NIKs (10% of them NIKs of owners already in the
register, so the "matched by NIK" path is exercised), then drives the real admin views with
Django's test Client as an Admin Sudin user: the upload (read, check every row, render the
preview page) and the confirm (read again, re-check, write everything in one transaction).
The target: each under 30 s. It cleans up what it created unless --keep is given.

Runs against DATABASE_URL's database (migrated); with no TrainingAdmin registered in the
project admin yet, it serves the import through the tests' URLconf that registers one.
"""

import argparse
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import Workbook

from umkm import importer, roles
from umkm.admin.trainee_import import SESSION_KEY
from umkm.models import (
    Business,
    Enrolment,
    Kelurahan,
    Owner,
    Sector,
    Training,
)


def make_nik(rng: random.Random, serial: int) -> tuple[str, datetime.date, str]:
    birth = datetime.date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choice("LP")
    day = birth.day + (40 if gender == "P" else 0)
    area = 317100 + (serial // 9000) * 100 + rng.randint(1, 8)
    nik = f"{area}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial % 9000 + 1000:04d}"
    return nik, birth, gender


def build_file(rows: int, seed: int, existing: list[tuple[str, str]]) -> bytes:
    rng = random.Random(seed)
    kelurahan = list(
        Kelurahan.objects.filter(kecamatan__city_id="31.73").values_list("code", flat=True)
    )
    sectors = list(Sector.objects.values_list("name", flat=True))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Peserta")
    sheet.append([h for _k, h in importer.COLUMNS])
    for i in range(rows):
        if i < len(existing):
            nik, business_name = existing[i]
            row = {"nik": nik, "business_name": business_name}
        else:
            nik, birth, gender = make_nik(rng, 500_000 + i)
            kel = rng.choice(kelurahan)
            row = {
                "nik": nik,
                "full_name": f"Peserta Uji {i}",
                "gender": gender,
                "birth_date": birth.strftime("%d-%m-%Y"),
                "phone": f"0812{rng.randint(10_000_000, 99_999_999)}",
                "email": f"peserta{i}@example.com",
                "address": f"Jl. Uji No. {i}",
                "owner_kelurahan": kel,
                "business_name": f"Usaha Uji {i}",
                "sector": rng.choice(sectors),
                "products": "Produk uji",
                "business_kelurahan": kel,
                "nib": f"{9_000_000_000_000 + i}",
            }
        row.update(attended="Ya", passed=rng.choice(["Ya", "Tidak"]), score=rng.randint(50, 100))
        sheet.append([row.get(k, "") for k, _h in importer.COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def existing_owners(count: int, seed: int) -> list[tuple[str, str]]:
    """Owners with one business each already in the register (for the matched path)."""
    rng = random.Random(seed + 1)
    kel = Kelurahan.objects.get(code="31.73.02.1002")
    sector = Sector.objects.first()
    owners, niks = [], []
    for i in range(count):
        nik, birth, gender = make_nik(rng, 100_000 + i)
        owner = Owner(full_name=f"Terdaftar {i}", gender=gender, birth_date=birth, kelurahan=kel)
        owner.set_nik(nik)
        owners.append(owner)
        niks.append(nik)
    Owner.objects.bulk_create(owners)
    Business.objects.bulk_create(
        Business(
            name=f"Usaha Terdaftar {i}",
            slug=f"bench-usaha-terdaftar-{seed}-{i}",
            owner=o,
            sector=sector,
            kelurahan=kel,
            binaan_since=datetime.date(2022, 1, 1),
        )
        for i, o in enumerate(owners)
    )
    return [(nik, f"Usaha Terdaftar {i}") for i, nik in enumerate(niks)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--matched", type=float, default=0.10, help="share of known NIKs")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 10_000)
    parser.add_argument("--keep", action="store_true", help="keep the imported data")
    args = parser.parse_args()

    # Everything runs in one transaction that is rolled back at the end (unless --keep), so
    # the database is left as it was without a slow delete.
    with transaction.atomic():
        run(args)
        if not args.keep:
            transaction.set_rollback(True)


def run(args) -> None:
    registered = admin.site.is_registered(Training)
    urlconf = settings.ROOT_URLCONF if registered else "tests.umkm.import_admin_urls"
    user, _ = get_user_model().objects.get_or_create(
        username="bench-import", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=roles.ADMIN_SUDIN))
    training = Training.objects.create(
        title="Bench import peserta",
        start_date=datetime.date(2023, 3, 6),
        end_date=datetime.date(2023, 3, 8),
        capacity=args.rows,
    )
    known = existing_owners(int(args.rows * args.matched), args.seed)
    started = time.perf_counter()
    content = build_file(args.rows, args.seed, known)
    print(
        f"file: {args.rows} rows, {len(content) / 1024:.0f} KiB, {len(known)} known NIKs "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    with override_settings(ROOT_URLCONF=urlconf, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(user)
        upload = io.BytesIO(content)
        upload.name = "peserta-5000.xlsx"
        started = time.perf_counter()
        response = client.post(
            reverse("admin:umkm_training_import", args=[training.pk]), {"file": upload}
        )
        preview_s = time.perf_counter() - started
        page = response.content.decode()
        assert response.status_code == 200, response.status_code
        assert "Baris dengan galat: 0" in page, "the generated file has error rows"
        print(f"preview (upload, check, render {len(page) / 1024:.0f} KiB): {preview_s:.1f} s")

        token = client.session[SESSION_KEY]["token"]
        started = time.perf_counter()
        response = client.post(
            reverse("admin:umkm_training_import_confirm", args=[training.pk]),
            {"token": token},
        )
        confirm_s = time.perf_counter() - started
        assert response.status_code == 302, response.content.decode()[:2000]
        enrolled = Enrolment.objects.filter(training=training).count()
        assert enrolled == args.rows, enrolled
        print(f"confirm (re-check, write {enrolled} enrolments): {confirm_s:.1f} s")
    ok = preview_s < 30 and confirm_s < 30
    print("target: each under 30 s ->", "OK" if ok else "TOO SLOW")


if __name__ == "__main__":
    main()
