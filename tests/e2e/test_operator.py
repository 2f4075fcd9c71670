"""An Operator Kecamatan on a desktop works only on its own kecamatan: the business list shows
none of another kecamatan's, and the address of another kecamatan's record is refused without
showing anything of it."""

from playwright.sync_api import expect

from tests.e2e.helpers import login_admin, screenshot, visit
from tests.factories import BusinessFactory, OwnerFactory, kelurahan, operator, sector

PASSWORD = "kata-sandi-uji-123"


def test_operator_sees_only_its_kecamatan_and_is_refused_another(desktop_page):
    operator("31.73.02", username="operator.grogol")  # Grogol Petamburan
    grogol = kelurahan("31.73.02.1002")
    for name, owner, kind in (
        ("Kopi Tanjung Duren", "Agus Salim", "kuliner"),
        ("Konveksi Jelambar", "Lina Marlina", "fesyen"),
    ):
        BusinessFactory(
            name=name,
            owner=OwnerFactory(full_name=owner, kelurahan=grogol),
            sector=sector(kind),
            kelurahan=grogol,
        )
    kapuk = kelurahan("31.73.01.1005")  # Cengkareng
    elsewhere = BusinessFactory(
        name="Kerupuk Kapuk Jaya",
        owner=OwnerFactory(full_name="Hendra Gunawan", kelurahan=kapuk, address="Jl. Kapuk 9"),
        kelurahan=kapuk,
        address="Jl. Kapuk Raya 17",
    )
    page = desktop_page

    login_admin(page, "operator.grogol", PASSWORD)
    page.locator("#content-main tr.model-business").get_by_role("link").first.click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Kopi Tanjung Duren")).to_contain_text("Grogol Petamburan")
    expect(rows.filter(has_text="Konveksi Jelambar")).to_contain_text("Lina Marlina")
    expect(page.locator("#result_list")).not_to_contain_text("Kerupuk Kapuk Jaya")
    # The kecamatan filter offers only the operator's own.
    kecamatan_filter = page.locator("#changelist-filter details", has_text="kecamatan").first
    expect(kecamatan_filter).to_contain_text("Grogol Petamburan")
    expect(kecamatan_filter).not_to_contain_text("Cengkareng")
    # Django 6's new strings, in Indonesian through our catalogue (config/django_strings.py).
    expect(page.locator("select[name=action] option").first).to_have_text("- Pilih salah satu -")
    expect(page.locator("#date-hierarchy-label")).to_have_text("Filter menurut binaan sejak")
    screenshot(page, "admin-operator-business-list")

    # Its own business opens as usual (the refusals below are not just a broken page).
    rows.get_by_role("link", name="Kopi Tanjung Duren").click()
    expect(page.locator("#business_form")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("Kopi Tanjung Duren")
    page.go_back()

    # Searching by the other business's name finds nothing either.
    page.locator("#searchbar").fill("Kerupuk Kapuk")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list")).to_have_count(0)
    expect(page.locator("#changelist")).not_to_contain_text("Kerupuk Kapuk Jaya")

    # Its change page, history and owner's page by direct address: 404, nothing of it shown.
    for path in (
        f"/admin/umkm/business/{elsewhere.pk}/change/",
        f"/admin/umkm/business/{elsewhere.pk}/history/",
        f"/admin/umkm/owner/{elsewhere.owner_id}/change/",
    ):
        visit(page, path, status=404)
        expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
        body = page.locator("body")
        for secret in ("Kerupuk Kapuk Jaya", "Hendra Gunawan", "Jl. Kapuk", elsewhere.owner.phone):
            expect(body).not_to_contain_text(secret)
        expect(page.locator("#business_form, #owner_form, #change-history")).to_have_count(0)
