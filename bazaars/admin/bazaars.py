"""Venues and bazaars: plan, booths, publish, and the check-in and sales page of each day."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bazaars import exports, selectors, services
from bazaars import permissions as policy
from bazaars.admin.base import _errors
from bazaars.models import (
    Attendance,
    Bazaar,
    BazaarDay,
    Booth,
    DailySales,
    Participation,
    ParticipationStatus,
    Venue,
)
from bazaars.services.bazaars import BAZAAR_FIELDS
from config import formats, params
from exports import csv_stream
from umkm import permissions
from umkm.admin.base import ScopedAdmin, ScopedTabularInline

S = ParticipationStatus


@admin.register(Venue)
class VenueAdmin(ScopedAdmin):
    scope = staticmethod(permissions.city_wide)  # venues are the city's
    list_display = ["name", "kelurahan", "address"]
    search_fields = ["name", "address"]
    list_select_related = ["kelurahan"]


def _inputs(formsets, model, build) -> list | None:
    """The rows of the inline of `model` as the services' inputs (None: no such inline)."""
    for formset in formsets:
        if formset.model is model:
            return [
                build(form, form in formset.deleted_forms)
                for form in formset.forms
                if form.instance.pk or (form.has_changed() and form not in formset.deleted_forms)
            ]
    return None


def _day_input(form, delete: bool):
    data = form.cleaned_data
    return services.DayInput(
        pk=form.instance.pk,
        date=data.get("date"),
        opens_at=data.get("opens_at"),
        closes_at=data.get("closes_at"),
        delete=delete,
    )


def _booth_input(form, delete: bool):
    data = form.cleaned_data
    return services.BoothInput(
        pk=form.instance.pk,
        code=data.get("code", ""),
        zone=data.get("zone", ""),
        size=data.get("size", ""),
        delete=delete,
    )


class BazaarDayInline(admin.TabularInline):
    model = BazaarDay
    extra = 0
    min_num = 1


class BoothInline(admin.TabularInline):
    model = Booth
    extra = 0
    fields = ["code", "zone", "size"]


class ParticipationInline(ScopedTabularInline):
    """Read-only here: decisions are made on the participation list (bulk) or its page."""

    model = Participation
    scope = staticmethod(policy.participations_for)
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["business", "status", "booth", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("business", "booth")


@admin.register(Bazaar)
class BazaarAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope = staticmethod(policy.bazaars_for)
    list_display = ["title", "start_date", "end_date", "phase", "booth_count", "accepted"]
    list_filter = ["status", "start_date"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "start_date", "end_date", "published_at", "tools"]
    fields = [
        "title",
        "slug",
        "description",
        "venue",
        "organiser",
        "booth_count",
        ("applications_open", "applications_close"),
        "poster",
        "status",
        ("start_date", "end_date"),
        "published_at",
        "tools",
    ]
    inlines = [BazaarDayInline, BoothInline, ParticipationInline]
    actions = ["publish", "cancel", "add_missing_booths"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_accepted=Count("participations", filter=Q(participations__status=S.ACCEPTED))
            )
        )

    @admin.display(description=_("status"), ordering="status")
    def phase(self, obj):
        """'Finished' is not stored: a published bazaar whose last day has passed."""
        if obj.status == "published" and obj.is_finished():
            return gettext("Finished")
        return obj.get_status_display()

    @admin.display(description=_("accepted"), ordering="n_accepted")
    def accepted(self, obj):
        return obj.n_accepted

    @admin.display(description=_("tools"))
    def tools(self, obj):
        if not obj or not obj.pk:
            return "—"
        links = [
            (
                reverse("admin:bazaars_bazaar_propose", args=[obj.pk]),
                gettext("Propose participants"),
            ),
            (
                reverse("admin:bazaars_participation_changelist") + f"?bazaar__id__exact={obj.pk}",
                gettext("Decide on participants"),
            ),
            (reverse("admin:bazaars_bazaar_export", args=[obj.pk, "xlsx"]), gettext("Export XLSX")),
            (reverse("admin:bazaars_bazaar_export", args=[obj.pk, "csv"]), gettext("Export CSV")),
            (
                reverse("admin:bazaars_bazaar_export", args=[obj.pk, "csv"])
                + "?"
                + csv_stream.EXCEL_ID.query(),
                gettext("Export CSV (Excel Indonesia)"),
            ),
        ]
        links += [
            (
                reverse("admin:bazaars_bazaar_day", args=[obj.pk, day.pk]),
                gettext("Check-in and sales %(date)s") % {"date": formats.date_short(day.date)},
            )
            for day in obj.days.all()
        ]
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links)
        )

    def save_model(self, request, obj, form, change):
        """Saved with its days and booths by the services, in save_related."""

    def save_related(self, request, form, formsets, change):
        data = {n: form.cleaned_data[n] for n in BAZAAR_FIELDS if n in form.cleaned_data}
        days = _inputs(formsets, BazaarDay, _day_input)
        booths = _inputs(formsets, Booth, _booth_input)
        if change:
            changes = {n: data[n] for n in form.changed_data if n in data}
            bazaar = services.bazaar_update(
                actor=request.user, bazaar=form.instance, days=days, booths=booths, **changes
            )
        else:
            bazaar = services.bazaar_create(actor=request.user, days=days, booths=booths, **data)
            form.instance.pk = bazaar.pk
            form.instance.slug = bazaar.slug
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _each(self, request, queryset, service, done: str) -> None:
        """Run one service per selected bazaar: each refusal named, the rest done and counted."""
        count = 0
        for bazaar in queryset:
            try:
                service(actor=request.user, bazaar=bazaar)
            except ValidationError as exc:
                self.message_user(request, f"{bazaar}: {_errors(exc)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected bazaars"), permissions=["change"])
    def publish(self, request, queryset):
        self._each(
            request, queryset, services.bazaar_publish, gettext("%(count)s bazaars published.")
        )

    @admin.action(description=_("Cancel the selected bazaars"), permissions=["change"])
    def cancel(self, request, queryset):
        self._each(
            request, queryset, services.bazaar_cancel, gettext("%(count)s bazaars cancelled.")
        )

    @admin.action(description=_("Add the missing booths (A01, A02, ...)"), permissions=["change"])
    def add_missing_booths(self, request, queryset):
        self._each(
            request,
            queryset,
            services.booths_fill,
            gettext("Missing booths added to %(count)s bazaars."),
        )

    # --- extra pages ---------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/usulan/", wrap(self.propose_view), name="bazaars_bazaar_propose"),
            path(
                "<int:pk>/ekspor.<str:fmt>",
                wrap(self.export_view),
                name="bazaars_bazaar_export",
            ),
            path("<int:pk>/hari/<int:day>/", wrap(self.day_view), name="bazaars_bazaar_day"),
            *super().get_urls(),
        ]

    def export_view(self, request, pk, fmt):
        bazaar = self.get_object(request, pk)
        if not policy.can_export_participants(request.user, bazaar):
            raise PermissionDenied
        if fmt == "xlsx":
            return exports.xlsx_response(bazaar, request.user)
        if fmt == "csv":
            return exports.csv_response(bazaar, request.user, csv_stream.variant_of(request.GET))
        raise PermissionDenied

    def propose_view(self, request, pk):
        """Fair selection: the proposed list, ticked; staff untick, then accept in bulk."""
        bazaar = get_object_or_404(
            self.get_queryset(request).select_related("venue__kelurahan__kecamatan"), pk=pk
        )
        if not policy.can_plan(request.user, bazaar):
            raise PermissionDenied
        if request.method == "POST":
            ids = params.get_list(request.POST, "business", params.object_id)
            chosen = list(permissions.businesses_for(request.user).filter(pk__in=ids))
            try:
                accepted = services.participants_accept(
                    actor=request.user,
                    bazaar=bazaar,
                    businesses=chosen,
                    override_reason=request.POST.get("override_reason", ""),
                )
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    _errors(exc) if isinstance(exc, ValidationError) else str(exc),
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext("%(count)s businesses accepted.") % {"count": len(accepted)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:bazaars_bazaar_change", args=[pk]))
        proposals = selectors.propose_participants(bazaar)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Proposed participants for %(bazaar)s") % {"bazaar": bazaar},
            "bazaar": bazaar,
            "proposals": proposals,
        }
        return TemplateResponse(request, "admin/bazaars/propose.html", context)

    def day_view(self, request, pk, day):
        """Check-in and sales of one day, for every accepted business the user may act on."""
        bazaar = self.get_object(request, pk)
        if not policy.can_record_day(request.user, bazaar):
            raise PermissionDenied
        day = get_object_or_404(BazaarDay, pk=day, bazaar=bazaar)
        participations = list(
            policy.participations_for(
                request.user, Participation.objects.accepted().filter(bazaar=bazaar)
            )
            .select_related("business__kelurahan", "booth")
            .order_by("booth__code", "business__name")
        )
        present = set(
            Attendance.objects.filter(day=day, participation__in=participations).values_list(
                "participation_id", flat=True
            )
        )
        sales = {
            s.participation_id: s
            for s in DailySales.objects.filter(day=day, participation__in=participations)
        }
        rows = [
            {
                "p": p,
                "present": p.pk in present,
                "omzet": getattr(sales.get(p.pk), "omzet", ""),
                "transactions": getattr(sales.get(p.pk), "transactions", ""),
            }
            for p in participations
        ]
        # The day so far, as saved: who checked in, and what they sold together.
        totals = {
            "present": len(present),
            "expected": len(participations),
            "omzet": sum(s.omzet for s in sales.values()),
            "transactions": sum(s.transactions for s in sales.values()),
            "sellers": len(sales),
        }
        errors = []
        if request.method == "POST":
            for row in rows:
                pid = row["p"].pk
                row["present"] = request.POST.get(f"present-{pid}") == "on"
                row["omzet"] = request.POST.get(f"omzet-{pid}", "").strip()
                row["transactions"] = request.POST.get(f"transactions-{pid}", "").strip()
            entries = [
                services.DayEntry(
                    participation=row["p"],
                    present=row["present"],
                    omzet=row["omzet"],
                    transactions=row["transactions"],
                )
                for row in rows
            ]
            try:
                services.day_record(actor=request.user, day=day, entries=entries)
            except ValidationError as exc:
                errors = exc.messages
            except PermissionDenied as exc:
                errors = [str(exc)]
            else:
                self.message_user(request, gettext("Check-ins and sales saved."), messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Check-in and sales, %(date)s")
            % {"date": formats.date_short(day.date)},
            "bazaar": bazaar,
            "day": day,
            "rows": rows,
            "totals": totals,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/bazaars/day.html", context)
