"""Who may take part in a bazaar, with the reason shown to staff.

A business is eligible when it is aktif, has passed at least one training and — for a food
sector (Sector.is_food, i.e. Kuliner) — holds a PIRT or halal certificate that is issued or in
process. The food rule reads the certifications app through its selectors
(`certifications.selectors.businesses_holding_food_certificate(qs)`) and is on only when
settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE is true: the module is imported lazily, so this app
works without it.

The rule is written once, as a list of conditions (`_conditions`), each a database filter with
the reason shown when it fails. `eligible_businesses(qs)` filters by all of them; `check(b)`
evaluates the very same filters for one business (one query) and names the ones it fails; the
admin lists read them from a queryset annotated in bulk (`annotate` and `of_annotated`). So the
single-business answer and the queryset can never disagree.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from umkm.models import Business, BusinessStatus, Enrolment


def food_rule_on() -> bool:
    return getattr(settings, "BAZAAR_REQUIRE_FOOD_CERTIFICATE", False)


@dataclass
class Eligibility:
    eligible: bool
    reasons: list[str] = field(default_factory=list)

    def __str__(self):
        return _("Eligible") if self.eligible else "; ".join(self.reasons)


@dataclass(frozen=True)
class _Condition:
    key: str
    met: Q | Exists  # holds for a business that meets the condition
    reason: Promise  # shown when it does not


def _conditions(business: str = "") -> list[_Condition]:
    """The conditions, as filters on a queryset whose business is reached through `business`
    ("" for a Business queryset, "business" for one of participations)."""
    prefix = f"{business}__" if business else ""
    the_business = OuterRef(business or "pk")
    conditions = [
        _Condition(
            "active",
            Q(**{f"{prefix}status": BusinessStatus.AKTIF}),
            gettext_lazy("The business is not active."),
        ),
        _Condition(
            "passed_training",
            Exists(Enrolment.objects.filter(business=the_business, passed=True)),
            gettext_lazy("The business has not passed any training yet."),
        ),
    ]
    if food_rule_on():
        from certifications.selectors import businesses_holding_food_certificate

        certified = businesses_holding_food_certificate(Business.objects.filter(pk=the_business))
        conditions.append(
            _Condition(
                "food_certificate",
                Q(**{f"{prefix}sector__is_food": False}) | Exists(certified),
                gettext_lazy(
                    "A food business needs a PIRT or halal certificate, issued or in process."
                ),
            )
        )
    return conditions


def _flag(key: str) -> str:
    return f"eligibility_{key}"


def annotate(qs: QuerySet, *, business: str = "") -> QuerySet:
    """`qs` with one boolean per condition (read them with `of_annotated`): the bulk form for
    lists that show every row's eligibility."""
    return qs.annotate(
        **{
            _flag(c.key): Case(
                When(c.met, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
            for c in _conditions(business)
        }
    )


def of_annotated(obj) -> Eligibility:
    """Eligibility of a row of `annotate(qs)`, with every reason it fails."""
    reasons = [str(c.reason) for c in _conditions() if not getattr(obj, _flag(c.key))]
    return Eligibility(not reasons, reasons)


def check(business: Business) -> Eligibility:
    """Eligibility of one business as stored, with every reason it fails (one query)."""
    return of_annotated(annotate(Business.objects.filter(pk=business.pk)).get())


def eligible_businesses(qs: QuerySet | None = None) -> QuerySet:
    """Filter a Business queryset to the eligible ones (one query, no Python loop)."""
    qs = Business.objects.all() if qs is None else qs
    return qs.filter(*(c.met for c in _conditions()))


def check_annotated(business: Business, *, passed_training: bool, food_ok: bool | None):
    """Eligibility from values the participation admin list fetched in bulk: the same
    conditions and reasons as `check` (prefer `annotate(qs, business="business")` and
    `of_annotated` in new code: they need no values worked out by hand)."""
    met = {
        "active": business.status == BusinessStatus.AKTIF,
        "passed_training": bool(passed_training),
        "food_certificate": not business.sector.is_food or bool(food_ok),
    }
    reasons = [str(c.reason) for c in _conditions() if not met[c.key]]
    return Eligibility(not reasons, reasons)
