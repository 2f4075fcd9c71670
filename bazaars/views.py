"""Public bazaar pages: the same for every visitor, so each is cached whole (see cache.py).

Nothing in them is per visitor: the footer's language form carries no CSRF token (its view is
exempt, config.views.set_language), and the header's sign-in link or account menu is put in
when serving (config.account_nav).
"""

import datetime
import hashlib
import zoneinfo
from typing import NamedTuple

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from bazaars import selectors
from bazaars.cache import get_page, public_version, set_page
from bazaars.models import BazaarStatus
from config import account_nav
from config.middleware import storage_outage
from config.site import absolute_url, origin_key, site_host

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _cache_on() -> bool:
    return getattr(settings, "BAZAAR_PUBLIC_CACHE", True)


def _serve_cached(request, name: str, build):
    """Serve from the cache, or build (status, content type, bytes) and keep it."""
    key = None
    # Version 0: the cache is away, every page is built from the database (bazaars/cache.py).
    if _cache_on() and (version := public_version()):
        key = ":".join(
            [
                "bazaars:page",
                str(version),
                timezone.localdate().isoformat(),  # upcoming/past moves at midnight
                translation.get_language() or "",
                # What the visitor controls (the address's host, its filters, a slug) is
                # hashed: a key of bounded length and safe characters, whatever they send.
                hashlib.sha256(f"{origin_key(request)}|{name}".encode()).hexdigest(),
            ]
        )
        hit = get_page(key)
        if hit is not None:
            return _respond(request, *hit, version=version)
    status, content_type, content = build()
    if key is not None and status == 200:  # unknown slugs are not worth keeping
        set_page(key, (status, content_type, content))
    return _respond(request, status, content_type, content, version=version if key else 0)


def _respond(request, status, content_type, content: bytes, *, version: int = 0):
    content = account_nav.fill(request, content)
    response = HttpResponse(content, status=status, content_type=content_type)
    user = getattr(request, "user", None)  # a view called without the middleware has none
    if version and status == 200 and user is not None and not user.is_authenticated:
        # The same page for every anonymous visitor: the replay at the top of the middleware
        # stack may keep it (bazaars.middleware.PublicPageReplayMiddleware).
        response.public_replay = PublicReplay(version, timezone.localdate(), content)
    return response


class PublicReplay(NamedTuple):
    version: int
    day: datetime.date
    content: bytes  # the page as the anonymous visitor was served it


def _page(request, template, context, status=200):
    # The language form's return address is the page's own canonical address, not the one
    # this visitor typed: the page is kept for everybody (an extra ?x=... is not in the key).
    filters = context.get("filters")
    query = filters.query() if filters is not None else ""
    context = {
        **context,
        "account_nav_placeholder": account_nav.PLACEHOLDER,
        "language_next": request.path + (f"?{query}" if query else ""),
    }
    response = render(request, template, context, status=status)
    return status, response["Content-Type"], response.content


def serve_cached_page(request, name: str, template: str, context):
    """Another public page made of the bazaar data (the home page), cached whole like these:
    `context()` is called on a miss only."""
    return _serve_cached(request, name, lambda: _page(request, template, context()))


def _not_found(request):
    return _page(request, "404.html", {}, status=404)


def _counts_text(accepted: int, shown: int) -> str:
    from django.template.loader import render_to_string

    return render_to_string("bazaars/_counts.html", {"accepted": accepted, "shown": shown}).strip()


def _share_image(request, context, *, kind: str, key, title: str, lines: list[str]) -> None:
    """og:image: the poster or photo in its share size, else a drawn card (share_cards)."""
    from bazaars.share_cards import card_url, share_card

    if not context.get(f"{kind}_share_url"):
        try:
            name = share_card(
                kind=kind, key=key, title=title, lines=lines, footer=settings.OFFICE_NAME
            )
        except Exception as error:
            # The page only shows files: with the object store away it is served without a
            # share image rather than refused (config.middleware.StorageUnavailableMiddleware).
            if not storage_outage(error):
                raise
            return
        context["share_image_url"] = absolute_url(request, card_url(name))
    else:
        context["share_image_url"] = context[f"{kind}_share_url"]


def _image_urls(request, image, prefix: str) -> dict:
    """The card-size image for the page, the full size for wide screens, the share size for
    og:image (config/images.py); nothing for a file stored before that rule."""
    if not image or not image.is_clean:
        return {}
    return {
        f"{prefix}_url": absolute_url(request, image.public_url),
        f"{prefix}_card_url": absolute_url(request, image.card_url),
        f"{prefix}_share_url": absolute_url(request, image.share_url),
    }


def _apply_url(bazaar) -> str:
    """Where an owner applies online (the owners' desk, when installed; this app does not
    depend on it): the same link for every visitor, the desk asks them to sign in."""
    try:
        return reverse("owners:bazaar", kwargs={"slug": bazaar.slug})
    except NoReverseMatch:
        return ""


@require_safe
def schedule(request):
    filters = selectors.ScheduleFilters.from_query(request.GET)

    def build():
        context = selectors.public_schedule(filters)
        context["filters"] = filters
        upcoming, past = context["upcoming_page"], context["past_page"]
        context["pager"] = {
            "newer_past": filters.query(halaman=past.number - 1) if past.has_previous else "",
            "older_past": filters.query(halaman=past.number + 1) if past.has_next else "",
            "earlier_upcoming": filters.query(mendatang=upcoming.number - 1)
            if upcoming.has_previous
            else "",
            "later_upcoming": filters.query(mendatang=upcoming.number + 1)
            if upcoming.has_next
            else "",
        }
        context["months"] = list(MONTHS.items())
        return _page(request, "bazaars/schedule.html", context)

    return _serve_cached(request, f"schedule:{filters.cache_key()}", build)


@require_safe
def detail(request, slug):
    def build():
        try:
            context = selectors.public_bazaar(slug)
        except Http404:
            return _not_found(request)
        bazaar = context["bazaar"]
        context.update(_image_urls(request, bazaar.poster, "poster"))
        context["page_url"] = absolute_url(request, bazaar.get_absolute_url())
        context["share_url"] = selectors.whatsapp_share_url(bazaar.title, context["page_url"])
        context["finished"] = bazaar.is_finished()
        context["apply_url"] = _apply_url(bazaar) if bazaar.is_open_for_applications else ""
        from bazaars.templatetags.bazaar_tags import date_range

        venue = bazaar.venue
        lines = [date_range(bazaar), f"{venue.name}, {venue.kelurahan.kecamatan.name}"]
        if context["accepted_count"]:
            lines.append(_counts_text(context["accepted_count"], context["shown_count"]))
        _share_image(
            request, context, kind="poster", key=bazaar.pk, title=bazaar.title, lines=lines
        )
        return _page(request, "bazaars/detail.html", context)

    return _serve_cached(request, f"detail:{slug}", build)


@require_safe
def directory(request):
    filters = selectors.DirectoryFilters.from_query(request.GET)

    def build():
        context = selectors.public_directory(filters)
        page = context["page"]
        context["filters"] = filters
        context["previous_query"] = (
            filters.query(halaman=page.number - 1) if page.has_previous() else ""
        )
        context["next_query"] = filters.query(halaman=page.number + 1) if page.has_next() else ""
        return _page(request, "bazaars/directory.html", context)

    return _serve_cached(request, f"directory:{filters.cache_key()}", build)


@require_safe
def business(request, slug):
    def build():
        try:
            context = selectors.public_business(slug)
        except Http404:
            return _not_found(request)
        business = context["business"]
        context.update(_image_urls(request, business.photo, "photo"))
        context["page_url"] = absolute_url(request, reverse("bazaars:business", args=[slug]))
        context["share_url"] = selectors.whatsapp_share_url(business.name, context["page_url"])
        lines = [business.sector.name, business.kelurahan.kecamatan.name]
        if business.products:
            lines.append(business.products[:120])
        _share_image(
            request, context, kind="photo", key=business.pk, title=business.name, lines=lines
        )
        return _page(request, "bazaars/business.html", context)

    return _serve_cached(request, f"business:{slug}", build)


# --- iCalendar ------------------------------------------------------------------------------


def _calendar(request, bazaars, name: str) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Portal UMKM Binaan//Jadwal Bazar//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Jakarta")
    host = site_host(request)
    for bazaar in bazaars:
        url = absolute_url(request, bazaar.get_absolute_url())
        for day in bazaar.days.all():
            event = Event()
            # Stable: the bazaar's id and the day's date never change for the same event.
            event.add("uid", f"bazar-{bazaar.pk}-{day.date:%Y%m%d}@{host}")
            event.add("dtstamp", bazaar.updated_at.astimezone(datetime.UTC))
            event.add("dtstart", datetime.datetime.combine(day.date, day.opens_at, tzinfo=JAKARTA))
            event.add("dtend", datetime.datetime.combine(day.date, day.closes_at, tzinfo=JAKARTA))
            event.add("summary", bazaar.title)
            event.add("location", f"{bazaar.venue.name}, {bazaar.venue.address}")
            event.add("description", f"{bazaar.description}\n\n{url}".strip())
            event.add("url", url)
            cancelled = bazaar.status == BazaarStatus.CANCELLED
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


@require_safe
def ical_feed(request):
    def build():
        content = _calendar(request, selectors.ical_bazaars(), _("Bazaar schedule"))
        return 200, "text/calendar; charset=utf-8", content

    return _serve_cached(request, "ics:all", build)


@require_safe
def ical_bazaar(request, slug):
    def build():
        bazaars = selectors.ical_bazaars(slug)
        if not bazaars:
            return _not_found(request)
        return 200, "text/calendar; charset=utf-8", _calendar(request, bazaars, bazaars[0].title)

    return _serve_cached(request, f"ics:{slug}", build)
