"""A wrong address: an Indonesian 404 page that leads back home."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_serious_axe_violations, screenshot, visit


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_unknown_address_shows_indonesian_404_with_way_home(open_page, device):
    page = open_page(device)
    visit(page, "/tidak-ada/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    screenshot(page, "404")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Kembali ke beranda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("UMKM binaan Jakarta")
