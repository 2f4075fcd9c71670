"""Bulk writes of the register at DKI scale: many new businesses' slugs and 7P stages with a
few queries per 2,000 rows (the trainee registration's write)."""

from django.db.models import OuterRef, Subquery
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from umkm.models import Business, BusinessStage, Stage

CHUNK = 2_000  # ids per IN (...) query


def chunked(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def assign_slugs(businesses: list[Business]) -> None:
    """Unique public slugs for many new businesses with one query per 2,000."""
    taken: set[str] = set()
    bases = {id(b): slugify(b.name)[:150] or "umkm" for b in businesses}
    for chunk in chunked(list(set(bases.values()))):
        taken.update(Business.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    for business in businesses:
        slug = base = bases[id(business)]
        while slug in taken:
            slug = f"{base}-{get_random_string(5, 'abcdefghjkmnpqrstuvwxyz23456789')}"
        taken.add(slug)
        business.slug = slug


def record_stages(new_businesses, enrolled_businesses, *, training, user) -> None:
    """Pendaftaran for new businesses, Pelatihan for every enrolled business that lacks it,
    then each business's current stage (the same rule as refresh_current_stage)."""
    from simple_history.utils import bulk_create_with_history

    stages = {s.code: s for s in Stage.objects.filter(code__in=["pendaftaran", "pelatihan"])}
    first = Stage.objects.order_by("order").first()
    records = []
    if first is not None:
        records += [
            BusinessStage(business=b, stage=first, reached_on=b.binaan_since, recorded_by=user)
            for b in new_businesses
        ]
    training_stage = stages.get("pelatihan")
    ids = [b.pk for b in enrolled_businesses]
    if training_stage is not None:
        has_it = set()
        for chunk in chunked(ids):
            has_it.update(
                BusinessStage.objects.filter(
                    business_id__in=chunk, stage=training_stage
                ).values_list("business_id", flat=True)
            )
        if first is not None and first.pk == training_stage.pk:
            has_it.update(b.pk for b in new_businesses)
        records += [
            BusinessStage(
                business=b, stage=training_stage, reached_on=training.start_date, recorded_by=user
            )
            for b in enrolled_businesses
            if b.pk not in has_it
        ]
    if records:
        bulk_create_with_history(records, BusinessStage, batch_size=1000, default_user=user)
    latest = (
        BusinessStage.objects.filter(business=OuterRef("pk"))
        .order_by("-reached_on", "-stage__order")
        .values("stage_id")[:1]
    )
    for chunk in chunked(ids):
        Business.objects.filter(pk__in=chunk).update(current_stage_id=Subquery(latest))
