"""The 7P list's order: data, changed through services.stages_reorder, each stage its own place."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from config.actors import SYSTEM
from tests.factories import UserFactory, admin_sudin, operator
from tests.umkm.admin_forms import form_data
from umkm import services
from umkm.models import Stage

pytestmark = pytest.mark.django_db


def _orders():
    return dict(Stage.objects.values_list("code", "order"))


def test_two_stages_swap_their_order_in_one_call():
    before = _orders()
    pelatihan, pendampingan = (Stage.objects.get(code=c) for c in ("pelatihan", "pendampingan"))
    services.stages_reorder(
        actor=admin_sudin(),
        orders={pelatihan: pendampingan.order, pendampingan.pk: pelatihan.order},
    )
    after = _orders()
    assert (after["pelatihan"], after["pendampingan"]) == (
        before["pendampingan"],
        before["pelatihan"],
    )


def test_an_order_used_twice_is_refused_and_nothing_changes():
    before = _orders()
    pelatihan = Stage.objects.get(code="pelatihan")
    with pytest.raises(ValidationError) as exc:
        services.stages_reorder(actor=SYSTEM, orders={pelatihan: before["pendaftaran"]})
    assert exc.value.message_dict["order"] == [
        "Setiap tahap harus punya urutan sendiri; urutan yang dipakai lebih dari sekali: "
        f"{before['pendaftaran']}."
    ]
    assert _orders() == before


def test_an_operator_may_not_reorder_the_stages():
    before = _orders()
    pelatihan, pendampingan = (Stage.objects.get(code=c) for c in ("pelatihan", "pendampingan"))
    with pytest.raises(PermissionDenied):
        services.stages_reorder(
            actor=operator("31.73.02"),
            orders={pelatihan: pendampingan.order, pendampingan: pelatihan.order},
        )
    assert _orders() == before


def test_an_order_used_twice_in_the_admin_list_is_shown_and_nothing_changes(client):
    before = _orders()
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("admin:umkm_stage_changelist")
    data = form_data(client.get(url))
    pelatihan = Stage.objects.get(code="pelatihan")
    for i in range(int(data["form-TOTAL_FORMS"])):
        if int(data[f"form-{i}-id"]) == pelatihan.pk:
            data[f"form-{i}-order"] = str(before["pendaftaran"])
    data["_save"] = "Simpan"
    data.pop("action", None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Setiap tahap harus punya urutan sendiri" in response.content.decode()
    assert _orders() == before
