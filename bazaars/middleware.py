"""A kept public page answered before the rest of the middleware stack (first in MIDDLEWARE).

A public page is the same bytes for every anonymous visitor (bazaars.views: its one form, the
language switch, carries no CSRF token). The first time this process serves one to an
anonymous visitor with the whole stack, the response is kept as that stack made it: status,
every header (the security middleware's, the CSP, X-Frame-Options, Vary, Content-Language ...)
and the page. The next anonymous GET of the same address, host and language cookie is answered
with that copy, skipping session, locale, auth, OTP, messages and the guards: on a hit they
would do nothing for a visitor without a session.

What may be answered here, and nothing else:
- GET, with no cookie but the CSRF and language cookies (a session, a message or anything else
  sends the request down the whole stack);
- an address the whole stack served to such a visitor with 200, marked as a public page
  (bazaars.views._respond) and setting no cookie; a redirect, a refusal, an error page never
  is;
- while the public version it was made under is still the current one (read from the shared
  cache on every hit, as the stack would): a staff change or a withdrawn consent reaches the
  very next request, and the same calendar day (upcoming and past move at midnight).
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from bazaars.cache import get_replay, keep_replay, public_version


class PublicPageReplayMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _key(request)
        if key is not None:
            kept = get_replay(key)
            if kept is not None and _current(kept):
                return _replay(kept)
        response = self.get_response(request)
        if key is not None:
            _keep(key, response)
        return response


def _replay(kept) -> HttpResponse:
    status, headers, replay = kept
    response = HttpResponse(replay.content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _key(request):
    """What the page depends on, as the visitor sent it; None for a request never answered here."""
    if request.method != "GET" or not getattr(settings, "BAZAAR_PUBLIC_CACHE", True):
        return None
    allowed = (settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME)
    if any(name not in allowed for name in request.COOKIES):
        return None
    meta = request.META
    return (
        request.scheme,
        meta.get("HTTP_HOST", ""),
        meta.get("HTTP_X_FORWARDED_HOST", ""),
        meta.get("SERVER_NAME", ""),
        meta.get("SERVER_PORT", ""),
        request.path_info,
        meta.get("QUERY_STRING", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    )


def _current(kept) -> bool:
    replay = kept[2]
    return replay.day == timezone.localdate() and replay.version == public_version()


def _keep(key, response) -> None:
    replay = getattr(response, "public_replay", None)
    if replay is None or response.status_code != 200 or response.streaming:
        return
    if response.content != replay.content:
        return  # a middleware changed the page after the view: only the whole stack can serve it
    if response.cookies:
        return  # a cookie (a session, a message, a CSRF cookie): not the same for everybody
    headers = [(name, value) for name, value in response.items()]
    keep_replay(key, (response.status_code, headers, replay))
