"""Edges of the register's policy (umkm/permissions.py) that the mutation benchmark found
untested on the merged issue-12 code: `can_access` of no object or an unsaved one."""

import pytest

from tests.factories import BusinessFactory, kelurahan, operator
from umkm import permissions
from umkm.models import Business

pytestmark = pytest.mark.django_db


def test_can_access_with_no_object_or_an_unsaved_one_is_false_and_else_follows_the_scope():
    user = operator("31.73.02")
    assert not permissions.can_access(user, None, permissions.businesses_for)
    assert not permissions.can_access(
        user, Business(name="Belum disimpan"), permissions.businesses_for
    )
    here = BusinessFactory(kelurahan=kelurahan("31.73.02.1002"))
    elsewhere = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"))
    assert permissions.can_access(user, here, permissions.businesses_for)
    assert not permissions.can_access(user, elsewhere, permissions.businesses_for)
