"""The header's account links: "Masuk" for a visitor; the staff home and "Keluar" for someone
signed in.

Public pages are cached whole and shared by every visitor (bazaars.views), so the header
cannot be rendered into them: they carry a placeholder that `fill` replaces per request with
`_account_nav.html` for this visitor. Pages that are not cached render the same template
directly (base.html includes it when no placeholder is given).
"""

from django.template.loader import render_to_string

PLACEHOLDER = "__portal_account_nav__"


def render(request) -> str:
    return render_to_string("_account_nav.html", request=request)


def fill(request, content: bytes) -> bytes:
    if PLACEHOLDER.encode() not in content:
        return content
    return content.replace(PLACEHOLDER.encode(), render(request).encode())
