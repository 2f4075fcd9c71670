"""Staff on a desktop: sign in to Django admin from the public site and see it in Indonesian."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import login_admin, screenshot, visit
from tests.factories import admin_sudin


def test_admin_sudin_signs_in_and_sees_admin_index_in_indonesian(desktop_page):
    admin_sudin(username="siti", first_name="Siti")
    page = desktop_page
    visit(page, "/")
    page.get_by_role("link", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/admin/login/"))

    login_admin(page, "siti", "kata-sandi-uji-123")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#site-name")).to_have_text("Portal UMKM Binaan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrasi")
    expect(page.locator("#user-tools")).to_contain_text("Selamat datang,")
    screenshot(page, "admin-index")

    page.get_by_role("button", name="Keluar").click()
    visit(page, "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))


def test_wrong_password_is_refused_in_indonesian(desktop_page):
    admin_sudin(username="siti")
    page = desktop_page
    visit(page, "/admin/login/")
    page.locator("input[name=username]").fill("siti")
    page.locator("input[name=password]").fill("salah-sandi-sekali")
    page.locator("#login-form [type=submit]").click()
    expect(page.locator(".errornote")).to_contain_text("kata sandi salah")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
