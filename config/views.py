from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from config.access import staff_required


@require_safe
@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers and monitors).

    The cache is reported but never fails the check: pages answer without it, and every server
    shares the one Redis, so failing on it would take them all out of the load balancer."""
    cache_state = "up" if _cache_answers() else "down"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Drop the broken connection so the next request reconnects once the server is back.
        connection.close()
        return JsonResponse(
            {"status": "unavailable", "database": "down", "cache": cache_state}, status=503
        )
    return JsonResponse({"status": "ok", "database": "up", "cache": cache_state})


def _cache_answers() -> bool:
    from django.core.cache import cache

    cache.set("healthz:probe", 1, timeout=10)  # errors are ignored: then the get misses
    return cache.get("healthz:probe") == 1


@require_safe
def home(request):
    """The next bazaars: the same for every visitor, so cached whole with the bazaar pages
    (bazaars/cache.py: any change to a bazaar shows at once)."""
    from bazaars.selectors import ScheduleFilters, public_schedule
    from bazaars.views import serve_cached_page

    def context():
        schedule = public_schedule(ScheduleFilters())
        return {"upcoming": schedule["upcoming_page"].object_list[:3]}

    return serve_cached_page(request, "home", "home.html", context)


@require_safe
def favicon(request):
    """Browsers and tools ask for /favicon.ico whatever the page links: the portal's icon, not
    a 404 in the log at every visit."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static
    from django.utils.cache import patch_cache_control

    response = HttpResponsePermanentRedirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


@csrf_exempt
def set_language(request):
    """The footer's language switch: Django's own view (POST only; `next` must be an address
    of this site, else the referrer or /), without the CSRF check.

    What a forged request can do here is choose the language of the visitor's next pages, and
    it leaves no other trace: no session, no account, no data. Without a token in the footer
    form a public page is the same bytes for every anonymous visitor, so the replay of kept
    pages (bazaars.middleware) returns them as they are: no token to make, no CSRF cookie to
    set, nothing of one visitor in another's page."""
    return i18n.set_language(request)


@require_safe
@staff_required
def staff_home(request):
    """settings.LOGIN_REDIRECT_URL: each role's own home after signing in (umkm.roles)."""
    from umkm.roles import home_url_name

    return redirect(home_url_name(request.user))


def bad_request(request, exception):
    """400: the Indonesian message of a parameter that cannot be used (config.params), which
    names the parameter but never repeats its value."""
    from config.params import BadParameter

    message = str(exception) if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request, exception):
    """403 in the site's layout, in the visitor's language (Django's own is a bare English page)."""
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a form sent without a valid token (open too long, cookies
    refused) gets a page in the site's layout that says nothing was saved and what to do. The
    reason is for the log (django.security.csrf), not for the visitor."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    return render(
        request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403
    )


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be why we are here.
    import sys

    from django.db import InterfaceError, OperationalError
    from django.http import HttpResponse, HttpResponseServerError
    from django.template import loader
    from django.utils.cache import add_never_cache_headers

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # The database went away under a middleware (the session, the signed-in user), where
        # DatabaseUnavailableMiddleware does not see it: the same temporary 503 as from a view.
        connection.close_if_unusable_or_obsolete()
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        add_never_cache_headers(response)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
