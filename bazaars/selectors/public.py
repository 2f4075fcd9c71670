"""The public pages: schedule, bazaar, business profile, iCal and the directory of businesses
(a fixed number of queries whatever the number of rows)."""

import datetime
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from bazaars.cache import kept_value
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


# --- Public directory of businesses ------------------------------------------------------

DIRECTORY_PAGE_SIZE = 24
DIRECTORY_MAX_PAGES = 100


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    sector: str = ""
    kecamatan: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, query) -> "DirectoryFilters":
        """Only well-formed values are kept; anything else is ignored, never an error."""
        q = " ".join(str(query.get("q", ""))[:60].split())
        q = "".join(ch for ch in q if ch.isprintable())
        sector = query.get("sektor", "")
        return cls(
            q=q,
            sector=sector if re.fullmatch(r"[a-z0-9-]{1,30}", sector) else "",
            kecamatan=params.get(query, "kecamatan", params.area_code, default="", lenient=True),
            page=params.get(query, "halaman", params.page, default=1, lenient=True),
        )

    def cache_key(self) -> str:
        return f"{self.q}:{self.sector}:{self.kecamatan}:{self.page}"

    def query(self, **changes) -> str:
        from urllib.parse import urlencode

        values = {
            "q": self.q,
            "sektor": self.sector,
            "kecamatan": self.kecamatan,
            "halaman": self.page if self.page > 1 else None,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v})


class _CountedPaginator(Paginator):
    """A paginator told its count (kept_value) instead of asking the database, and, when given
    the first (name, id) of every page (`starts()`, asked for by a page past the first only:
    a sector's 2,400 first rows take 80 ms to find), one that seeks each page on the name
    index instead of skipping the rows before it (OFFSET)."""

    def __init__(self, object_list, per_page, *, count: int, starts=None):
        super().__init__(object_list, per_page)
        self._known_count = count
        self._starts = starts

    @cached_property
    def count(self):
        return self._known_count

    def page(self, number):
        number = self.validate_number(number)
        if self._starts is None or number == 1:
            return super().page(number)
        starts = self._starts()  # asked for by a page past the first only
        if number > len(starts):
            return super().page(number)
        name, pk = starts[number - 1]
        # (name, id) >= the page's first: a range of the index, read from where the page starts
        seek = Q(name__gte=name) & (Q(name__gt=name) | Q(id__gte=pk))
        rows = min(self.per_page, self.count - (number - 1) * self.per_page)
        return self._get_page(self.object_list.filter(seek)[:rows], number, self)


def public_directory(filters: DirectoryFilters) -> dict:
    """Businesses that consented to a public profile, of the office's city: a page of them, in a
    fixed number of queries. Never anything about the owner."""
    city = settings.OFFICE_CITY_CODE
    businesses = (
        Business.objects.listed_publicly()
        .filter(kelurahan__kecamatan__city_id=city)
        .order_by("name", "id")
    )
    if filters.q:
        found = Q(name__icontains=filters.q) | Q(products__icontains=filters.q)
        businesses = businesses.filter(found)
    if filters.sector:
        businesses = businesses.filter(sector__code=filters.sector)
    if filters.kecamatan:
        businesses = businesses.filter(kelurahan__kecamatan_id=filters.kecamatan)
    # Counted once per change, not per page: a visitor walking the pages (or a crawler) would
    # otherwise count every consenting business of the city again on each.
    facts = _directory_facts(city)
    if filters.q:  # a search's own count, on the business rows alone
        count = kept_value(
            f"directory-count:{filters.q}:{filters.sector}:{filters.kecamatan}",
            lambda: businesses.count(),
        )
    else:
        count = _count_without_search(facts, filters)
    # The pages offered stop at DIRECTORY_MAX_PAGES: a page deep in name order costs its whole
    # offset (page 2,500 of a city's 123,000 consenting businesses read 60,000 index entries,
    # 2 s); past the cap a visitor narrows the list by name, sector or kecamatan instead.
    listed = min(count, DIRECTORY_MAX_PAGES * DIRECTORY_PAGE_SIZE)
    # The rows as plain values, not models: a page built after a change made 96 instances
    # (business, sector, kelurahan, kecamatan) for 24 lines of text (1.7 -> 0.7 ms).
    rows = businesses.values(
        "name",
        "slug",
        "products",
        sector_name=F("sector__name"),
        kecamatan_name=F("kelurahan__kecamatan__name"),
    )
    # Without a search, each page seeks its first row: after a change the directory's pages
    # are built again, and page 100 skipped 2,376 rows through its joins (a miss took twice
    # page 1's time); the first row of every page is found once per change and filter set.
    starts = None
    if not filters.q and listed > DIRECTORY_PAGE_SIZE:

        def starts():
            return kept_value(
                f"directory-starts:{city}:{filters.sector}:{filters.kecamatan}",
                lambda: list(businesses.values_list("name", "id")[:listed])[::DIRECTORY_PAGE_SIZE],
            )

    paginator = _CountedPaginator(rows, DIRECTORY_PAGE_SIZE, count=listed, starts=starts)
    page = paginator.get_page(filters.page)
    page.object_list = list(page.object_list)
    url = _url_maker("bazaars:business")
    for business in page.object_list:
        business["public_url"] = url(business["slug"])
    return {
        "page": page,
        "total": count,
        "capped": count > listed,
        "sectors": facts["sectors"],
        "kecamatan_choices": facts["kecamatan_choices"],
    }


def _directory_facts(city: str) -> dict:
    """What every page of the directory shares, kept under the public version: the form's
    choices, and the city's consenting businesses counted by kecamatan and sector, from which
    the count of every filter set without a search is summed. One grouped, index-only read
    (business_listed_kel_sector) per change: the first minute after a change counted the
    city's 123,000 again for each sector and kecamatan (15 ms each), several at once."""
    from umkm.models import Kelurahan, Sector

    def compute() -> dict:
        kecamatan_of = dict(
            Kelurahan.objects.filter(kecamatan__city_id=city).values_list("code", "kecamatan_id")
        )
        rows = (
            Business.objects.listed_publicly()
            .filter(kelurahan_id__in=list(kecamatan_of))
            .order_by()
            .values_list("kelurahan_id", "sector_id")
            .annotate(n=Count("*"))
        )
        groups = Counter()
        for kelurahan, sector, n in rows:
            groups[kecamatan_of[kelurahan], sector] += n
        sectors = list(Sector.objects.values_list("code", "name", "id"))
        return {
            "sectors": [(code, name) for code, name, _ in sectors],
            "sector_ids": {code: pk for code, _, pk in sectors},
            "kecamatan_choices": list(
                Kecamatan.objects.filter(city_id=city).values_list("code", "name")
            ),
            "counts": [(kecamatan, sector, n) for (kecamatan, sector), n in groups.items()],
        }

    return kept_value(f"directory-facts:{city}", compute)


def _count_without_search(facts: dict, filters: DirectoryFilters) -> int:
    sector = facts["sector_ids"].get(filters.sector) if filters.sector else None
    if filters.sector and sector is None:
        return 0  # no such sector: nothing matches
    return sum(
        n
        for kecamatan, sector_id, n in facts["counts"]
        if (not filters.kecamatan or kecamatan == filters.kecamatan)
        and (sector is None or sector_id == sector)
    )
