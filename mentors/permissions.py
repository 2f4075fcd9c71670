"""Who may see and do what with mentors, their assignments and their monthly reports.

- Pendamping (a mentor, never `is_staff`): only their own desk (config.access.register_desk).
  They see and report on the businesses assigned to them now (`businesses_for`); after a
  reassignment only their own past reports stay visible (`reports_for`). Anything else is 404.
- Admin Sudin: every mentor and assignment of the city; assigns, sends reminders.
- Operator Kecamatan: assigns the businesses of their own kecamatan; sees its completeness.
- Pejabat: the completeness figures per kecamatan only (aggregates), no mentor or business list.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from umkm import permissions as umkm_permissions
from umkm import roles

VIEW_COMPLETENESS = "mentors.view_completeness"
SEND_REMINDERS = "mentors.send_reminders"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.ADMIN_SUDIN: [
        *roles.crud("mentors", ["mentor", "assignment"], without=("delete",)),
        VIEW_COMPLETENESS,
        SEND_REMINDERS,
    ],
    roles.OPERATOR_KECAMATAN: [
        "mentors.view_mentor",
        *roles.crud("mentors", ["assignment"], without=("delete",)),
        VIEW_COMPLETENESS,
    ],
    roles.PEJABAT: [VIEW_COMPLETENESS],
    # A mentor holds no model permission: their desk's rule (below) is all they need.
    roles.PENDAMPING: [],
}


# --- the mentor's desk ---------------------------------------------------------------------


def mentor_of(user):
    """The user's active Mentor record, or None (cached on the user for the request)."""
    if user is None:
        raise TypeError("user is required")
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_mentor_cache"):
        from mentors.models import Mentor

        user._mentor_cache = Mentor.objects.filter(user=user, active=True).first()
    return user._mentor_cache


def may_use_desk(user) -> bool:
    """Signed in, active, not staff, an active mentor, and verified by their authenticator
    code when OTP_REQUIRED is on (the same second factor as staff)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_staff:
        return False
    if settings.OTP_REQUIRED:
        is_verified = getattr(user, "is_verified", None)
        if not (is_verified and is_verified()):
            return False
    return mentor_of(user) is not None


def businesses_for(user, qs: QuerySet | None = None) -> QuerySet:
    """The businesses assigned to this mentor now (none for anyone who is not a mentor)."""
    from mentors.models import Assignment
    from umkm.models import Business

    qs = Business.objects.all() if qs is None else qs
    mentor = mentor_of(user)
    if mentor is None:
        return qs.none()
    # Driven from the mentor's current assignments (a partial index), not a scan of businesses.
    current = Assignment.objects.filter(mentor=mentor, end=None).values("business_id")
    return qs.filter(pk__in=current)


def reports_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Reports this mentor may read: every report of a business assigned to them now (their
    predecessors' too, to carry on), and their own past reports wherever the business went."""
    from mentors.models import Assignment
    from umkm.models import Mentoring

    qs = Mentoring.objects.all() if qs is None else qs
    mentor = mentor_of(user)
    if mentor is None:
        return qs.none()
    current = Assignment.objects.filter(business=OuterRef("business"), mentor=mentor, end=None)
    return qs.filter(Q(Exists(current)) | Q(mentor=user))


def may_report_on(user, business) -> bool:
    return businesses_for(user).filter(pk=business.pk).exists()


# --- staff ---------------------------------------------------------------------------------


def assignments_for(user, qs: QuerySet | None = None) -> QuerySet:
    from mentors.models import Assignment

    qs = Assignment.objects.all() if qs is None else qs
    return umkm_permissions.kecamatan_scoped(user, qs, "business__kelurahan__kecamatan_id")


def mentors_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Mentors a staff member may see and assign: an operator those working in their
    kecamatan; city-wide staff all."""
    from mentors.models import Mentor

    qs = Mentor.objects.all() if qs is None else qs
    code = umkm_permissions.operator_kecamatan_code(user)
    return qs if code is None else qs.filter(kecamatan=code)


def can_assign(user, business) -> bool:
    return (
        user.is_active
        and user.has_perm("mentors.add_assignment")
        and not umkm_permissions.is_read_only(user)
        and umkm_permissions.can_access_business(user, business)
    )


def may_see_completeness(user) -> bool:
    return user.is_active and user.has_perm(VIEW_COMPLETENESS)


def may_see_mentors(user) -> bool:
    """Per-mentor figures and the lists of businesses: staff who work with mentors, not
    officials (who see aggregates)."""
    return may_see_completeness(user) and not umkm_permissions.is_read_only(user)


def may_send_reminders(user) -> bool:
    return user.is_active and user.has_perm(SEND_REMINDERS)


def may_confirm_scale(user, business) -> bool:
    """A scale or status change is the register's: who may change the business."""
    return (
        user.is_active
        and user.has_perm("umkm.change_business")
        and umkm_permissions.can_access_business(user, business)
    )
