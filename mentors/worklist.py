"""The mentors' queue on the staff desk (config.worklist): mentors with a business assigned now
that has had no report this month nor last, counted by the completeness page's own aggregate
(an operator: their kecamatan's), linking to that page."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.worklist import Entry, register
from mentors import permissions, selectors


@register("mentors.behind", title=gettext_lazy("Mentors"), order=30)
def mentors_behind(user):
    if not permissions.may_see_mentors(user):
        return
    yield Entry(
        label=_("Mentors with a business without a report for two months"),
        count=selectors.mentors_behind_count(user),
        url=reverse("mentors_staff:completeness"),
    )
