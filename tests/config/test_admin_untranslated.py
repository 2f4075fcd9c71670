"""No English on an Indonesian admin page: every page of every registered model (list, add form,
change form of a real object, history) is rendered for Admin Sudin in Indonesian, and its
visible text is searched for the English msgids of our catalogue that have an Indonesian
translation, and for a few of Django's own English words. An English msgid found verbatim in
the page is a string that was rendered without going through the translation (a label without
gettext, a catalogue entry missing, a third-party template Django's catalogue lacks).

The test fails when one translation is removed from the catalogue: see
test_a_removed_translation_is_found, which renders a page with the catalogue as it is and with
one entry taken out.
"""

import contextlib
import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from bazaars import services as bazaar_services
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar
from tests.certifications.factories import issued_case, open_case
from tests.factories import (
    EnrolmentFactory,
    MentoringFactory,
    admin_sudin,
    sector,
)
from umkm import services

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES" / "django.po"

# Django's and its apps' own English that an Indonesian admin page must not show (their
# Indonesian catalogues translate these; seen here, one of them went missing).
DJANGO_ENGLISH = [
    "Add another",
    "Save and add another",
    "Save and continue editing",
    "Clear selection",
    "Show counts",
    "Hide counts",
    "Recent actions",
    "Log out",
    "View site",
    "Change password",
    "Date/time",
    "Changed by",
    "Change reason",
    "Changes",
    "Delete",
    "History",
    "Search",
    "Unknown",
    "None",
    "True",
    "False",
]
# Short or shared words that Indonesian text uses too (a name, a code): not evidence.
NOT_EVIDENCE = {"NIK", "NIB", "KBLI", "PIRT", "BPOM", "UMKM", "Bazaar", "Booth", "Email"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


class _VisibleText(HTMLParser):
    """The text a person reads: text nodes outside script/style/template, and the attributes
    a browser shows (placeholder, title, aria-label, a button's value)."""

    SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        attrs = dict(attrs)
        for name in self.SHOWN_ATTRIBUTES & set(attrs):
            self.parts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " \n ".join(" ".join(p.split()) for p in parser.parts if p.strip())


def english_phrases(entries) -> dict[str, str]:
    """{phrase to look for: the msgid it comes from} for every entry translated differently.
    A msgid with placeholders is looked for by its longest literal piece of two words or more."""
    phrases = {}
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural.get(0, "")), (entry.msgid_plural, "")]
        for msgid, msgstr in pairs:
            if msgstr and msgid.strip() in msgstr:
                continue  # the same in both languages, or kept in the translation (a term)
            pieces = [p.strip(" .,:;()") for p in PLACEHOLDER.split(msgid)]
            piece = max(pieces, key=len)
            if PLACEHOLDER.search(msgid) and len(piece.split()) < 2:
                continue
            if len(piece) < 4 or piece in NOT_EVIDENCE or not re.search(r"[a-z]", piece):
                continue
            phrases[" ".join(piece.split())] = msgid
    return phrases


def untranslated(text: str, phrases) -> list[str]:
    """The phrases found in `text` as whole words, case-sensitive (a leading capital allowed:
    the admin capitalises labels)."""
    found = []
    for phrase, msgid in phrases.items():
        variants = {phrase, phrase[:1].upper() + phrase[1:]}
        for variant in variants:
            if re.search(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", text):
                found.append(f"{variant!r} (msgid {msgid!r})")
                break
    return found


def _phrases():
    phrases = english_phrases(polib.pofile(str(CATALOGUE)))
    phrases.update({w: w for w in DJANGO_ENGLISH})
    return phrases


@pytest.fixture
def world():
    """One real row of every kind an admin page lists, named in Indonesian."""
    owner = services.owner_create(
        actor=SYSTEM,
        nik="3173024508900002",
        full_name="Ani Lestari",
        gender="P",
        kelurahan=_kelurahan(),
    ).obj
    business = services.business_create(
        actor=SYSTEM,
        name="Keripik Ani",
        owner=owner,
        sector=sector(),
        kelurahan=_kelurahan(),
        binaan_since=datetime.date(2023, 2, 1),
    ).obj
    services.business_update(actor=SYSTEM, business=business, nib="9120001234567")
    EnrolmentFactory(business=business, owner=owner, training__title="Pelatihan Keuangan")
    MentoringFactory(business=business, mentor=admin_sudin(), topic="Pembukuan")
    issued_case(business, "pirt")
    open_case(business, "halal")
    fair = bazaar(title="Bazar Kembangan", days=[datetime.date(2023, 9, 25)])
    fair.venue.name = "Taman Kota"
    fair.venue.save()
    seller = accepted(fair, sector=sector("fesyen"), name="Batik Sari")
    day = fair.days.get()
    bazaar_services.day_record(
        actor=SYSTEM,
        day=day,
        entries=[bazaar_services.DayEntry(seller, present=True, omzet=1_250_000, transactions=9)],
    )
    return business


def _kelurahan():
    from tests.factories import kelurahan

    return kelurahan("31.73.02.1002")


def _pages(request):
    """(name, url) of every admin page of every registered model the user may open."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        if not model_admin.has_view_or_change_permission(request):
            continue
        yield f"{base}_changelist", reverse(f"{base}_changelist")
        if model_admin.has_add_permission(request):
            yield f"{base}_add", reverse(f"{base}_add")
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is None:
            continue
        yield f"{base}_change", reverse(f"{base}_change", args=[obj.pk])
        with contextlib.suppress(NoReverseMatch):
            yield f"{base}_history", reverse(f"{base}_history", args=[obj.pk])


def _walk(client, user, phrases):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    problems, seen = {}, 0
    for name, url in [("admin:index", reverse("admin:index")), *_pages(request)]:
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        seen += 1
        found = untranslated(visible_text(response.content.decode()), phrases)
        if found:
            problems[name] = found
    return problems, seen


def test_no_admin_page_shows_an_untranslated_string(client, world):
    user = admin_sudin()
    client.force_login(user)
    problems, seen = _walk(client, user, _phrases())
    assert seen > 60  # every model's pages were rendered, not a handful
    report = "\n".join(f"{name}: {', '.join(found)}" for name, found in sorted(problems.items()))
    assert not problems, "English on Indonesian admin pages:\n" + report


def test_a_removed_translation_is_found(client, world, tmp_path, settings):
    """The mutation the check must catch: one translation taken out of the catalogue (here the
    business list's search help) makes its English appear, and the check names it."""
    from django.utils import translation
    from django.utils.translation import trans_real

    catalogue = polib.pofile(str(CATALOGUE))
    msgid = "Business name, owner name, NIB, or an owner's full NIK (exact)."
    entry = catalogue.find(msgid)
    assert entry is not None and entry.msgstr
    entry.msgstr = ""
    locale = tmp_path / "locale" / "id" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    catalogue.save(str(locale / "django.po"))
    catalogue.save_as_mofile(str(locale / "django.mo"))
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    trans_real._translations = {}
    trans_real._default = None
    try:
        client.force_login(admin_sudin())
        page = client.get(reverse("admin:umkm_business_changelist")).content.decode()
        found = untranslated(visible_text(page), _phrases())
        assert any(msgid in f for f in found), found
    finally:
        trans_real._translations = {}
        trans_real._default = None
        translation.activate("id")


def test_the_visible_text_skips_scripts_and_reads_shown_attributes():
    html = (
        '<p>Simpan</p><script>var x = "Save and add another";</script>'
        '<input type="submit" value="Save and add another"><input placeholder="Search">'
    )
    text = visible_text(html)
    assert untranslated(text, {"Save and add another": "x", "Search": "y"}) == [
        "'Save and add another' (msgid 'x')",
        "'Search' (msgid 'y')",
    ]
    assert untranslated("Simpan", {"Save and add another": "x"}) == []
