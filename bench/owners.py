"""The owners' desk at DKI scale, on loopback through gunicorn (issue 16):

1. owner pages p95 (the landing, the business page, profile, consent, certificates, a bazaar's
   application page) with 370,000 businesses and owners in the register; the anchor beside
   them is /healthz on the same server (the floor of any request there);
2. a popular bazaar: APPLICATIONS online applications from CLIENTS concurrent owners (each
   signed in, each posting the real form with its CSRF token; one in ten posts twice): no 5xx,
   every application recorded once; then staff accept more businesses than there are booths
   from 8 threads at once: no booth is given twice, accepted never outnumber booths.

    createdb -h 127.0.0.1 -U postgres umkm_owners_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/umkm_owners_bench
    .venv/bin/python bench/owners.py [--businesses 370000] [--applications 2000] [--clients 50]

The register is filled by SQL (generate_series) up to --businesses: owners with a phone,
businesses with the columns the pages read; the applicants get a passed training. Sessions
are made directly in the session table (as a code sign-in leaves them). Prints the load
average before and after each part.
"""

import argparse
import datetime
import os
import sys
import threading
import time
from collections import Counter
from http.cookiejar import Cookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import Browser, Gunicorn, manage, p95, production_env

PORT = 8763


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def fill_register(target: int) -> None:
    from django.db import connection

    from umkm.models import Business

    have = Business.objects.count()
    if have >= target:
        print(f"register: {have:,} businesses (kept)")
        return
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(code) FROM umkm_kelurahan WHERE code LIKE '31.73.%%'")
        kel = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM umkm_sector WHERE code = 'fesyen'")
        sector = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM umkm_owner")
        base = cursor.fetchone()[0] + 1
        n = target - have
        cursor.execute(
            """
            INSERT INTO umkm_owner (full_name, nik_ciphertext, nik_index, gender, phone, email,
                address, kelurahan_id, created_at, updated_at)
            SELECT 'Pemilik Bench ' || i, '\\x00'::bytea, md5('bench' || i) || md5('nik' || i),
                   'L', '+62815' || lpad(i::text, 8, '0'), '', '', (%s::text[])[1 + i %% %s],
                   now(), now()
              FROM generate_series(%s, %s) AS i
            """,
            [kel, len(kel), base, base + n - 1],
        )
        cursor.execute(
            """
            INSERT INTO umkm_business (name, slug, owner_id, sector_id, products, kelurahan_id,
                address, kbli, scale, binaan_since, status, public_consent, photo,
                owner_name, created_at, updated_at, description, opening_hours, whatsapp,
                whatsapp_public)
            SELECT 'Usaha Bench ' || o.id, 'bench-' || o.id, o.id, %s, 'Produk', o.kelurahan_id,
                   '', '', 'mikro', DATE '2023-01-01', 'aktif', false, '', o.full_name, now(),
                   now(), '', '', '', false
              FROM umkm_owner o
             WHERE o.full_name LIKE 'Pemilik Bench %%' AND o.id >= (
                   SELECT min(id) FROM umkm_owner WHERE phone = '+62815' || lpad(%s::text, 8, '0'))
            """,
            [sector, base],
        )
        cursor.execute("ANALYZE umkm_owner; ANALYZE umkm_business;")
    print(
        f"register: {Business.objects.count():,} businesses ({time.perf_counter() - start:.0f} s)"
    )


def owners_with_sessions(count: int):
    """`count` bench owners with an account, a passed training and a signed-in session."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from owners.signin import account_for
    from umkm.models import Business, Enrolment, Owner, Training

    training, _ = Training.objects.get_or_create(
        title="Pelatihan Bench",
        defaults={
            "topic": "Bench", "organiser": "Sudin", "start_date": datetime.date(2023, 2, 1),
            "end_date": datetime.date(2023, 2, 2), "place": "Kantor", "capacity": 10_000,
        },
    )  # fmt: skip
    businesses = list(
        Business.objects.filter(slug__startswith="bench-")
        .select_related("owner")
        .order_by("id")[:count]
    )
    have = set(Enrolment.objects.filter(training=training).values_list("business_id", flat=True))
    Enrolment.objects.bulk_create(
        [
            Enrolment(training=training, business=b, owner=b.owner, attended=True, passed=True)
            for b in businesses
            if b.pk not in have
        ]
    )
    # The bench's SQL rows carry no NIK; the owners who sign in get a real (encrypted) one,
    # as their page shows it masked.
    for i, b in enumerate(businesses):
        if bytes(b.owner.nik_ciphertext) == b"\x00":
            b.owner.set_nik(f"317302{1 + i % 28:02d}{1 + i % 12:02d}85{1 + i:04d}"[:16])
            Owner.objects.filter(pk=b.owner.pk).update(
                nik_ciphertext=b.owner.nik_ciphertext, nik_index=b.owner.nik_index
            )
    out = []
    for b in businesses:
        user = account_for(b.owner).user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "owners.backends.OwnerBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out.append((b.pk, session.session_key))
    return out, settings.SESSION_COOKIE_NAME


def browser(url: str, cookie_name: str, key: str) -> Browser:
    b = Browser(url)
    b.jar.set_cookie(
        Cookie(0, cookie_name, key, None, False, "127.0.0.1", False, False, "/", True,
               False, None, False, None, None, {})
    )  # fmt: skip
    return b


def open_bazaar(booths: int):
    from bazaars import services
    from bazaars.models import Bazaar, Venue
    from config.actors import SYSTEM
    from umkm.models import Kelurahan

    Bazaar.objects.filter(slug="bazar-bench-pemilik").delete()
    venue = Venue.objects.first() or Venue.objects.create(
        name="Taman Bench", address="Jl. Bench", kelurahan=Kelurahan.objects.first()
    )
    today = datetime.date.today()
    return services.bazaar_create(
        actor=SYSTEM, title="Bazar Bench Pemilik", slug="bazar-bench-pemilik", venue=venue,
        organiser="Sudin", booth_count=booths, publish=True,
        days=[(today + datetime.timedelta(days=20), datetime.time(9), datetime.time(21))],
        applications_open=today, applications_close=today + datetime.timedelta(days=10),
    )  # fmt: skip


def time_pages(server: str, cookie_name: str, owner, slug: str, runs: int) -> None:
    business, key = owner
    b = browser(server, cookie_name, key)
    pages = {
        "/healthz (anchor)": "/healthz",
        "/usaha-saya/ (landing)": "/usaha-saya/",
        "business page": f"/usaha-saya/{business}/",
        "profile form": f"/usaha-saya/{business}/profil/",
        "consent": f"/usaha-saya/{business}/persetujuan/",
        "certificates": f"/usaha-saya/{business}/sertifikat/",
        "bazaar application": f"/usaha-saya/{business}/bazar/{slug}/",
    }
    print(f"\n## Owner pages, {runs} requests each (load {load()})\n")
    print("| page | status | p50 ms | p95 ms |\n|---|---|---|---|")
    for label, path in pages.items():
        times, status = [], None
        for i in range(runs + 2):
            t = time.perf_counter()
            status, _body = b.get(path)
            if i >= 2:
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"| {label} | {status} | {times[len(times) // 2]:.1f} | {p95(times):.1f} |")


def applications(server: str, cookie_name: str, owners, slug: str, clients: int) -> None:
    from bazaars.models import Participation

    work = list(owners)
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []

    def client():
        while True:
            with lock:
                if not work:
                    return
                business, key = work.pop()
            b = browser(server, cookie_name, key)
            path = f"/usaha-saya/{business}/bazar/{slug}/"
            posts = 2 if business % 10 == 0 else 1  # one in ten posts twice
            tries = 0
            while posts and tries < 5:
                tries += 1
                t = time.perf_counter()
                try:
                    status, _body = b.post_form(path, {}, timeout=60)
                except OSError:  # a client-side timeout: post again, as a person would
                    with lock:
                        statuses["client timeout"] += 1
                    continue
                posts -= 1
                with lock:
                    latencies.append((time.perf_counter() - t) * 1000)
                    statuses[status] += 1

    print(f"\n## {len(owners):,} applications from {clients} owners at once (load {load()})\n")
    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    recorded = Participation.objects.filter(bazaar__slug=slug)
    distinct = recorded.values("business").distinct().count()
    server_errors = sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500)
    print(
        f"- took {took:.1f} s ({len(owners) / took:.1f} applications/s); statuses {dict(statuses)}"
    )
    print(f"- 5xx: {server_errors}; form round trip (GET + POST) p95 {p95(latencies):.0f} ms")
    print(f"- recorded {recorded.count():,} participations for {distinct:,} businesses "
          f"(expected {len(owners):,}, each once)")  # fmt: skip
    print(f"- load average after: {load()}")


def double_booking(slug: str, booths: int) -> None:
    from django.core.exceptions import ValidationError
    from django.db import connection

    from bazaars import services
    from bazaars.models import Participation
    from config.actors import SYSTEM

    candidates = list(Participation.objects.filter(bazaar__slug=slug).order_by("id")[: booths + 50])
    queue, lock, outcome = list(candidates), threading.Lock(), Counter()

    def staff():
        while True:
            with lock:
                if not queue:
                    break
                p = queue.pop()
            try:
                services.participation_decide(actor=SYSTEM, participation=p, status="accepted")
                outcome["accepted"] += 1
            except ValidationError:
                outcome["refused (full)"] += 1
        connection.close()

    threads = [threading.Thread(target=staff) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted = Participation.objects.filter(bazaar__slug=slug, status="accepted")
    booth_ids = list(accepted.values_list("booth_id", flat=True))
    print(f"\n## {len(candidates)} accepted by 8 staff threads at once, {booths} booths\n")
    print(f"- outcomes {dict(outcome)}; accepted {len(booth_ids)} of {booths} booths")
    print(f"- distinct booths {len(set(booth_ids))}, none empty: {None not in booth_ids} "
          f"(double booking: {len(booth_ids) - len(set(booth_ids))})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=370_000)
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--booths", type=int, default=300)
    args = parser.parse_args()
    env = production_env(
        os.environ["DATABASE_URL"],
        BAZAAR_PUBLIC_CACHE="0",
        NOTIFY_SMS_BACKEND="console",
        NOTIFY_WHATSAPP_BACKEND="console",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    os.environ.update(env)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    import django

    django.setup()
    print(f"# bench/owners.py (load {load()})\n")
    fill_register(args.businesses)
    bazaar = open_bazaar(args.booths)
    owners, cookie_name = owners_with_sessions(args.applications + 1)
    server = Gunicorn(env, PORT, workers=int(os.environ.get("GUNICORN_WORKERS", 3)))
    try:
        time_pages(server.url, cookie_name, owners[-1], bazaar.slug, args.runs)
        applications(
            server.url, cookie_name, owners[: args.applications], bazaar.slug, args.clients
        )
    finally:
        server.stop()
    double_booking(bazaar.slug, args.booths)


if __name__ == "__main__":
    main()
