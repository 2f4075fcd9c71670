"""Who may take part in a bazaar, with the reason shown to staff.

A business is eligible when it is aktif, has passed at least one training and — for a food
sector (Sector.is_food, i.e. Kuliner) — holds a PIRT or halal certificate that is issued or in
process. The food rule reads the certifications app through its selectors
(`certifications.selectors.businesses_holding_food_certificate(qs)` and
`holds_food_certificate(business)`) and is on only when settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE
is true: the module is imported lazily, so this app works without it.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from umkm.models import Business, BusinessStatus, Enrolment


def food_rule_on() -> bool:
    return getattr(settings, "BAZAAR_REQUIRE_FOOD_CERTIFICATE", False)


@dataclass
class Eligibility:
    eligible: bool
    reasons: list[str] = field(default_factory=list)

    def __str__(self):
        return _("Eligible") if self.eligible else "; ".join(self.reasons)


def _passed_training():
    return Exists(Enrolment.objects.filter(business=OuterRef("pk"), passed=True))


def check(business: Business) -> Eligibility:
    """Eligibility of one business, with every reason it fails."""
    reasons = []
    if business.status != BusinessStatus.AKTIF:
        reasons.append(_("The business is not active."))
    if not Enrolment.objects.filter(business=business, passed=True).exists():
        reasons.append(_("The business has not passed any training yet."))
    if food_rule_on() and business.sector.is_food:
        from certifications.selectors import holds_food_certificate

        if not holds_food_certificate(business):
            reasons.append(
                _("A food business needs a PIRT or halal certificate, issued or in process.")
            )
    return Eligibility(not reasons, reasons)


def eligible_businesses(qs: QuerySet | None = None) -> QuerySet:
    """Filter a Business queryset to the eligible ones (one query, no Python loop)."""
    qs = Business.objects.all() if qs is None else qs
    qs = qs.filter(status=BusinessStatus.AKTIF).filter(_passed_training())
    if food_rule_on():
        from certifications.selectors import businesses_holding_food_certificate

        certified = businesses_holding_food_certificate(
            Business.objects.filter(sector__is_food=True)
        ).values("pk")
        qs = qs.filter(Q(sector__is_food=False) | Q(pk__in=certified))
    return qs


def check_annotated(business: Business, *, passed_training: bool, food_ok: bool | None):
    """Eligibility from values already fetched in bulk (admin lists, exports)."""
    reasons = []
    if business.status != BusinessStatus.AKTIF:
        reasons.append(_("The business is not active."))
    if not passed_training:
        reasons.append(_("The business has not passed any training yet."))
    if food_rule_on() and business.sector.is_food and not food_ok:
        reasons.append(
            _("A food business needs a PIRT or halal certificate, issued or in process.")
        )
    return Eligibility(not reasons, reasons)


def food_certified_ids(business_ids) -> set[int]:
    """Of these businesses, the ids holding a food certificate (empty when the rule is off)."""
    if not food_rule_on():
        return set()
    from certifications.selectors import businesses_holding_food_certificate

    qs = Business.objects.filter(pk__in=list(business_ids), sector__is_food=True)
    return set(businesses_holding_food_certificate(qs).values_list("pk", flat=True))
