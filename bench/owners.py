"""The owners' desk at DKI scale, on loopback through gunicorn (issue 16):

1. the sign-in with a one-time code through the real pages: the number is entered, the code
   arrives at a fake SMS gateway on loopback (the HTTP gateway backend, as in production), and
   the bench counts the requests from entering the code to the owner's page (target <= 3);
2. owner pages p95 (the landing, the business page, profile, consent, certificates, a bazaar's
   application page) with 370,000 businesses and owners in the register; the anchor beside
   them is /healthz on the same server (the floor of any request there);
3. a popular bazaar: APPLICATIONS online applications from CLIENTS concurrent owners (each
   signed in, each posting the real form with its CSRF token; one in ten posts twice): no 5xx,
   every application recorded once; then staff accept more businesses than there are booths
   from 8 threads at once: no booth is given twice, accepted never outnumber booths.

    createdb -h 127.0.0.1 -U postgres umkm_owners_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/umkm_owners_bench
    .venv/bin/python bench/owners.py [--businesses 370000] [--applications 2000] [--clients 50]

The register is filled by SQL (generate_series) up to --businesses: owners with a phone,
businesses with the columns the pages read; then what the pages read beside them, at DKI
scale (fill_companions: a history row per business, ~200,000 certificate cases, an enrolment
per business); the applicants get a passed training. Sessions
for the page timings and the applications are made directly in the session table (as a code
sign-in leaves them); the sign-in codes of earlier runs are deleted first, so a rerun within
15 minutes is not refused by the rate limit. Prints the load average before and after each part.
"""

import argparse
import datetime
import os
import re
import sys
import threading
import time
from collections import Counter
from http.cookiejar import Cookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._harness import Browser, Gunicorn, manage, p95, production_env
from tests.gateway import FakeGateway

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


def fill_companions() -> None:
    """What the owner pages read beside the business row, at DKI scale too (issue: ~200,000
    certificate cases, a history for every business, ~1,000,000 enrolments), so their plans
    are those of a full register: the business's creation in its history (the consent page reads
    it), a PIRT case for every second business and a halal case for one in twenty, one mass
    training's enrolment (attended, not passed) for every business. Each part once."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO umkm_historicalbusiness (id, name, slug, products, address, nib, kbli,
                yearly_omzet, capital, binaan_since, status, public_consent, public_consent_at,
                photo, created_at, updated_at, history_date, history_change_reason,
                history_type, history_user_id, kelurahan_id, owner_id, sector_id,
                current_stage_id, description, opening_hours, whatsapp, whatsapp_public)
            SELECT b.id, b.name, b.slug, b.products, b.address, b.nib, b.kbli, b.yearly_omzet,
                   b.capital, b.binaan_since, b.status, b.public_consent, b.public_consent_at,
                   b.photo, b.created_at, b.updated_at, b.created_at, 'bench', '+', NULL,
                   b.kelurahan_id, b.owner_id, b.sector_id, b.current_stage_id, b.description,
                   b.opening_hours, b.whatsapp, b.whatsapp_public
              FROM umkm_business b
             WHERE b.slug LIKE 'bench-%%'
               AND NOT EXISTS (SELECT 1 FROM umkm_historicalbusiness h WHERE h.id = b.id)
            """,
            [],
        )
        history = cursor.rowcount
        cursor.execute("SELECT count(*) FROM certifications_certificatecase")
        cases = 0
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                """
                INSERT INTO certifications_certificatecase (product, halal_route, status,
                    status_changed_at, number, issued_on, expires_on, expiry_overridden,
                    expiry_override_reason, note, created_at, updated_at, business_id, type_id,
                    kecamatan_id, business_name)
                SELECT 'Produk', '', 'issued', now(), lpad(b.id::text, 13, '0') || '28',
                       DATE '2023-03-01', DATE '2028-03-01', false, '', '', now(), now(), b.id,
                       (SELECT id FROM certifications_certificatetype WHERE code = 'pirt'),
                       '', ''
                  FROM umkm_business b WHERE b.slug LIKE 'bench-%%' AND b.id %% 2 = 0
                UNION ALL
                SELECT 'Produk', 'self_declare', 'submitted', now(), '', NULL, NULL, false, '',
                       '', now(), now(), b.id,
                       (SELECT id FROM certifications_certificatetype WHERE code = 'halal'),
                       '', ''
                  FROM umkm_business b WHERE b.slug LIKE 'bench-%%' AND b.id %% 20 = 1
                """,
                [],
            )
            cases = cursor.rowcount
        cursor.execute("SELECT id FROM umkm_training WHERE title = 'Pelatihan Bench Massal'")
        enrolments = 0
        if cursor.fetchone() is None:
            cursor.execute(
                """
                INSERT INTO umkm_training (title, topic, organiser, start_date, end_date, place,
                    capacity, created_at)
                VALUES ('Pelatihan Bench Massal', 'Bench', 'Sudin', DATE '2022-06-01',
                        DATE '2022-06-02', 'Daring', 400000, now())
                RETURNING id
                """
            )
            training = cursor.fetchone()[0]
            cursor.execute(
                """
                INSERT INTO umkm_enrolment (attended, passed, score, created_at, business_id,
                    owner_id, training_id)
                SELECT true, false, NULL, now(), b.id, b.owner_id, %s
                  FROM umkm_business b WHERE b.slug LIKE 'bench-%%'
                """,
                [training],
            )
            enrolments = cursor.rowcount
        if history or cases or enrolments:
            cursor.execute(
                "ANALYZE umkm_historicalbusiness; ANALYZE certifications_certificatecase; "
                "ANALYZE umkm_enrolment;"
            )
    print(
        f"companions: +{history:,} history rows, +{cases:,} certificate cases, "
        f"+{enrolments:,} enrolments ({time.perf_counter() - start:.0f} s)"
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


def sign_in(server: str, gateway: FakeGateway, phone: str) -> None:
    """The owner's sign-in through the pages, as a phone does it: enter the number (the answer
    redirects to the code page, which the phone then shows), wait for the code at the gateway,
    then count the requests from posting the code until a page (not a redirect) is shown."""
    from owners.models import SignInCode

    SignInCode.objects.all().delete()  # earlier runs' codes would hit the rate limit
    b = Browser(server)
    before = len(gateway.received)
    status, _body = b.post_form("/usaha-saya/masuk/", {"identifier": phone})
    assert status == 302, f"asking for a code answered {status}"
    _status, page = b.get("/usaha-saya/masuk/kode/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    deadline = time.time() + 10
    while len(gateway.received) == before and time.time() < deadline:
        time.sleep(0.02)
    assert len(gateway.received) > before, "no code reached the gateway"
    code = re.search(r"\b(\d{6})\b", gateway.received[-1]["body"]["text"]).group(1)
    steps, path = [], "/usaha-saya/masuk/kode/"
    t = time.perf_counter()
    status, _body, location = b.request(path, {"code": code, "csrfmiddlewaretoken": token})
    steps.append((f"POST {path}", status, (time.perf_counter() - t) * 1000))
    while status in (301, 302) and len(steps) < 5:
        path = location
        t = time.perf_counter()
        status, _body, location = b.request(path)
        steps.append((f"GET {path}", status, (time.perf_counter() - t) * 1000))
    print(f"\n## Sign-in after the code arrives (load {load()})\n")
    for label, st, ms in steps:
        print(f"- {label}: {st} ({ms:.1f} ms)")
    verdict = "met" if status == 200 and len(steps) <= 3 else "NOT met"
    print(f"- **{len(steps)} requests** from entering the code to the owner's page "
          f"(target <= 3: {verdict})")  # fmt: skip


def time_pages(server: str, cookie_name: str, owner, slug: str, runs: int, workers: int) -> None:
    """Each page `runs` times after a warm-up of 3 requests per worker (a worker compiles a
    template at its first use and keeps it for its life: the deploy never recycles workers,
    max_requests 0); the very first request, a cold worker's, is shown beside."""
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
    warm = 3 * workers
    print(f"\n## Owner pages, {runs} requests each after {warm} to warm up (load {load()})\n")
    print("| page | status | first (cold) ms | p50 ms | p95 ms |\n|---|---|---|---|---|")
    for label, path in pages.items():
        times, status, first = [], None, None
        for i in range(runs + warm):
            t = time.perf_counter()
            status, _body = b.get(path)
            took = (time.perf_counter() - t) * 1000
            first = took if first is None else first
            if i >= warm:
                times.append(took)
        times.sort()
        print(
            f"| {label} | {status} | {first:.1f} | {times[len(times) // 2]:.1f} "
            f"| {p95(times):.1f} |"
        )


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
    gateway = FakeGateway()  # the SMS provider, on loopback: the sign-in code arrives here
    env = production_env(
        os.environ["DATABASE_URL"],
        BAZAAR_PUBLIC_CACHE="0",
        NOTIFY_SMS_BACKEND="http",
        NOTIFY_WHATSAPP_BACKEND="console",
        NOTIFY_GATEWAY_URL=gateway.url,
        NOTIFY_GATEWAY_TOKEN="bench",
        NOTIFY_GATEWAY_TEMPLATE='{"number": "$to", "text": "$message"}',
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    os.environ.update(env)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    import django

    django.setup()
    print(f"# bench/owners.py (load {load()})\n")
    fill_register(args.businesses)
    fill_companions()
    bazaar = open_bazaar(args.booths)
    owners, cookie_name = owners_with_sessions(args.applications + 1)
    workers = int(os.environ.get("GUNICORN_WORKERS", 3))
    server = Gunicorn(env, PORT, workers=workers)
    try:
        from umkm.models import Business

        time_pages(server.url, cookie_name, owners[-1], bazaar.slug, args.runs, workers)
        signer = Business.objects.select_related("owner").get(pk=owners[-1][0]).owner
        sign_in(server.url, gateway, signer.phone)
        applications(
            server.url, cookie_name, owners[: args.applications], bazaar.slug, args.clients
        )
    finally:
        server.stop()
        gateway.close()
    double_booking(bazaar.slug, args.booths)


if __name__ == "__main__":
    main()
