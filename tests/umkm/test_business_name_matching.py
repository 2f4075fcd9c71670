"""A registered owner's business is found by its name however the white space was typed: a
no-break space pasted from a web page, a double space, a tab. Without this, the import read
"Warung\xa0Sri" as "Warung Sri", missed the registered "Warung\xa0Sri" and created a second
business for the same owner (found by hypothesis in tests/security/test_hostile_input.py)."""

import pytest

from tests.factories import BusinessFactory, OwnerFactory, TrainingFactory, admin_sudin
from tests.umkm.test_import import csv_file, trainee_row
from umkm import importer, services
from umkm.models import Business, Enrolment

pytestmark = pytest.mark.django_db

SPELLINGS = [
    ("Warung\xa0Sri", "Warung Sri"),
    ("Warung Sri", "warung\xa0sri"),
    ("Warung  Sri", "Warung Sri"),
    ("Warung Sri", "Warung\t Sri"),
]


@pytest.mark.parametrize(("registered", "typed"), SPELLINGS)
def test_import_row_finds_the_registered_business_whatever_its_white_space(registered, typed):
    owner = OwnerFactory()
    business = BusinessFactory(owner=owner, name=registered)
    BusinessFactory(owner=owner, name="Katering Lain")
    training = TrainingFactory()
    actor = admin_sudin()
    row = trainee_row(nik=owner.nik, full_name=owner.full_name, business_name=typed)
    rows = importer.read_rows("csv", csv_file([row]).getvalue())

    preview = importer.check_rows(actor=actor, training=training, rows=rows)
    assert preview.can_confirm, [r.errors for r in preview.error_rows]
    saved = importer.import_rows(actor=actor, training=training, rows=rows)
    assert saved.saved, [r.errors for r in saved.error_rows]

    assert Business.objects.filter(owner=owner).count() == 2  # no second "Warung Sri"
    assert Enrolment.objects.get(training=training).business == business


@pytest.mark.parametrize(("registered", "typed"), SPELLINGS)
def test_quick_entry_finds_the_registered_business_whatever_its_white_space(registered, typed):
    owner = OwnerFactory()
    business = BusinessFactory(owner=owner, name=registered)
    BusinessFactory(owner=owner, name="Katering Lain")
    training = TrainingFactory()

    services.trainee_add(
        actor=admin_sudin(),
        training=training,
        data=services.TraineeData(nik=owner.nik, business_name=typed),
    )

    assert Business.objects.filter(owner=owner).count() == 2
    assert Enrolment.objects.get(training=training).business == business
