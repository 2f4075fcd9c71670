"""The public on a phone (and a desktop): the home page, keyboard use, the language switch."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    PUBLIC_PAGE_BUDGET,
    assert_keyboard_focus_visible,
    assert_no_serious_axe_violations,
    page_weight,
    screenshot,
    visit,
)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_home_page_is_indonesian_accessible_and_light(open_page, device):
    page = open_page(device)
    visit(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("UMKM binaan Jakarta")
    expect(page.get_by_role("navigation", name="Navigasi utama")).to_be_visible()
    screenshot(page, "home")
    assert_no_serious_axe_violations(page)
    weight = page_weight(page, "/")
    assert weight.total < PUBLIC_PAGE_BUDGET, weight.report()


def test_home_skip_link_is_first_visible_on_focus_and_moves_to_main(desktop_page):
    page = desktop_page
    visit(page, "/")
    skip = page.get_by_role("link", name="Lewati ke konten")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert box and 0 <= box["x"] < viewport["width"] and 0 <= box["y"] < viewport["height"], (
        f"the focused skip link is off screen at {box}"
    )
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused skip link shows no focus outline"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_home_shows_keyboard_focus_on_every_control(open_page, device):
    page = open_page(device)
    visit(page, "/")
    order = assert_keyboard_focus_visible(page)
    assert order[0] == 'a "Lewati ke konten"'
    assert 'button "Ganti"' in order


def test_language_switch_to_english_and_back(phone_page):
    page = phone_page
    visit(page, "/")
    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mentored micro businesses of Jakarta"
    )
    expect(page.get_by_role("link", name="Skip to content")).to_be_attached()
    assert_no_serious_axe_violations(page)

    page.get_by_label("Language").select_option("id")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("UMKM binaan Jakarta")
