"""Staff on a desktop run a bazaar in Django admin: create it (its days through the inline, the
booths filled in), publish it, accept the applicants in bulk, move one to another booth, enter
a day's check-ins and sales; the public page then lists the consenting sellers with their
booths."""

import datetime
import re

from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from bazaars import services
from bazaars.models import Bazaar, BazaarDay, DailySales, Participation
from config.actors import SYSTEM
from tests.bazaars.factories import VenueFactory, public_business
from tests.e2e.helpers import login_admin, screenshot, visit
from tests.factories import admin_sudin, sector

PASSWORD = "kata-sandi-uji-123"
# Fixed dates (not today + n): the admin screenshot stays the same from day to day.
FIRST_DAY = datetime.date(2032, 8, 14)


def test_staff_creates_a_bazaar_accepts_sellers_assigns_booths_and_enters_sales(desktop_page):
    admin_sudin(username="sari")
    VenueFactory(name="Lapangan Kantor Walikota Jakarta Barat")
    sellers = {
        "Batik Kembangan": public_business(name="Batik Kembangan", sector=sector("fesyen")),
        "Anyaman Pandan Sari": public_business(
            name="Anyaman Pandan Sari", sector=sector("kerajinan-tangan")
        ),
        "Jahit Kilat Bu Ani": public_business(name="Jahit Kilat Bu Ani", sector=sector("jasa")),
        # Accepted like the others, but without consent to be shown publicly.
        "Sablon Tanpa Tampil": public_business(
            name="Sablon Tanpa Tampil", sector=sector("fesyen"), public_consent=False
        ),
    }
    page = desktop_page
    login_admin(page, "sari", PASSWORD)

    # --- Create: the form, one day in the inline plus one added with "add another" --------
    page.locator("#content-main tr.model-bazaar").get_by_role("link", name="Bazar").click()
    page.locator(".object-tools a.addlink").click()
    page.locator("#id_title").press_sequentially("Bazar UMKM Agustusan Jakarta Barat")
    expect(page.locator("#id_slug")).to_have_value("bazar-umkm-agustusan-jakarta-barat")
    page.locator("#id_description").fill("Bazar produk UMKM binaan menyambut HUT RI.")
    page.locator("#id_venue").select_option(label="Lapangan Kantor Walikota Jakarta Barat")
    page.locator("#id_organiser").fill("Sudin PPKUKM Jakarta Barat")
    page.locator("#id_booth_count").fill("5")
    for n, date in enumerate((FIRST_DAY, FIRST_DAY + datetime.timedelta(days=1))):
        if n:
            page.locator("#days-group .add-row a").click()
        page.locator(f"#id_days-{n}-date").fill(date.strftime("%d-%m-%Y"))
        page.locator(f"#id_days-{n}-opens_at").fill("09.00")
        page.locator(f"#id_days-{n}-closes_at").fill("21.00")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    bazaar = Bazaar.objects.get(slug="bazar-umkm-agustusan-jakarta-barat")
    assert (bazaar.start_date, bazaar.end_date) == (
        FIRST_DAY,
        FIRST_DAY + datetime.timedelta(days=1),
    )
    assert list(bazaar.booths.order_by("code").values_list("code", flat=True)) == [
        "A01",
        "A02",
        "A03",
        "A04",
        "A05",
    ]

    # --- Publish it from the list (bulk action) ---------------------------------------------
    page.locator(".breadcrumbs a").nth(2).click()  # Beranda › Bazar (app) › Bazar
    row = page.locator("#result_list tbody tr", has_text="Bazar UMKM Agustusan Jakarta Barat")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Terbitkan bazar yang dipilih")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_have_text("1 bazar diterbitkan.")
    expect(row.locator("td.field-phase")).to_have_text("Terbit")

    # The sellers applied (staff took their forms at the Sudin's office).
    for business in sellers.values():
        services.participation_apply(actor=SYSTEM, bazaar=bazaar, business=business)

    # --- Accept everyone in bulk from the participation list ----------------------------------
    row.get_by_role("link", name="Bazar UMKM Agustusan Jakarta Barat").click()
    page.get_by_role("link", name="Putuskan peserta").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Terima usaha yang dipilih")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_have_text("4 keikutsertaan diperbarui.")
    booths = dict(
        Participation.objects.filter(bazaar=bazaar).values_list("business__name", "booth__code")
    )
    assert sorted(booths.values()) == ["A01", "A02", "A03", "A04"]

    # --- Move one seller to the free booth A05 on its participation page ----------------------
    participants = page.locator("#result_list")
    participants.get_by_role("link", name=re.compile("^Anyaman Pandan Sari")).click()
    page.locator("#id_booth").select_option(label="A05")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    moved = page.locator("#result_list tbody tr", has_text="Anyaman Pandan Sari")
    expect(moved).to_contain_text("A05")
    booths["Anyaman Pandan Sari"] = "A05"

    # --- The first day: check-ins and sales -----------------------------------------------
    page.goto(f"/admin/bazaars/bazaar/{bazaar.pk}/change/")
    expect(page.locator(".inline-group", has_text="Anyaman Pandan Sari")).to_contain_text("A05")
    screenshot(
        page,
        "admin-bazaar",
        mask=[page.locator(".field-published_at .readonly"), page.locator("td.field-decided_at")],
    )
    # The first day comes: check-ins and sales are taken only for a day that has begun
    # (bazaars/services/days.py), and the test cannot wait for 2032, so the days move to today.
    today = timezone.localdate()
    shift = FIRST_DAY - today
    BazaarDay.objects.filter(bazaar=bazaar).update(date=F("date") - shift)
    Bazaar.objects.filter(pk=bazaar.pk).update(
        start_date=F("start_date") - shift, end_date=F("end_date") - shift
    )
    page.reload()
    page.get_by_role("link", name=f"Kehadiran dan penjualan {today:%d/%m/%Y}").click()
    for name, omzet, transactions in (
        ("Batik Kembangan", "1.250.000", "25"),
        ("Anyaman Pandan Sari", "480000", "12"),
    ):
        page.get_by_label(f"Hadir {name}").check()
        page.get_by_label(f"Omzet (Rp) {name}").fill(omzet)
        page.get_by_label(f"Transaksi {name}").fill(transactions)
    page.get_by_label("Hadir Jahit Kilat Bu Ani").check()  # came, sold nothing to record yet
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".messagelist .success")).to_have_text("Kehadiran dan penjualan tersimpan.")
    expect(page.get_by_label("Omzet (Rp) Batik Kembangan")).to_have_value("1250000")
    sales = {
        s.participation.business.name: (s.omzet, s.transactions)
        for s in DailySales.objects.filter(day__bazaar=bazaar).select_related(
            "participation__business"
        )
    }
    assert sales == {"Batik Kembangan": (1_250_000, 25), "Anyaman Pandan Sari": (480_000, 12)}
    assert bazaar.days.get(date=today).attendances.count() == 3

    # --- The public page: consenting sellers, each with its booth -----------------------------
    public = page.context.new_page()
    visit(public, "/bazar/bazar-umkm-agustusan-jakarta-barat/")
    expect(public.get_by_role("heading", level=1)).to_have_text(bazaar.title)
    for name in ("Batik Kembangan", "Anyaman Pandan Sari", "Jahit Kilat Bu Ani"):
        seller = public.locator("li", has=public.get_by_role("link", name=name))
        expect(seller.locator(".booth")).to_have_text(booths[name])
    expect(public.get_by_text("Sablon Tanpa Tampil")).to_have_count(0)
