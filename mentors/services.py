"""Writes with rules for mentors: accounts, assignments, the monthly report, reminders.

Each takes keyword-only arguments with `actor` first, owns one transaction, validates fully
with Indonesian messages (nothing is half-saved) and fires side effects after commit.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from config import formats
from config.actors import SYSTEM, require_actor
from mentors import permissions
from mentors.models import Assignment, Mentor
from umkm import roles
from umkm import services as umkm_services
from umkm.models import Business, Mentoring, Need


@dataclass
class Outcome:
    obj: object
    created: bool = False
    warnings: list[str] = field(default_factory=list)


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- mentors -------------------------------------------------------------------------------


def mentor_create(
    *,
    actor,
    username: str,
    full_name: str,
    kecamatan: list,
    phone: str = "",
    email: str = "",
    password: str | None = None,
) -> Mentor:
    """A mentor and their sign-in account: never staff, in the Pendamping group. Without a
    password the account cannot sign in until one is set (admin's password form)."""
    require_actor(actor)
    if actor is not SYSTEM and not actor.has_perm("mentors.add_mentor"):
        raise PermissionDenied
    if not kecamatan:
        raise ValidationError({"kecamatan": _("Choose at least one kecamatan of work.")})
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": _("This username is already taken.")})
        user = User(username=username, email=email, is_staff=False, first_name=full_name[:150])
        if password:
            # The same rules as every staff password (AUTH_PASSWORD_VALIDATORS), in Indonesian.
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from exc
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get(name=roles.PENDAMPING))
        mentor = Mentor(user=user, full_name=full_name, phone=phone, email=email)
        mentor.full_clean()
        mentor.save()
        mentor.kecamatan.set(kecamatan)
    return mentor


MENTOR_FIELDS = ("full_name", "phone", "email", "active")


def mentor_update(*, actor, mentor: Mentor, kecamatan=None, **changes) -> Outcome:
    """Staff edit a mentor: name, phone, e-mail, active, and (when given) the kecamatan of
    work. The sign-in account's name and e-mail follow. Deactivating a mentor who still has
    businesses assigned warns: they keep them until reassigned, but cannot use the desk."""
    require_actor(actor)
    if actor is not SYSTEM and not (
        actor.has_perm("mentors.change_mentor")
        and permissions.mentors_for(actor).filter(pk=mentor.pk).exists()
    ):
        raise PermissionDenied
    unknown = set(changes) - set(MENTOR_FIELDS)
    if unknown:
        raise TypeError(f"not a mentor field: {sorted(unknown)}")
    if kecamatan is not None and not list(kecamatan):
        raise ValidationError({"kecamatan": _("Choose at least one kecamatan of work.")})
    with transaction.atomic():
        locked = Mentor.objects.select_for_update().select_related("user").get(pk=mentor.pk)
        for name, value in changes.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.full_clean()
        locked.save()
        if kecamatan is not None:
            locked.kecamatan.set(kecamatan)
        user = locked.user
        if (user.first_name, user.email) != (locked.full_name[:150], locked.email):
            user.first_name, user.email = locked.full_name[:150], locked.email
            user.save(update_fields=["first_name", "email"])
        warnings = []
        load = caseload(locked)
        if not locked.active and load:
            warnings.append(
                _(
                    "%(mentor)s is no longer active but still has %(load)d businesses "
                    "assigned: assign them to another mentor."
                )
                % {"mentor": locked.full_name, "load": load}
            )
    return Outcome(locked, warnings=warnings)


# --- assignments ---------------------------------------------------------------------------


def caseload(mentor: Mentor) -> int:
    return Assignment.objects.filter(mentor=mentor, end=None).count()


def _ceiling_warning(mentor: Mentor, load: int) -> list[str]:
    ceiling = settings.MENTOR_CASELOAD_CEILING
    if load <= ceiling:
        return []
    return [
        _("%(mentor)s now looks after %(load)d businesses, above the ceiling of %(ceiling)d.")
        % {"mentor": mentor.full_name, "load": load, "ceiling": ceiling}
    ]


def _assign_one(*, actor, business: Business, mentor: Mentor, start: datetime.date) -> bool:
    """Close the business's current assignment (if another mentor's) and open this one.
    False when the mentor already has it."""
    if not permissions.can_assign(actor, business):
        raise PermissionDenied(_("You may only assign businesses of your own kecamatan."))
    current = Assignment.objects.select_for_update().filter(business=business, end=None).first()
    if current is not None:
        if current.mentor_id == mentor.pk:
            return False
        if start < current.start:
            raise ValidationError(
                {"start": _("The new assignment cannot start before the current one.")}
            )
        current.end = start
        current.save(update_fields=["end"])
    Assignment.objects.create(
        business=business, mentor=mentor, start=start, assigned_by=_user_or_none(actor)
    )
    return True


def _check_mentor(actor, mentor: Mentor, start: datetime.date) -> None:
    if not mentor.active or not mentor.user.is_active:
        raise ValidationError({"mentor": _("This mentor is no longer active.")})
    if actor is not SYSTEM and not permissions.mentors_for(actor).filter(pk=mentor.pk).exists():
        raise ValidationError({"mentor": _("You may only choose a mentor of your kecamatan.")})
    if start > timezone.localdate():
        raise ValidationError({"start": _("An assignment cannot start in the future.")})


def assignment_set(
    *, actor, business: Business, mentor: Mentor, start: datetime.date | None = None
) -> Outcome:
    """Assign `business` to `mentor` from `start` (today by default), ending the previous
    mentor's assignment that day. Warns when the mentor's caseload passes the ceiling."""
    require_actor(actor)
    start = start or timezone.localdate()
    _check_mentor(actor, mentor, start)
    with transaction.atomic():
        changed = _assign_one(actor=actor, business=business, mentor=mentor, start=start)
        warnings = _ceiling_warning(mentor, caseload(mentor))
    return Outcome(business, created=changed, warnings=warnings)


def assignments_bulk(
    *, actor, businesses, mentor: Mentor, start: datetime.date | None = None
) -> Outcome:
    """The admin's bulk action over a filtered list: all or nothing, and at most
    settings.MENTOR_BULK_ASSIGN_MAX businesses (the caller passes at most one more, so that a
    select-across of a whole city is refused without being loaded)."""
    require_actor(actor)
    start = start or timezone.localdate()
    businesses = list(businesses)
    limit = settings.MENTOR_BULK_ASSIGN_MAX
    if len(businesses) > limit:
        raise ValidationError(
            _(
                "At most %(max)d businesses can be assigned at once: narrow the list (a mentor "
                "looks after about %(ceiling)d)."
            )
            % {"max": limit, "ceiling": settings.MENTOR_CASELOAD_CEILING}
        )
    _check_mentor(actor, mentor, start)
    changed = 0
    with transaction.atomic():
        for business in businesses:
            changed += _assign_one(actor=actor, business=business, mentor=mentor, start=start)
        warnings = _ceiling_warning(mentor, caseload(mentor))
    return Outcome(changed, warnings=warnings)


def assignment_end(*, actor, business: Business, end: datetime.date | None = None) -> bool:
    require_actor(actor)
    end = end or timezone.localdate()
    with transaction.atomic():
        if not permissions.can_assign(actor, business):
            raise PermissionDenied
        current = Assignment.objects.select_for_update().filter(business=business, end=None)
        return bool(current.update(end=end))


# --- the monthly report --------------------------------------------------------------------


def mark_mentored(*, actor, business: Business, on: datetime.date, report=None) -> None:
    """The stage rule of a mentoring report (umkm.services.stages: the event "mentoring report",
    by default Pendampingan). The mentor's scope was checked here; the register's own check is
    for staff, so the portal records the stage, naming the report as its cause."""
    require_actor(actor)
    umkm_services.mentoring_mark_stage(actor=SYSTEM, business=business, on=on, cause=report)


@dataclass
class ReportData:
    month: datetime.date
    date: datetime.date
    topic: str
    notes: str = ""
    monthly_omzet: int | None = None
    workers_male: int | None = None
    workers_female: int | None = None
    assets: int | None = None
    needs: list[str] = field(default_factory=list)
    certificate_type: object = None  # certifications.CertificateType when a certificate is needed
    certificate_product: str = ""


def _check_report(data: ReportData) -> None:
    today = timezone.localdate()
    errors = {}
    if data.month.day != 1:
        data.month = data.month.replace(day=1)
    if data.month > today.replace(day=1):
        errors["month"] = _("A report cannot be for a month that has not come yet.")
    if data.date > today:
        errors["date"] = _("The visit date cannot be in the future.")
    elif (data.date.year, data.date.month) != (data.month.year, data.month.month):
        errors["date"] = _("The visit date must fall in the month reported.")
    for name in ("monthly_omzet", "workers_male", "workers_female", "assets"):
        value = getattr(data, name)
        if value is not None and value < 0:
            errors[name] = _("Cannot be negative.")
    unknown = set(data.needs) - set(Need.values)
    if unknown:
        errors["needs"] = _("Unknown need.")
    if Need.CERTIFICATE in data.needs and data.certificate_type is None:
        errors["certificate_type"] = _("Say which certificate the business needs.")
    if errors:
        raise ValidationError(errors)


def _open_certificate_case(*, actor, business: Business, data: ReportData, mentor) -> None:
    """Certificate needed: a case "needed" for Sudin, unless one of that type is open."""
    from certifications import services as cert_services
    from certifications.models import CaseStatus, CertificateCase

    product = (data.certificate_product or "").strip()
    open_case = CertificateCase.objects.filter(
        business=business, type=data.certificate_type, product=product
    ).exclude(status__in=[CaseStatus.REJECTED])
    if open_case.exists():
        return
    # The mentor is no staff member: the case is opened by the portal on their word, naming them.
    try:
        cert_services.case_open(
            actor=SYSTEM,
            business=business,
            cert_type=data.certificate_type,
            product=product,
            note=_("Needed according to the monthly report of mentor %(name)s.")
            % {"name": mentor.full_name},
        )
    except ValidationError as exc:  # the form's names for the case's fields
        names = {"product": "certificate_product", "halal_route": "certificate_type"}
        raise ValidationError(
            {names.get(k, "certificate_type"): v for k, v in exc.message_dict.items()}
        ) from exc


def _photo_file(photo):
    from config.images import clean_image

    try:
        clean = clean_image(photo)  # re-encoded: nothing of the original file travels on
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from exc
    return ContentFile(clean.content, name=f"photo.{clean.extension}")


def report_file(*, actor, business: Business, data: ReportData, photo=None) -> Outcome:
    """A mentor files a business's report for a month: only on a business assigned to them
    now, one per month, not for a month to come. A first report marks Pendampingan; needs
    open a certificate case. All or nothing."""
    require_actor(actor)
    mentor = permissions.mentor_of(actor)
    if mentor is None or not permissions.may_report_on(actor, business):
        raise PermissionDenied
    _check_report(data)
    if Mentoring.objects.filter(business=business, month=data.month).exists():
        raise ValidationError(
            {"month": _("This business already has a report for this month; correct that one.")}
        )
    report = Mentoring(
        mentor=actor,
        business=business,
        month=data.month,
        date=data.date,
        topic=data.topic.strip(),
        notes=data.notes.strip(),
        monthly_omzet=data.monthly_omzet,
        workers_male=data.workers_male,
        workers_female=data.workers_female,
        assets=data.assets,
        needs=sorted(set(data.needs)),
    )
    if photo:
        report.photo = _photo_file(photo)
    report.full_clean(exclude=["photo"])
    report._history_user = actor
    try:
        with transaction.atomic():
            # Checked again under the lock of the business's current assignment: a
            # reassignment committed since the check above (it ends that row) wins.
            list(Assignment.objects.select_for_update().filter(business=business, end=None))
            if not permissions.may_report_on(actor, business):
                raise PermissionDenied
            report.save()
            mark_mentored(actor=actor, business=business, on=data.date, report=report)
            if Need.CERTIFICATE in report.needs:
                _open_certificate_case(actor=actor, business=business, data=data, mentor=mentor)
    except IntegrityError as exc:  # the same month filed twice at the same moment
        raise ValidationError(
            {"month": _("This business already has a report for this month; correct that one.")}
        ) from exc
    return Outcome(report, created=True)


CORRECTABLE = (
    "date",
    "topic",
    "notes",
    "monthly_omzet",
    "workers_male",
    "workers_female",
    "assets",
    "needs",
)


def report_correct(*, actor, report: Mentoring, data: ReportData, reason: str = "") -> Outcome:
    """The mentor corrects their report of a business still assigned to them (its month stays);
    the history keeps what it said before."""
    require_actor(actor)
    if report.mentor_id != getattr(actor, "pk", None) or not permissions.may_report_on(
        actor, report.business
    ):
        raise PermissionDenied
    data.month = report.month
    _check_report(data)
    for name in CORRECTABLE:
        value = getattr(data, name)
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    report.needs = sorted(set(report.needs))
    report.full_clean(exclude=["photo"])
    report._history_user = actor
    report._change_reason = (reason or "")[:100]
    with transaction.atomic():
        report.save()
    return Outcome(report)


# --- reminders -----------------------------------------------------------------------------


def reminders_send(*, actor, month: datetime.date | None = None) -> int:
    """Remind each mentor who has businesses without this month's report (at most once a day
    each, the notification layer's once-only key). Returns how many were sent."""
    from mentors import selectors
    from notifications.services import notify

    require_actor(actor)
    if actor is not SYSTEM and not permissions.may_send_reminders(actor):
        raise PermissionDenied
    today = timezone.localdate()
    month = (month or today).replace(day=1)
    sent = 0
    with transaction.atomic():
        for row in selectors.mentors_behind(month=month):
            mentor = row["mentor"]
            body = _(
                "Hello %(name)s, %(missing)d of your %(due)d businesses have no mentoring "
                "report for %(month)s yet. Please file them on your desk."
            ) % {
                "name": mentor.full_name,
                "missing": row["due"] - row["reported"],
                "due": row["due"],
                "month": formats.month_long(month),
            }
            channel, to = ("email", mentor.email) if mentor.email else ("sms", mentor.phone)
            if not to:
                continue
            delivery = notify(
                channel=channel,
                to=to,
                body=body,
                kind="mentor_behind",
                subject=_("Monthly mentoring reports"),
                dedupe_key=f"mentors:behind:{mentor.pk}:{month:%Y-%m}:{today:%Y-%m-%d}",
            )
            sent += delivery is not None
    return sent


@task()
def send_mentor_reminders_task(month: str | None = None) -> int:
    """reminders_send in the task worker: one staff click reminds every mentor who is behind
    (thousands at DKI scale, each a gateway call with its timeout), which no web request may
    wait for."""
    on = datetime.date.fromisoformat(month) if month else None
    return reminders_send(actor=SYSTEM, month=on)
