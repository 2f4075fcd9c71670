"""Who may take part in a bazaar, with the reason shown to staff.

A business is eligible when it is aktif, has passed at least one training and — for a food
sector (Sector.is_food, i.e. Kuliner) — holds a PIRT or halal certificate that is issued or in
process. The food rule reads the certifications app through its selectors
(`certifications.selectors.food_holding_cases()`) and is on only when
settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE is true: the module is imported lazily, so this app
works without it.

The rule is written once, as a list of conditions (`_conditions`), each a database filter with
the reason shown when it fails. `eligible_businesses(qs)` filters by all of them; `check(b)`
evaluates the very same filters for one business (one query) and names the ones it fails; the
admin lists read them from a queryset annotated in bulk (`annotate` and `of_annotated`). So the
single-business answer and the queryset can never disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
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
        # Each reason is a sentence of its own: joined by a space, not "; ".
        return _("Eligible") if self.eligible else " ".join(self.reasons)


@dataclass(frozen=True)
class _Condition:
    key: str
    reason: Promise  # shown when the condition fails
    # The filter that holds for a business meeting the condition, given the path from the
    # queryset's rows to their business: "" for businesses, "business" for participations.
    met: Callable[[str], Q | Exists]


def _field(business: str, name: str) -> str:
    return f"{business}__{name}" if business else name


def _active(business: str) -> Q:
    return Q(**{_field(business, "status"): BusinessStatus.AKTIF})


def _passed_training(business: str) -> Exists:
    return Exists(Enrolment.objects.filter(business=OuterRef(business or "pk"), passed=True))


def _food_certificate(business: str) -> Q:
    from certifications.selectors import food_holding_cases

    held = food_holding_cases().filter(business=OuterRef(business or "pk"))
    return Q(**{_field(business, "sector__is_food"): False}) | Exists(held)


_ALWAYS = (
    _Condition("active", gettext_lazy("The business is not active."), _active),
    _Condition(
        "passed_training",
        gettext_lazy("The business has not passed any training yet."),
        _passed_training,
    ),
)
_FOOD = _Condition(
    "food_certificate",
    gettext_lazy("A food business needs a PIRT or halal certificate, issued or in process."),
    _food_certificate,
)


def _conditions() -> list[_Condition]:
    return [*_ALWAYS, _FOOD] if food_rule_on() else list(_ALWAYS)


def _flag(key: str) -> str:
    return f"eligibility_{key}"


def _result(met: dict[str, bool], conditions: list[_Condition]) -> Eligibility:
    reasons = [str(c.reason) for c in conditions if not met[c.key]]
    return Eligibility(not reasons, reasons)


def annotate(qs: QuerySet, *, business: str = "") -> QuerySet:
    """`qs` with one boolean per condition (read them with `of_annotated`): the bulk form for
    lists that show every row's eligibility. `business`: the path from a row to its business
    ("" for a Business queryset, "business" for participations)."""
    return qs.annotate(
        **{
            _flag(c.key): ExpressionWrapper(c.met(business), output_field=BooleanField())
            for c in _conditions()
        }
    )


def of_annotated(obj) -> Eligibility:
    """Eligibility of a row of `annotate(qs)`, with every reason it fails."""
    conditions = _conditions()
    return _result({c.key: getattr(obj, _flag(c.key)) for c in conditions}, conditions)


def check(business: Business) -> Eligibility:
    """Eligibility of one business as stored, with every reason it fails (one query)."""
    conditions = _conditions()
    flags = [_flag(c.key) for c in conditions]
    row = annotate(Business.objects.filter(pk=business.pk)).values_list(*flags).get()
    return _result({c.key: value for c, value in zip(conditions, row, strict=True)}, conditions)


def eligible_businesses(qs: QuerySet | None = None) -> QuerySet:
    """Filter a Business queryset to the eligible ones (one query, no Python loop)."""
    qs = Business.objects.all() if qs is None else qs
    return qs.filter(*(c.met("") for c in _conditions()))


def check_annotated(business: Business, *, passed_training: bool, food_ok: bool | None):
    """Eligibility from values the participation admin list fetched in bulk: the same
    conditions and reasons as `check` (prefer `annotate(qs, business="business")` and
    `of_annotated` in new code: they need no values worked out by hand)."""
    met = {
        "active": business.status == BusinessStatus.AKTIF,
        "passed_training": bool(passed_training),
        "food_certificate": not business.sector.is_food or bool(food_ok),
    }
    return _result(met, _conditions())
