"""Where staff name or filter by a mentor in admin, the choices are the mentors the user may
name (umkm.permissions.mentor_users): an operator's kecamatan's, never every user of the site
(owners' accounts are users too)."""

import pytest
from django.urls import reverse

from owners.signin import account_for
from tests.factories import BusinessFactory, MentoringFactory, admin_sudin, operator
from tests.mentors.factories import mentor
from tests.owners.factories import owner_business

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    here = mentor("31.73.02", full_name="Pendamping Grogol")
    there = mentor("31.73.01", full_name="Pendamping Cengkareng")
    owner_user = account_for(owner_business().owner).user
    MentoringFactory(business=BusinessFactory(), mentor=here.user)
    return here, there, owner_user


def _filter_choices(client):
    page = client.get(reverse("admin:umkm_mentoring_changelist"))
    assert page.status_code == 200
    for spec in page.context["cl"].filter_specs:
        if getattr(spec, "parameter_name", "") == "mentor":
            return {str(value) for value, _label in spec.lookup_choices}
    raise AssertionError("no mentor filter")


def test_the_operator_filters_and_names_only_the_kecamatan_s_mentors(client, world):
    here, _there, _owner_user = world
    client.force_login(operator("31.73.02"))
    assert _filter_choices(client) == {str(here.user.pk)}
    form = client.get(reverse("admin:umkm_mentoring_add")).context["adminform"].form
    choices = {str(pk) for pk, _label in form.fields["mentor"].choices if pk}
    assert choices == {str(here.user.pk)}


def test_city_wide_staff_see_every_mentor_and_no_other_user(client, world):
    here, there, owner_user = world
    client.force_login(admin_sudin())
    choices = _filter_choices(client)
    assert choices == {str(here.user.pk), str(there.user.pk)}
    assert str(owner_user.pk) not in choices
    listed = client.get(reverse("admin:umkm_mentoring_changelist") + f"?mentor={there.user.pk}")
    assert listed.context["cl"].result_count == 0
    listed = client.get(reverse("admin:umkm_mentoring_changelist") + f"?mentor={here.user.pk}")
    assert listed.context["cl"].result_count == 1
