import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext

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


class DatabaseUnavailableMiddleware:
    """While the database is unreachable (restart, failover), answer 503 with Retry-After and a
    short Indonesian page instead of a 500: the load balancer and the visitor both learn it is
    temporary. The persistent connection is dropped so the next request reconnects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError, connection

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger("config.database").warning(
            "Database unavailable for %s: %s", request.path, type(exception).__name__
        )
        connection.close_if_unusable_or_obsolete()
        response = HttpResponse(
            loader.get_template("503.html").render(), status=503, content_type="text/html"
        )
        response["Retry-After"] = "10"
        add_never_cache_headers(response)
        return response


def storage_outage(exception: BaseException) -> bool:
    """Whether an exception (or what caused it) says the object store cannot be reached: no
    connection, a timeout, or the store's own 5xx. Not a missing object (that is a 404)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # boto3 is installed with django-storages[s3]; without it, no S3
        return False
    seen = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        if isinstance(exception, BotoCoreError):
            return True
        if isinstance(exception, ClientError):
            status = exception.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            return status >= 500
        exception = exception.__cause__ or exception.__context__
    return False


class StorageUnavailableMiddleware:
    """While the object store (S3-compatible) is unreachable, an upload or a download answers
    503 with an Indonesian page saying what happened, not a 500. Uploads happen inside the
    admin's transaction, so the refused change leaves no row behind; the file itself was never
    stored. Pages that only show files build their URLs without asking the store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.utils.translation import gettext as _

        if not storage_outage(exception):
            return None
        logging.getLogger("config.storage").warning(
            "File store unavailable for %s: %s", request.path, type(exception).__name__
        )
        if request.method in ("GET", "HEAD"):
            message = _(
                "The file store cannot be reached just now, so this file cannot be shown. "
                "Please try again in a few minutes."
            )
        else:
            message = _(
                "The file store cannot be reached just now, so the file was not saved and "
                "nothing was changed. Please try again in a few minutes."
            )
        response = HttpResponse(
            loader.get_template("503.html").render({"message": message}, request),
            status=503,
            content_type="text/html",
        )
        response["Retry-After"] = "60"
        add_never_cache_headers(response)
        return response


class RefuseControlCharactersMiddleware:
    """A NUL or another control character in the path or the query string is never a value
    of ours, and Postgres answers a NUL with an error: such a request gets a 400 with its
    message (config.params) before any view reads it. Form posts are checked by their forms
    (Django's CharField refuses NUL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from config import params

        params.text(request.path_info, name=gettext("address"), max_length=10_000)
        params.check_query(request.GET)
        return self.get_response(request)
