"""Training.trainee_count is kept by the database (umkm 0025) for every way enrolments are
written: one at a time, in bulk, moved to another training, removed one by one or in bulk,
and by a training's deletion; and an ORM save of a stale training row cannot put back an old
count. Each time it equals a count of the enrolments."""

import pytest
from django.db.models import Count

from tests.factories import BusinessFactory, TrainingFactory
from umkm.models import Enrolment, Training

pytestmark = pytest.mark.django_db


def _assert_counts_true():
    counted = dict(Training.objects.annotate(n=Count("enrolments")).values_list("pk", "n"))
    kept = dict(Training.objects.values_list("pk", "trainee_count"))
    assert kept == counted


def _enrol(training, business):
    return Enrolment.objects.create(training=training, business=business, owner=business.owner)


def test_the_count_follows_every_write_of_the_enrolments():
    first, second = TrainingFactory(), TrainingFactory()
    businesses = BusinessFactory.create_batch(5)
    one = _enrol(first, businesses[0])
    _assert_counts_true()
    Enrolment.objects.bulk_create(
        [Enrolment(training=second, business=b, owner=b.owner) for b in businesses[1:]]
        + [Enrolment(training=first, business=businesses[1], owner=businesses[1].owner)]
    )
    _assert_counts_true()
    assert Training.objects.get(pk=second.pk).trainee_count == 4
    one.training = second  # moved
    one.save()
    _assert_counts_true()
    Enrolment.objects.filter(training=second).update(attended=True)  # no move: no change
    _assert_counts_true()
    Enrolment.objects.filter(business__in=businesses[3:]).delete()
    _assert_counts_true()
    one.delete()
    _assert_counts_true()
    assert Training.objects.get(pk=second.pk).trainee_count == 2
    second.delete()  # its enrolments go with it
    _assert_counts_true()


def test_a_stale_training_saved_after_trainees_were_added_keeps_the_true_count():
    training = TrainingFactory()
    stale = Training.objects.get(pk=training.pk)  # read with no trainees
    _enrol(training, BusinessFactory())
    stale.title = "Judul baru"
    stale.save()  # writes every column, the count it read among them
    assert Training.objects.get(pk=training.pk).trainee_count == 1
    _assert_counts_true()


def test_the_training_list_sorts_by_the_kept_count(client):
    from django.urls import reverse

    from tests.factories import admin_sudin

    small, large = (
        TrainingFactory(title="Pelatihan Kecil"),
        TrainingFactory(title="Pelatihan Besar"),
    )
    for business in BusinessFactory.create_batch(3):
        _enrol(large, business)
    _enrol(small, BusinessFactory())
    client.force_login(admin_sudin())
    url = reverse("admin:umkm_training_changelist")
    index = client.get(url).context["cl"].list_display.index("trainee_count")
    page = client.get(f"{url}?o=-{index}").content.decode()
    assert page.index("Pelatihan Besar") < page.index("Pelatihan Kecil")
