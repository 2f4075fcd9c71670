"""Every form field named for assistive technology, once for the whole portal (FORM_RENDERER).

- A field in a row of a formset (an admin tabular or stacked inline, a list's editable
  column, the trainee quick entry) is named with its row: "Nama usaha, baris 3". A table's
  column header does not name the inputs under it, so without this a screen reader reads
  thirty unnamed boxes. The row comes from the form's prefix ("enrolments-2" is row 3; the
  hidden template row of "add another", "enrolments-__prefix__", is "baris baru" until the
  admin's script numbers it, static/js/admin-a11y.js).
- A single input that Django wraps in a fieldset with a legend (a file input) is named by its
  label: a legend names the group, not the input inside.
A name set by the form itself (attrs["aria-label"]) is kept.
"""

import re

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import ChoiceWidget
from django.utils.text import capfirst
from django.utils.translation import gettext

ROW = re.compile(r"-(\d+|__prefix__)$")


def row_of(prefix: str | None) -> str | None:
    """The 1-based row number of a formset form's prefix, "new" for the template row, or None
    for a form outside a formset."""
    match = ROW.search(prefix or "")
    if match is None:
        return None
    return "new" if match.group(1) == "__prefix__" else str(int(match.group(1)) + 1)


def row_label(label: str, row: str) -> str:
    if row == "new":
        return gettext("%(label)s, new row") % {"label": label}
    return gettext("%(label)s, row %(row)s") % {"label": label, "row": row}


class NamedBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden or "aria-label" in attrs or "aria-label" in widget.attrs:
            return attrs
        label = capfirst(str(self.label or self.name))
        row = row_of(self.form.prefix)
        if row is not None:
            attrs["aria-label"] = row_label(label, row)
            if row == "new":  # numbered by static/js/admin-a11y.js once the row is added
                attrs["data-row-label"] = row_label(label, "{row}")
        elif widget.use_fieldset and not isinstance(widget, ChoiceWidget):
            attrs["aria-label"] = label
        return attrs


class PortalFormRenderer(DjangoTemplates):
    bound_field_class = NamedBoundField
