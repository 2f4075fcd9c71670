"""The owners' queues on the staff desk (config.worklist): profile edits waiting for review,
open correction requests, open deletion requests, among the rows the user may act on
(owners.permissions scopes each: an operator's kecamatan; erasure is city-wide staff's)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.worklist import Entry, register
from owners import permissions
from owners.models import RequestStatus, ReviewStatus


@register("owners.requests", title=gettext_lazy("Owners' requests"), order=30)
def owners_waiting(user):
    if user.has_perm("owners.change_profileedit"):
        yield Entry(
            label=_("Profile changes waiting for review"),
            count=permissions.profile_edits_for(user).filter(status=ReviewStatus.PENDING).count(),
            url=reverse("admin:owners_profileedit_changelist")
            + f"?status__exact={ReviewStatus.PENDING}",
        )
    if user.has_perm("owners.change_correctionrequest"):
        yield Entry(
            label=_("Correction requests from owners"),
            count=permissions.correction_requests_for(user)
            .filter(status=RequestStatus.OPEN)
            .count(),
            url=reverse("admin:owners_correctionrequest_changelist")
            + f"?status__exact={RequestStatus.OPEN}",
        )
    if permissions.can_erase(user):
        yield Entry(
            label=_("Requests to delete personal data"),
            count=permissions.deletion_requests_for(user).filter(status=RequestStatus.OPEN).count(),
            url=reverse("admin:owners_deletionrequest_changelist")
            + f"?status__exact={RequestStatus.OPEN}",
            urgent=True,  # UU PDP sets the owner a deadline for an answer
        )
