"""Nothing cut: every report page and every public page fits the screen at 1024, 1366 and
1440 px and at 200% zoom on a 390 px phone (a 195 CSS-px viewport): the page never scrolls
sideways (document scrollWidth <= clientWidth), no figure card's value runs past its card, and
a table wider than its box scrolls inside the box (which then shows its edge shadow)."""

import pytest

from tests.e2e.helpers import login_admin, visit
from tests.factories import pejabat
from tests.reports.factories import build_world

PASSWORD = "kata-sandi-uji-123"
WIDTHS = (1024, 1366, 1440, 195)

_MEASURE = """() => {
    const doc = document.documentElement;
    const cut = [...document.querySelectorAll(".figure-card")].filter((card) => {
        const value = card.querySelector(".figure-value");
        return value && value.scrollWidth > card.clientWidth;
    }).map((card) => card.innerText.replace(/\\s+/g, " ").slice(0, 60));
    const boxes = [...document.querySelectorAll(".table-scroll")].map((box) => ({
        id: box.querySelector("table") ? box.querySelector("table").id : "",
        overflows: box.scrollWidth > box.clientWidth,
        scrolls: getComputedStyle(box).overflowX === "auto",
    }));
    return {scroll: doc.scrollWidth, client: doc.clientWidth, cut, boxes};
}"""


def _public_paths(world) -> list[str]:
    from tests.bazaars.factories import public_business

    bazaar = world.bazaars[0]
    business = public_business(name="Kue Lapis Legit dan Aneka Jajanan Pasar Ibu Hajah Siti")
    return ["/", "/bazar/", f"/bazar/{bazaar.slug}/", "/umkm/", f"/umkm/{business.slug}/"]


@pytest.mark.django_db(transaction=True)
def test_report_and_public_pages_fit_every_width(open_page, settings):
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False  # the world's Kuliner sellers hold none
    world = build_world()
    pejabat(username="pak-lurah")
    problems = []
    for width in WIDTHS:
        page = open_page("laptop", viewport={"width": width, "height": 800})
        for path in _public_paths(world):
            visit(page, path)
            problems += _check(page, path, width)
        login_admin(page, "pak-lurah", PASSWORD)
        for path in ("/laporan/", "/laporan/kecamatan/31.73.02/"):
            visit(page, path)
            problems += _check(page, path, width)
    assert not problems, "\n".join(problems)


def _check(page, path, width) -> list[str]:
    seen = page.evaluate(_MEASURE)
    out = []
    if seen["scroll"] > seen["client"]:
        out.append(f"{path} @ {width}px scrolls sideways: {seen['scroll']} > {seen['client']}")
    out += [f"{path} @ {width}px: card value cut: {card}" for card in seen["cut"]]
    out += [
        f"{path} @ {width}px: table {box['id']} wider than its box and not scrolling"
        for box in seen["boxes"]
        if box["overflows"] and not box["scrolls"]
    ]
    return out
