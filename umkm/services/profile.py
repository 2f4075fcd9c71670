"""The public profile of a business: its text, links and photos.

Staff change these in admin; a business owner proposes them from the owners' desk, and an
approved proposal is written here (owners.services), so a profile has one writer."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from umkm import permissions
from umkm.models import Business, BusinessLink, BusinessPhoto
from umkm.models.profile import LinkKind
from umkm.services.base import Outcome, _set_history_user, require_actor
from umkm.services.register import business_update

PROFILE_TEXT_FIELDS = ("description", "products", "opening_hours")


def business_profile_update(
    *,
    actor,
    business: Business,
    links: dict[str, str] | None = None,
    photo=None,
    reason: str = "",
    **text,
) -> Outcome:
    """Change a business's public profile, all or nothing: its text fields
    (PROFILE_TEXT_FIELDS), its links (`links`: {kind: url}, an empty url removes that kind)
    and a new photo (the main photo when it has none yet, else one more)."""
    require_actor(actor)
    if not permissions.can_access_business(actor, business):
        raise PermissionDenied
    unknown = set(text) - set(PROFILE_TEXT_FIELDS)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    links = links or {}
    if set(links) - set(LinkKind.values):
        raise ValueError(", ".join(sorted(set(links) - set(LinkKind.values))))
    rows = []
    for kind, url in links.items():
        url = (url or "").strip()
        if url:
            row = BusinessLink(business=business, kind=kind, url=url)
            row.full_clean(exclude=["business"], validate_unique=False)
            rows.append(row)
    with transaction.atomic():
        changes = {k: (v or "").strip() for k, v in text.items()}
        if changes:
            business_update(actor=actor, business=business, reason=reason, **changes)
        if links:
            BusinessLink.objects.filter(business=business, kind__in=list(links)).delete()
        BusinessLink.objects.bulk_create(rows)
        if photo:
            if not business.photo:
                business.photo = photo
                business.full_clean()
                _set_history_user(business, actor)
                business.save()
            else:
                extra = BusinessPhoto(
                    business=business,
                    image=photo,
                    position=business.photos.count() + 1,
                )
                extra.full_clean()
                extra.save()
    return Outcome(business)
