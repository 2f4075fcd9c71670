"""Bazaars in Django admin. Thin: every decision goes through bazaars.services, every queryset
through umkm.permissions (an Operator Kecamatan sees and changes only the participations of
businesses of its kecamatan)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bazaars import eligibility, exports, selectors, services
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
from umkm import permissions
from umkm.models import Business, Enrolment

S = ParticipationStatus


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kelurahan", "address"]
    search_fields = ["name", "address"]
    list_select_related = ["kelurahan"]


class BazaarDayInline(admin.TabularInline):
    model = BazaarDay
    extra = 0
    min_num = 1


class BoothInline(admin.TabularInline):
    model = Booth
    extra = 0
    fields = ["code", "zone", "size"]


class ParticipationInline(admin.TabularInline):
    """Read-only here: decisions are made on the participation list (bulk) or its page."""

    model = Participation
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["business", "status", "booth", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("business", "booth")
        return selectors.permissions_filter(request.user, qs)


@admin.register(Bazaar)
class BazaarAdmin(SimpleHistoryAdmin):
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
        ]
        links += [
            (
                reverse("admin:bazaars_bazaar_day", args=[obj.pk, day.pk]),
                gettext("Check-in and sales %(date)s") % {"date": day.date.strftime("%d-%m-%Y")},
            )
            for day in obj.days.all()
        ]
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links)
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.bazaar_refresh_dates(bazaar=form.instance)
        if not change and not form.instance.booths.exists():
            services.booths_fill(actor=request.user, bazaar=form.instance)

    @admin.action(description=_("Publish the selected bazaars"), permissions=["change"])
    def publish(self, request, queryset):
        for bazaar in queryset:
            try:
                services.bazaar_publish(actor=request.user, bazaar=bazaar)
            except ValidationError as exc:
                self.message_user(request, f"{bazaar}: {_errors(exc)}", messages.ERROR)

    @admin.action(description=_("Cancel the selected bazaars"), permissions=["change"])
    def cancel(self, request, queryset):
        for bazaar in queryset:
            services.bazaar_cancel(actor=request.user, bazaar=bazaar)

    @admin.action(description=_("Add the missing booths (A01, A02, ...)"), permissions=["change"])
    def add_missing_booths(self, request, queryset):
        for bazaar in queryset:
            services.booths_fill(actor=request.user, bazaar=bazaar)

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
        if not request.user.has_perm("bazaars.view_participation"):
            raise PermissionDenied
        bazaar = get_object_or_404(Bazaar, pk=pk)
        if fmt == "xlsx":
            return exports.xlsx_response(bazaar, request.user)
        if fmt == "csv":
            return exports.csv_response(bazaar, request.user)
        raise PermissionDenied

    def propose_view(self, request, pk):
        """Fair selection: the proposed list, ticked; staff untick, then accept in bulk."""
        if not request.user.has_perm("bazaars.change_bazaar"):
            raise PermissionDenied
        bazaar = get_object_or_404(
            Bazaar.objects.select_related("venue__kelurahan__kecamatan"), pk=pk
        )
        if request.method == "POST":
            ids = [int(i) for i in request.POST.getlist("business") if i.isdigit()]
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
        if not request.user.has_perm("bazaars.change_dailysales"):
            raise PermissionDenied
        bazaar = get_object_or_404(Bazaar, pk=pk)
        day = get_object_or_404(BazaarDay, pk=day, bazaar=bazaar)
        participations = list(
            selectors.permissions_filter(
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
        errors = []
        if request.method == "POST":
            for row in rows:
                pid = row["p"].pk
                row["present"] = request.POST.get(f"present-{pid}") == "on"
                row["omzet"] = request.POST.get(f"omzet-{pid}", "").replace(".", "").strip()
                row["transactions"] = request.POST.get(f"transactions-{pid}", "").strip()
                label = f"{row['p'].booth or '-'} {row['p'].business.name}"
                for name, text in (
                    ("omzet", gettext("omzet")),
                    ("transactions", gettext("transactions")),
                ):
                    if row[name] and not row[name].isdigit():
                        errors.append(
                            gettext(
                                "Row %(row)s, column %(column)s: enter a whole number of 0 or more."
                            )
                            % {"row": label, "column": text}
                        )
                if bool(row["omzet"]) != bool(row["transactions"]):
                    errors.append(
                        gettext("Row %(row)s: enter both omzet and transactions, or neither.")
                        % {"row": label}
                    )
            if not errors:
                try:
                    with transaction.atomic():
                        for row in rows:
                            services.attendance_set(
                                actor=request.user,
                                participation=row["p"],
                                day=day,
                                present=row["present"],
                            )
                            if row["omzet"]:
                                services.daily_sales_record(
                                    actor=request.user,
                                    participation=row["p"],
                                    day=day,
                                    omzet=int(row["omzet"]),
                                    transactions=int(row["transactions"]),
                                )
                except (ValidationError, PermissionDenied) as exc:
                    errors.append(_errors(exc) if isinstance(exc, ValidationError) else str(exc))
                else:
                    self.message_user(
                        request, gettext("Check-ins and sales saved."), messages.SUCCESS
                    )
                    return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Check-in and sales, %(date)s")
            % {"date": day.date.strftime("%d-%m-%Y")},
            "bazaar": bazaar,
            "day": day,
            "rows": rows,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/bazaars/day.html", context)


class ParticipationForm(forms.ModelForm):
    """Booth and decision are applied through the services inside the form's validation (the
    admin wraps the whole request in one transaction), so a clash or a full bazaar comes back
    as a clear error on the field instead of a crash."""

    decision = forms.ChoiceField(
        label=_("decision"),
        required=False,
        choices=[
            ("", "—"),
            (S.ACCEPTED, S.ACCEPTED.label),
            (S.WAITLISTED, S.WAITLISTED.label),
            (S.REJECTED, S.REJECTED.label),
            (S.WITHDRAWN, S.WITHDRAWN.label),
        ],
    )
    reason = forms.CharField(
        label=_("reason to override eligibility"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Participation
        fields = ["bazaar", "business", "booth", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and "booth" in self.fields:
            self.fields["booth"].queryset = Booth.objects.filter(bazaar=self.instance.bazaar_id)
            for name in ("bazaar", "business"):
                self.fields[name].disabled = True
        else:
            for name in ("booth", "decision", "reason"):
                self.fields.pop(name, None)

    def _post_clean(self):
        if self.errors:
            return
        try:
            if self.instance.pk is None:
                self.instance = services.participation_apply(
                    actor=self.user,
                    bazaar=self.cleaned_data["bazaar"],
                    business=self.cleaned_data["business"],
                    note=self.cleaned_data.get("note", ""),
                )
                return
            p = self.instance
            decision = self.cleaned_data.get("decision")
            booth = self.cleaned_data.get("booth")
            if decision == S.WITHDRAWN:
                services.participation_withdraw(actor=self.user, participation=p)
            elif decision and decision != p.status:
                services.participation_decide(
                    actor=self.user,
                    participation=p,
                    status=decision,
                    booth=booth if decision == S.ACCEPTED else None,
                    override_reason=self.cleaned_data.get("reason", ""),
                )
            elif booth != p.booth:
                services.booth_assign(actor=self.user, participation=p, booth=booth)
            p.refresh_from_db()
            if self.cleaned_data.get("note", "") != p.note:
                p.note = self.cleaned_data.get("note", "")
                p.save(update_fields=["note"])
            self.instance = p
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "booth" in exc.error_dict and "booth" in self.fields:
                self.add_error("booth", exc.error_dict["booth"])
            else:
                self.add_error(None, exc.messages)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    form = ParticipationForm
    list_display = [
        "business",
        "bazaar",
        "kecamatan",
        "sector",
        "status",
        "booth",
        "eligibility",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "bazaar", "business__sector", "business__kelurahan__kecamatan"]
    list_select_related = [
        "business__sector",
        "business__kelurahan__kecamatan",
        "bazaar",
        "booth",
        "decided_by",
    ]
    search_fields = ["business__name"]
    raw_id_fields = ["business"]
    readonly_fields = [
        "status",
        "eligibility",
        "decided_by",
        "decided_at",
        "applied_at",
        "withdrawn_at",
        "eligibility_override",
        "override_reason",
    ]
    actions = ["accept", "waitlist", "reject", "withdraw"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return WithUser

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["bazaar", "business", "note"]
        return [
            "bazaar",
            "business",
            "status",
            "eligibility",
            "decision",
            "reason",
            "booth",
            "note",
            "applied_at",
            "decided_by",
            "decided_at",
            "withdrawn_at",
            "eligibility_override",
            "override_reason",
        ]

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                passed_training=Exists(
                    Enrolment.objects.filter(business=OuterRef("business_id"), passed=True)
                )
            )
        )
        if eligibility.food_rule_on():
            from certifications.selectors import businesses_holding_food_certificate

            qs = qs.annotate(
                food_ok=Exists(
                    businesses_holding_food_certificate(
                        Business.objects.filter(pk=OuterRef("business_id"))
                    )
                )
            )
        return selectors.permissions_filter(request.user, qs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "business":
            kwargs["queryset"] = permissions.businesses_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Already saved by the services during validation (see ParticipationForm)."""

    @admin.display(description=_("kecamatan"), ordering="business__kelurahan__kecamatan")
    def kecamatan(self, obj):
        return obj.business.kelurahan.kecamatan

    @admin.display(description=_("sector"), ordering="business__sector")
    def sector(self, obj):
        return obj.business.sector

    @admin.display(description=_("eligibility"))
    def eligibility(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        result = eligibility.check_annotated(
            obj.business,
            passed_training=getattr(obj, "passed_training", False),
            food_ok=getattr(obj, "food_ok", None),
        )
        if result.eligible:
            return gettext("Eligible")
        if obj.eligibility_override:
            return gettext("Overridden: %(reason)s") % {"reason": obj.override_reason}
        return "; ".join(result.reasons)

    def _decide(self, request, queryset, status):
        try:
            done = services.participations_decide(
                actor=request.user, participations=list(queryset), status=status
            )
        except ValidationError as exc:
            self.message_user(request, _errors(exc), messages.ERROR)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("%(count)s participations updated.") % {"count": len(done)},
                messages.SUCCESS,
            )

    @admin.action(description=_("Accept the selected businesses"), permissions=["change"])
    def accept(self, request, queryset):
        self._decide(request, queryset, S.ACCEPTED)

    @admin.action(description=_("Waitlist the selected businesses"), permissions=["change"])
    def waitlist(self, request, queryset):
        self._decide(request, queryset, S.WAITLISTED)

    @admin.action(description=_("Reject the selected businesses"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, S.REJECTED)

    @admin.action(description=_("Withdraw the selected businesses"), permissions=["change"])
    def withdraw(self, request, queryset):
        moved = []
        try:
            with transaction.atomic():
                for p in queryset:
                    promoted = services.participation_withdraw(actor=request.user, participation=p)
                    if promoted:
                        moved.append(promoted.business.name)
        except (ValidationError, PermissionDenied) as exc:
            text = _errors(exc) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return
        if moved:
            self.message_user(
                request,
                gettext("Moved up from the waitlist: %(names)s") % {"names": ", ".join(moved)},
                messages.SUCCESS,
            )
