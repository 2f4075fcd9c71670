"""Links other apps put on a business's admin page ("start a certificate case"), so that umkm
needs to know none of them: an app above umkm registers a function of (request, business)
that returns (label, url) or None when the user may not follow it."""

_business_links = []


def register_business_link(function):
    _business_links.append(function)
    return function


def business_links(request, business) -> list[tuple[str, str]]:
    return [link for f in _business_links if (link := f(request, business)) is not None]
