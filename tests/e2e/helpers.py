"""What a browser journey needs besides Playwright itself: open a page and check its status, log
in to Django admin, axe-core, page weight and screenshots. Import them in a journey file:

    from tests.e2e.helpers import assert_no_serious_axe_violations, page_weight, screenshot, visit
"""

import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import Page, Response, expect

# Written under var/ (git-ignored) so that a test run leaves the checkout as it was;
# `make screenshots` copies the README's pictures from here into docs/screenshots/.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PUBLIC_PAGE_BUDGET = 150 * 1024  # bytes transferred on first load, uploads excluded
SERIOUS = ("serious", "critical")

# Filled by page_weight() and by conftest's check for Chromium, printed at the end of the run
# (tests/conftest.py: pytest_terminal_summary; under pytest-xdist each worker sends its own).
MEASURED_WEIGHTS: list[str] = []
NOTICES: list[str] = []

_contexts: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def remember_context(context, *, device: str, options: dict) -> None:
    """Called by the `new_context` fixture: the device name and options of a context, so that
    screenshot() names files by device and page_weight() opens a fresh context like it."""
    _contexts[context] = (device, options)


def device_of(page: Page) -> str:
    return _contexts[page.context][0]


def visit(page: Page, path: str, *, status: int = 200) -> Response:
    """page.goto(path) and check the HTTP status; the failure shows the start of the page."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    if response.status != status:
        text = page.locator("body").inner_text()[:800] if page.locator("body").count() else ""
        raise AssertionError(
            f"GET {path} answered {response.status}, expected {status}. The page says:\n{text}"
        )
    return response


def login_admin(page: Page, username: str, password: str) -> None:
    """Log in through the staff sign-in form (config.signin) and land on the admin index. With
    two-factor sign-in (OTP_REQUIRED, on in production and so in the tests) the same form also
    takes the code of the user's authenticator: the user's TOTP device (registered here if
    none) gives it."""
    visit(page, "/admin/login/?next=/admin/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    submit = page.locator("#login-form [type=submit]:not([name=otp_challenge])")
    if settings.OTP_REQUIRED:
        from django.contrib.auth import get_user_model
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = get_user_model().objects.get(username=username)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.locator("input[name=otp_token]").fill(f"{code:06d}")
    submit.click()
    page.wait_for_load_state()
    errors = page.locator(".errornote, .errorlist")
    assert not errors.count(), f"login as {username!r} refused: {errors.all_inner_texts()}"
    # The admin, or the role's own home (a Pejabat is sent from the admin to the report).
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from umkm.roles import home_url_name

    home = reverse(home_url_name(get_user_model().objects.get(username=username)))
    expect(page).to_have_url(re.compile(re.escape(home) + "$"))


def assert_no_serious_axe_violations(page: Page, *, context=None) -> None:
    """Run axe-core (bundled by axe-playwright-python, no network) on the page as it is now and
    fail on any serious or critical violation, listing each with the elements concerned.
    `context` narrows the check (axe's include/exclude), e.g. {"exclude": [["#map"]]}."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    if not serious:
        return
    lines = [f"{len(serious)} serious/critical accessibility violation(s) on {page.url}:"]
    for violation in serious:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.extend(f"      {s}" for s in node["failureSummary"].splitlines())
    raise AssertionError("\n".join(lines))


# The focused element, whether it shows the focus, and the contrast of its outline against the
# background around it (WCAG 1.4.11 asks 3:1 for a focus indicator).
_FOCUSED = r"""() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const lin = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    let around = el.parentElement, background = "rgb(255, 255, 255)";
    while (around) {
        const color = getComputedStyle(around).backgroundColor, c = rgb(color);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) { background = color; break; }
        around = around.parentElement;
    }
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const [a, b] = [luminance(rgb(style.outlineColor)), luminance(rgb(background))];
    const text = el.innerText || el.value || el.getAttribute("aria-label") || "";
    const label = text.replace(/\s+/g, " ").trim();
    return {
        element: `${el.tagName.toLowerCase()} "${label.slice(0, 40)}"`,
        visible: outline || style.boxShadow !== "none",
        contrast: outline ? (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) : null,
    };
}"""


def assert_keyboard_focus_visible(page: Page, *, limit: int = 60) -> list[str]:
    """Tab through the page from the top: every element that takes the focus must show it (an
    outline of at least 3:1 contrast against the background around it, or a box shadow).
    Returns the focus order, for further checks."""
    page.locator("body").focus()
    order, problems = [], []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or focused["element"] in order[:1]:
            break  # back to the browser chrome or round to the first element
        order.append(focused["element"])
        if not focused["visible"]:
            problems.append(f"{focused['element']}: no focus indicator")
        elif focused["contrast"] is not None and focused["contrast"] < 3:
            problems.append(
                f"{focused['element']}: focus outline contrast {focused['contrast']:.1f}:1"
            )
    assert not problems, "keyboard focus hard to see:\n" + "\n".join(problems)
    return order


@dataclass
class PageWeight:
    url: str
    device: str
    resources: list[tuple[str, int]] = field(default_factory=list)  # (url, bytes)

    @property
    def total(self) -> int:
        return sum(size for _, size in self.resources)

    def report(self) -> str:
        lines = [f"{self.url} ({self.device}): {self.total / 1024:.1f} KB transferred"]
        for url, size in sorted(self.resources, key=lambda r: -r[1]):
            lines.append(f"  {size / 1024:8.1f} KB  {urlsplit(url).path}")
        return "\n".join(lines)


def page_weight(page: Page, url: str) -> PageWeight:
    """Bytes transferred when `url` is first loaded (HTML, CSS, JS, fonts, images; uploaded
    files under /media/ excluded): in a fresh context like the page's (no cookies, no cache),
    with the cache disabled, counted by Chromium itself (Network.loadingFinished's
    encodedDataLength: headers and body as received)."""
    device, options = _contexts[page.context]
    context = page.context.browser.new_context(**options)
    try:
        fresh = context.new_page()
        cdp = context.new_cdp_session(fresh)
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.responseReceived",
            lambda e: urls.setdefault(e["requestId"], e["response"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        fresh.goto(url, wait_until="networkidle")
        weight = PageWeight(url=url, device=device)
        for request_id, size in sizes.items():
            resource = urls.get(request_id, "")
            if resource.startswith(("data:", "blob:")) or urlsplit(resource).path.startswith(
                settings.MEDIA_URL
            ):
                continue
            weight.resources.append((resource, size))
    finally:
        context.close()
    MEASURED_WEIGHTS.append(weight.report().splitlines()[0])
    return weight


def screenshot(page: Page, name: str, *, mask: list | None = None) -> Path:
    """Write var/screenshots/<name>-<phone|desktop>.png (the laptop counts as desktop): the
    whole page as it is now. `make screenshots` refreshes the README's copies in docs/screenshots/.
    `mask`: locators of what changes on every run (a timestamp), painted over so that the
    image stays the same bytes when the page did not change."""
    kind = "phone" if device_of(page) == "phone" else "desktop"
    path = SCREENSHOTS / f"{name}-{kind}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.screenshot(
        path=path,
        full_page=True,
        animations="disabled",
        caret="hide",
        mask=mask or [],
        mask_color="#d8d8d8",
    )
    return path


def choose_autocomplete(page: Page, name: str, search: str, label: str) -> None:
    """Pick `label` in the admin's autocomplete (select2) box of the field `name`, as a clerk
    does: open it, type `search`, click the offered line."""
    page.locator(f"select[name='{name}'] + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=label).first.click()
    expect(page.locator(f"select[name='{name}'] + .select2")).to_contain_text(label)
