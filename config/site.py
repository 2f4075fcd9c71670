"""Absolute URLs of the portal, built from one setting.

Public pages are cached whole and shared by every visitor, so nothing on them may come from
the request's Host header or scheme: one request with another Host would otherwise put that
host into the calendar feed's UIDs and URLs, og:url and og:image for everyone until the entry
expired. SITE_URL (e.g. https://umkm.example.go.id) names the portal once; in production it
is required (a system check says so). Without it (development) the request's own scheme and
host are used, and they become part of the public cache key, so a request for another host
fills its own entry and never changes what the next normal request gets.
"""

from urllib.parse import urljoin, urlsplit

from django.conf import settings


def site_url() -> str:
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute_url(request, location: str) -> str:
    """`location` (a path, or a URL that is already absolute) as an absolute URL."""
    base = site_url()
    if base:
        return urljoin(base + "/", location)
    return request.build_absolute_uri(location)


def site_host(request) -> str:
    """The portal's host name (calendar UIDs: a stable domain part)."""
    base = site_url()
    if base:
        return urlsplit(base).hostname or "portal-umkm"
    return request.get_host().split(":")[0] or "portal-umkm"


def origin_key(request) -> str:
    """What a cached public page depends on beyond its path: nothing when SITE_URL is set,
    else the scheme and host the page's absolute URLs were built from."""
    if site_url():
        return ""
    return f"{request.scheme}://{request.get_host()}"


def check_site_url(app_configs=None, **kwargs):
    """`manage.py check --deploy`: production names the portal's address once."""
    from django.core.checks import Warning as CheckWarning

    if settings.DEBUG or site_url():
        return []
    return [
        CheckWarning(
            "SITE_URL is not set: public pages build their absolute URLs (calendar feed, "
            "og:url) from each request's Host header.",
            hint="Set SITE_URL=https://<the portal's host> in the environment.",
            id="config.W001",
        )
    ]
