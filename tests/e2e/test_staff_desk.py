"""Admin Sudin at 1366 x 768: the desk lists what waits, and the columns that decide a task
(the participants' eligibility and booth; a business's status, scale and "binaan sejak") are
on screen without scrolling sideways, with long names in the rows."""

import datetime

from playwright.sync_api import expect

from bazaars import services as bazaar_services
from config.actors import SYSTEM
from tests.bazaars.factories import bazaar, eligible_business
from tests.e2e.helpers import login_admin, visit
from tests.factories import BusinessFactory, admin_sudin, kelurahan, sector

PASSWORD = "kata-sandi-uji-123"
LONG = "Usaha Keripik Singkong Balado Pedas Manis Ibu Sri Wahyuningsih Sejahtera Abadi"


def _right_edge(page, header: str) -> float:
    cell = page.locator("#result_list thead th", has_text=header).first
    expect(cell).to_be_visible()
    box = cell.bounding_box()
    return box["x"] + box["width"]


def test_the_key_columns_fit_1366_px_and_the_desk_links_them(desktop_page):
    admin_sudin(username="sudin.desk")
    fair = bazaar(
        title="Bazar UMKM Jakarta Barat September",
        days=[datetime.date.today() + datetime.timedelta(days=20)],
    )
    for i in range(3):
        business = eligible_business(
            name=f"{LONG} {i}", sector=sector("fesyen"), kelurahan=kelurahan("31.73.02.1002")
        )
        bazaar_services.participation_apply(actor=SYSTEM, bazaar=fair, business=business)
        BusinessFactory(name=f"{LONG} lain {i}")
    page = desktop_page
    width = page.viewport_size["width"]
    assert width == 1366

    login_admin(page, "sudin.desk", PASSWORD)
    visit(page, "/admin/")
    desk = page.locator(".desk-worklist")
    expect(desk).to_contain_text("Lamaran menunggu keputusan: Bazar UMKM Jakarta Barat September")
    desk.get_by_role("link", name="Lamaran menunggu keputusan").click()
    page.wait_for_load_state()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    for header in ("Kelayakan", "Booth", "Status"):
        assert _right_edge(page, header) <= width, header

    visit(page, "/admin/umkm/business/")
    for header in ("Status", "Skala usaha", "Binaan sejak"):
        assert _right_edge(page, header) <= width, header
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
