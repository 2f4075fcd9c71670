"""The business list of the exports: the register of the reference day, one row per
business, and the certificate cases of the report's businesses."""

from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import ExtractYear

from exports.sql import formula_safe
from reports.selectors.base import Period, Scope
from umkm.models import (
    Business,
    BusinessStage,
    BusinessStatus,
    Scale,
)


def _choice_label(field_name: str, choices) -> Case:
    return Case(
        *[When(**{field_name: value}, then=Value(str(label))) for value, label in choices],
        default=Value(""),
        output_field=CharField(),
    )


def business_rows(scope: Scope, period: Period):
    """The businesses in the register on the period's reference day, one row each, with the
    kelurahan, scale, status and 7P stage of that day (as the report counts them), never NIK,
    phone or home address. Every text column that comes from data is formula-safe here, in
    SQL (exports.sql), for COPY.

    A values_list queryset: the XLSX iterates it, the CSV streams its SQL through COPY.
    """
    on = period.reference_day
    stage_on = (
        BusinessStage.objects.filter(business=OuterRef("pk"), reached_on__lte=on)
        .order_by("-stage__order")
        .values("stage__name")[:1]
    )
    return (
        Business.objects.filter(
            binaan_since__lte=on,
            states__valid__contains=on,
            states__kelurahan__code__startswith=scope.prefix,
        )
        .annotate(
            kelurahan_on=F("states__kelurahan_id"),
            scale_on=F("states__scale"),
            status_on=F("states__status"),
            stage_on=Subquery(stage_on),
        )
        .order_by("kelurahan_on", "name", "id")
        .values_list(
            formula_safe("name"),
            formula_safe("sector__name"),
            formula_safe("states__kelurahan__name"),
            formula_safe("states__kelurahan__kecamatan__name"),
            _choice_label("scale_on", Scale.choices),
            _choice_label("status_on", BusinessStatus.choices),
            formula_safe("stage_on"),
            ExtractYear("binaan_since"),
            "binaan_since",
            formula_safe("nib"),
        )
    )


def certificate_case_rows(scope: Scope, period: Period):
    """Certificate cases of the report's businesses (every status), for the exports."""
    from certifications.models import CaseStatus, CertificateCase

    return (
        CertificateCase.objects.filter(
            business__kelurahan__code__startswith=scope.prefix,
            business__binaan_since__lte=period.end,
        )
        .order_by("business__kelurahan_id", "business__name", "type__order", "id")
        .values_list(
            formula_safe("business__name"),
            formula_safe("business__kelurahan__name"),
            formula_safe("business__kelurahan__kecamatan__name"),
            formula_safe("type__name"),
            formula_safe("product"),
            _choice_label("status", CaseStatus.choices),
            formula_safe("number"),
            "issued_on",
            "expires_on",
        )
    )
