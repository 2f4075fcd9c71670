"""A service's refusal shown on the admin form that asked for it.

Admin pages call the services from save_model / save_related, inside the admin's own
transaction. When a service refuses (ValidationError: a booth already taken, a full bazaar, a
day with sales recorded), that transaction is rolled back whole and the same page is shown
again from the same POST, with the service's messages on the fields they name. The form itself
only validates input; the rule is the service's alone.
"""

from django.core.exceptions import ValidationError


def show_service_error(form, exc: ValidationError) -> None:
    """Put a service's messages on the form: on the field they name, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def with_service_error(form_class, exc: ValidationError):
    class WithServiceError(form_class):
        def clean(self):
            cleaned = super().clean()
            show_service_error(self, exc)
            return cleaned

    WithServiceError.__name__ = form_class.__name__
    return WithServiceError


class ServiceErrorsAdmin:
    """Mixin for a ModelAdmin whose saves go through services (see the module's docstring)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            if request.method != "POST" or getattr(request, "_service_error", None) is not None:
                raise
            request._service_error = exc  # the second pass shows it; nothing is saved
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as exc:
            if request.method != "POST" or getattr(request, "_service_error", None) is not None:
                raise
            request._service_error = exc
            return super().changelist_view(request, extra_context)

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        exc = getattr(request, "_service_error", None)
        if exc is None:
            return formset

        class WithServiceError(formset):
            def clean(self):
                super().clean()
                raise ValidationError(exc.messages)

        return WithServiceError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        exc = getattr(request, "_service_error", None)
        return form if exc is None else with_service_error(form, exc)
