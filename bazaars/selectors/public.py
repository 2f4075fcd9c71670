"""The public pages: schedule, bazaar, business profile and iCal (a fixed number of queries
whatever the number of rows); the directory of businesses is bazaars.selectors.directory."""

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from bazaars.models import (
    Bazaar,
    BazaarDay,
    Participation,
    ParticipationStatus,
)
from config import params
from umkm.models import Business, Kecamatan

FIRST_YEAR = 2019
KECAMATAN_CODE = params.AREA_CODE["kecamatan"]  # ASCII digits only (\d takes "²" too)
PER_PAGE = 12  # per list: a phone screen or two, and a page that stays light


# --- Public pages ---------------------------------------------------------------------------


@dataclass
class Page:
    """One page of a list, without counting the whole list (one query instead of two)."""

    object_list: list
    number: int
    has_next: bool

    @classmethod
    def of(cls, qs, number: int, per_page: int = PER_PAGE) -> "Page":
        start = (number - 1) * per_page
        rows = list(qs[start : start + per_page + 1])
        return cls(rows[:per_page], number, len(rows) > per_page)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


@dataclass
class ScheduleFilters:
    year: int | None = None
    month: int | None = None
    kecamatan: str | None = None
    page: int = 1
    upcoming_page: int = 1

    @classmethod
    def from_query(cls, query) -> "ScheduleFilters":
        """Only well-formed values are kept (anything else is ignored, never an error)."""

        def number(name, low, high):
            return params.get(query, name, params.integer, lenient=True, minimum=low, maximum=high)

        return cls(
            year=number("tahun", 2000, 2100),
            month=number("bulan", 1, 12),
            kecamatan=params.get(query, "kecamatan", params.area_code, lenient=True),
            page=number("halaman", 1, 10_000) or 1,
            upcoming_page=number("mendatang", 1, 10_000) or 1,
        )

    def cache_key(self) -> str:
        return f"{self.year}:{self.month}:{self.kecamatan}:{self.page}:{self.upcoming_page}"

    def query(self, **changes) -> str:
        """The query string of these filters with some changed (for pager links)."""
        from urllib.parse import urlencode

        values = {
            "tahun": self.year,
            "bulan": self.month,
            "kecamatan": self.kecamatan,
            "halaman": self.page if self.page > 1 else None,
            "mendatang": self.upcoming_page if self.upcoming_page > 1 else None,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v})


def _url_maker(name: str):
    """reverse() once, then build each URL by formatting (reverse per row costs CPU on lists)."""
    marker = "__slug__"
    pattern = reverse(name, kwargs={"slug": marker})
    return lambda slug: pattern.replace(marker, slug)


@dataclass
class Card:
    """What a schedule card shows: plain values, no model instances (a list page stays cheap)."""

    id: int
    title: str
    slug: str
    status: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    venue_name: str
    kecamatan_name: str
    accepted_count: int | None
    # Of those, the ones whose owner consented to a public listing: what the page lists.
    shown_count: int | None = None
    public_url: str = ""
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None


CARD_FIELDS = {
    "id": "id",
    "title": "title",
    "slug": "slug",
    "status": "status",
    "start_date": "start_date",
    "end_date": "end_date",
    "venue_name": "venue__name",
    "kecamatan_name": "venue__kelurahan__kecamatan__name",
    "accepted_count": "accepted_count",
    "shown_count": "shown_count",
}


def _public_bazaars():
    return (
        Bazaar.objects.public()
        .annotate(
            accepted_count=Subquery(
                Participation.objects.filter(
                    bazaar=OuterRef("pk"), status=ParticipationStatus.ACCEPTED
                )
                .values("bazaar")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
            shown_count=Subquery(
                Participation.objects.filter(
                    bazaar=OuterRef("pk"),
                    status=ParticipationStatus.ACCEPTED,
                    business__public_consent=True,
                )
                .values("bazaar")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
        )
        .values_list(*CARD_FIELDS.values())
    )


def public_schedule(filters: ScheduleFilters, today: datetime.date | None = None) -> dict:
    """Upcoming bazaars (soonest first) and past ones (latest first), each paginated."""
    today = today or timezone.localdate()
    qs = _public_bazaars()
    if filters.year:
        qs = qs.filter(start_date__year__lte=filters.year, end_date__year__gte=filters.year)
    if filters.month:
        qs = qs.filter(Q(start_date__month=filters.month) | Q(end_date__month=filters.month))
    if filters.kecamatan:
        qs = qs.filter(venue__kelurahan__kecamatan_id=filters.kecamatan)
    upcoming_page = Page.of(qs.upcoming(today).order_by("start_date", "id"), filters.upcoming_page)
    past_page = Page.of(qs.past(today).order_by("-start_date", "-id"), filters.page)
    url = _url_maker("bazaars:detail")
    cards = {}
    for page in (upcoming_page, past_page):
        page.object_list = [Card(*row) for row in page.object_list]
        for card in page.object_list:
            card.public_url = url(card.slug)
            cards[card.id] = card
    # The opening hours of each shown bazaar's first day, for both lists in one query.
    for bazaar_id, opens_at, closes_at in (
        BazaarDay.objects.filter(bazaar_id__in=cards)
        .order_by("bazaar_id", "date")
        .distinct("bazaar_id")
        .values_list("bazaar_id", "opens_at", "closes_at")
    ):
        cards[bazaar_id].opens_at, cards[bazaar_id].closes_at = opens_at, closes_at
    kecamatan_choices = list(
        Kecamatan.objects.filter(
            Exists(Bazaar.objects.public().filter(venue__kelurahan__kecamatan_id=OuterRef("code")))
        )
        .order_by("name")
        .values_list("code", "name")
    )
    return {
        "upcoming_page": upcoming_page,
        "past_page": past_page,
        "kecamatan_choices": kecamatan_choices,
        "years": _year_range(),
        "today": today,
    }


def _year_range() -> list[int]:
    """Years to filter by, newest first: next year back to the programme's first bazaars
    (no query: the list is the same for every visitor)."""
    this_year = timezone.localdate().year
    return list(range(this_year + 1, FIRST_YEAR - 1, -1))


@dataclass
class SectorGroup:
    sector: object
    participations: list = field(default_factory=list)


def public_bazaar(slug: str) -> dict:
    """A public bazaar with its days and the consenting accepted businesses by sector."""
    try:
        bazaar = (
            Bazaar.objects.public()
            .select_related("venue__kelurahan__kecamatan")
            .prefetch_related(Prefetch("days", queryset=BazaarDay.objects.order_by("date")))
            .get(slug=slug)
        )
    except Bazaar.DoesNotExist as exc:
        raise Http404 from exc
    participations = (
        Participation.objects.accepted()
        .filter(bazaar=bazaar, business__public_consent=True)
        .select_related("business__sector", "booth")
        .only(
            "id",
            "bazaar_id",
            "status",
            "booth__code",
            "booth__zone",
            "business__name",
            "business__slug",
            "business__products",
            "business__sector__name",
            "business__sector__order",
        )
        .order_by("business__sector__order", "business__sector__name", "booth__code", "id")
    )
    groups: OrderedDict[int, SectorGroup] = OrderedDict()
    url = _url_maker("bazaars:business")
    for p in participations:
        p.business.public_url = url(p.business.slug)
        group = groups.setdefault(p.business.sector_id, SectorGroup(p.business.sector))
        group.participations.append(p)
    accepted_count = Participation.objects.accepted().filter(bazaar=bazaar).count()
    return {
        "bazaar": bazaar,
        "sector_groups": list(groups.values()),
        "accepted_count": accepted_count,
        "shown_count": sum(len(g.participations) for g in groups.values()),
    }


def public_business(slug: str) -> dict:
    """A consenting business's public profile and the public bazaars it took part in."""
    try:
        business = (
            Business.objects.listed_publicly()
            .select_related("sector", "kelurahan__kecamatan")
            .only(
                "id",
                "name",
                "slug",
                "products",
                "description",
                "opening_hours",
                "whatsapp_public",
                "photo",
                "binaan_since",
                "public_consent",
                "sector__name",
                "kelurahan__name",
                "kelurahan__kecamatan__name",
            )
            .get(slug=slug)
        )
    except Business.DoesNotExist as exc:
        raise Http404 from exc
    participations = list(
        Participation.objects.accepted()
        .filter(business=business, bazaar__in=Bazaar.objects.public())
        .select_related("bazaar", "booth")
        .order_by("-bazaar__start_date")
    )
    # The WhatsApp number is read only when its owner made it public (issue 16): a number
    # that is not public is never in the page's data, so no template can show it.
    whatsapp = ""
    if business.whatsapp_public:
        whatsapp = Business.objects.filter(pk=business.pk).values_list("whatsapp", flat=True)[0]
    return {
        "business": business,
        "participations": participations,
        "links": list(business.links.all()),
        "photos": [p for p in business.photos.all() if p.image and p.image.is_clean],
        "whatsapp_url": whatsapp_contact_url(whatsapp, business.name) if whatsapp else "",
    }


def whatsapp_contact_url(number: str, name: str) -> str:
    """A wa.me link to a public number, with a first message ready to send."""
    from urllib.parse import quote

    from django.utils.translation import gettext as _

    text = _("Hello %(name)s, I found your business on the UMKM portal.") % {"name": name}
    return f"https://wa.me/{number.lstrip('+')}?text={quote(text)}"


def whatsapp_share_url(title: str, url: str) -> str:
    """Share a page on WhatsApp: its title and address, ready to send to a contact or group."""
    from urllib.parse import quote

    return "https://wa.me/?text=" + quote(f"{title} {url}")


def ical_bazaars(slug: str | None = None):
    qs = (
        Bazaar.objects.public()
        .select_related("venue")
        .prefetch_related(Prefetch("days", queryset=BazaarDay.objects.order_by("date")))
        .order_by("start_date", "id")
    )
    if slug is not None:
        qs = qs.filter(slug=slug)
    return list(qs)
