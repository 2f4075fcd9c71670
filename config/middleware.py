import time

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import add_never_cache_headers, patch_cache_control

SESSION_STARTED_KEY = "_portal_signed_in_at"


class SessionLimitsMiddleware:
    """Ends a signed-in session 12 hours after sign-in, whatever the activity.

    The idle limit (30 minutes) is the session cookie's age, renewed on every request
    (SESSION_SAVE_EVERY_REQUEST); this adds the absolute one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_MAX_SECONDS:
                logout(request)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages served to a signed-in user may carry personal data: no cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Indonesian unless the visitor chose English with the language switcher (a cookie).

    The browser's Accept-Language is not consulted: the portal serves Jakarta, and a phone set
    to English should still get the Indonesian pages the office publishes; English is offered,
    not imposed.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
