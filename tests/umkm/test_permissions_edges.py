"""Edges of the register's row rules that the mutation benchmark (bench/mutation.py) found
untested: an operator without a kecamatan, an inactive Admin Sudin, owners seen through their
business, and the default querysets of the scoping functions."""

import pytest

from tests.factories import (
    BusinessFactory,
    MentoringFactory,
    OwnerFactory,
    admin_sudin,
    kelurahan,
    operator,
    pejabat,
)
from umkm import permissions
from umkm.models import StaffProfile

pytestmark = pytest.mark.django_db

HERE, ELSEWHERE = "31.73.02.1002", "31.73.01.1001"


def test_operator_without_a_kecamatan_sees_nothing_rather_than_everything():
    user = operator()
    StaffProfile.objects.filter(user=user).update(kecamatan=None)
    user = type(user).objects.get(pk=user.pk)
    BusinessFactory(kelurahan=kelurahan(HERE))
    assert permissions.operator_kecamatan_code(user) == ""
    assert not permissions.businesses_for(user).exists()
    assert not permissions.can_access_kecamatan(user, "")
    assert not permissions.can_access_kecamatan(user, "31.73.02")


def test_inactive_admin_sudin_is_not_city_wide():
    assert permissions.is_city_wide(admin_sudin())
    assert permissions.is_city_wide(pejabat())
    assert not permissions.is_city_wide(admin_sudin(is_active=False))
    assert permissions.operator_kecamatan_code(admin_sudin()) is None


def test_reports_of_a_kecamatan_for_its_operator_only():
    user = operator("31.73.02")
    assert permissions.can_access_kecamatan(user, "31.73.02")
    assert not permissions.can_access_kecamatan(user, "31.73.01")
    assert permissions.can_access_kecamatan(admin_sudin(), "31.73.01")


def test_no_kelurahan_means_no_access_even_city_wide():
    assert not permissions.can_access_kelurahan(admin_sudin(), None)
    assert permissions.can_access_kelurahan(admin_sudin(), kelurahan(ELSEWHERE))
    assert not permissions.can_access_kelurahan(operator("31.73.02"), kelurahan(ELSEWHERE))


def test_operator_sees_owners_living_or_trading_in_the_kecamatan():
    user = operator("31.73.02")
    living_here = OwnerFactory(kelurahan=kelurahan(HERE))
    trading_here = BusinessFactory(
        owner=OwnerFactory(kelurahan=kelurahan(ELSEWHERE)), kelurahan=kelurahan(HERE)
    ).owner
    elsewhere = BusinessFactory(
        owner=OwnerFactory(kelurahan=kelurahan(ELSEWHERE)), kelurahan=kelurahan(ELSEWHERE)
    ).owner
    assert set(permissions.owners_for(user)) == {living_here, trading_here}
    assert permissions.can_access_owner(user, trading_here)
    assert not permissions.can_access_owner(user, elsewhere)
    assert permissions.can_access_owner(admin_sudin(), elsewhere)


def test_scoping_functions_default_to_every_row_of_the_model():
    user = operator("31.73.02")
    here = MentoringFactory(business=BusinessFactory(kelurahan=kelurahan(HERE)))
    MentoringFactory(business=BusinessFactory(kelurahan=kelurahan(ELSEWHERE)))
    assert list(permissions.mentorings_for(user)) == [here]
    assert permissions.mentorings_for(admin_sudin()).count() == 2
    assert set(permissions.businesses_for(user)) == {here.business}
    assert permissions.kelurahan_for(user).filter(code=ELSEWHERE).count() == 0
    assert permissions.kecamatan_for(user).get().code == "31.73.02"


def test_operator_scope_follows_every_write_of_businesses_and_owners():
    """Owner.kecamatans is kept by the database (umkm 0023): a business added, moved, handed
    over or deleted, a home moved, a stale instance saved, a bulk insert."""
    from umkm.models import Business, Owner

    user = operator("31.73.02")

    def seen(owner) -> bool:
        return permissions.owners_for(user).filter(pk=owner.pk).exists()

    owner = OwnerFactory(kelurahan=kelurahan(ELSEWHERE))
    stale = Owner.objects.get(pk=owner.pk)
    assert not seen(owner)
    business = BusinessFactory(owner=owner, kelurahan=kelurahan(ELSEWHERE))
    assert not seen(owner)
    Business.objects.filter(pk=business.pk).update(kelurahan=kelurahan(HERE))  # moved here
    assert seen(owner)
    stale.save()  # an instance read before the move cannot put the old set back
    assert seen(owner)
    other = OwnerFactory(kelurahan=kelurahan(ELSEWHERE))
    Business.objects.filter(pk=business.pk).update(owner=other)  # handed over
    assert seen(other) and not seen(owner)
    Business.objects.filter(pk=business.pk).delete()
    assert not seen(other)
    Owner.objects.filter(pk=owner.pk).update(kelurahan=kelurahan(HERE))  # moved home
    assert seen(owner)
    third = OwnerFactory(kelurahan=kelurahan(ELSEWHERE))
    Business.objects.bulk_create(
        [BusinessFactory.build(owner=third, kelurahan=kelurahan(HERE), slug="bulk-kopi")]
    )
    assert seen(third)


def test_an_operators_rows_reached_through_a_kelurahan_are_filtered_on_its_codes():
    """The operator's scope names its kecamatan's kelurahan codes, so that the planner reads
    one kecamatan's businesses by the kelurahan index instead of joining the kelurahan table
    and scanning every business (umkm.permissions.kecamatan_scoped); and it keeps the rows
    that the join kept, a business that moved out of the kecamatan included."""
    user = operator("31.73.02")
    here = BusinessFactory(kelurahan=kelurahan(HERE))
    moved = BusinessFactory(kelurahan=kelurahan(HERE))
    MentoringFactory(business=here)
    MentoringFactory(business=BusinessFactory(kelurahan=kelurahan(ELSEWHERE)))
    for rows in (permissions.businesses_for(user), permissions.mentorings_for(user)):
        sql = str(rows.query)
        assert '"kelurahan_id" IN (' in sql and "umkm_kelurahan" not in sql, sql
    assert set(permissions.businesses_for(user)) == {here, moved}
    moved.kelurahan = kelurahan(ELSEWHERE)
    moved.save()
    assert set(permissions.businesses_for(user)) == {here}
    assert [m.business for m in permissions.mentorings_for(user)] == [here]


def test_the_kecamatans_kelurahan_codes_are_read_once_per_request(count_queries):
    user = operator("31.73.02")
    permissions.operator_kecamatan_code(user)  # the groups and the profile, read once
    with count_queries() as first:
        list(permissions.businesses_for(user))
    with count_queries() as again:
        list(permissions.businesses_for(user))
        list(permissions.mentorings_for(user))
    assert first.count == 2  # the codes, then the rows
    assert again.count == 2  # the rows of each, the codes kept on the user
