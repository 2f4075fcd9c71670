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


def record_stages(new_businesses, enrolments, *, training, user) -> None:
    """Pendaftaran for new businesses; for every passed enrolment whose business lacks it, the
    stage of the "training passed" rule (umkm.services.stages, the same rule as stage_event,
    here with a few queries per 2,000 rows); then each business's current stage (the same
    rule as refresh_current_stage)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from umkm.models import Enrolment, StageEvent
    from umkm.services.stages import rule_for

    first = Stage.objects.order_by("order").first()
    records = []
    if first is not None:
        records += [
            BusinessStage(business=b, stage=first, reached_on=b.binaan_since, recorded_by=user)
            for b in new_businesses
        ]
    rule = rule_for(StageEvent.TRAINING_PASSED)
    passed = [e for e in enrolments if e.passed]
    if rule is not None and passed:
        has_it = set()
        for chunk in chunked([e.business.pk for e in passed]):
            has_it.update(
                BusinessStage.objects.filter(business_id__in=chunk, stage=rule.stage).values_list(
                    "business_id", flat=True
                )
            )
        if first is not None and first.pk == rule.stage_id:
            has_it.update(b.pk for b in new_businesses)
        on = min(training.end_date, timezone.localdate())
        enrolment_type = ContentType.objects.get_for_model(Enrolment)
        for e in passed:
            if e.business.pk in has_it:
                continue
            has_it.add(e.business.pk)
            records.append(
                BusinessStage(
                    business=e.business,
                    stage=rule.stage,
                    reached_on=on,
                    recorded_by=user,
                    rule=rule,
                    cause=str(e)[:300],
                    cause_type=enrolment_type,
                    cause_id=e.pk,
                )
            )
    if records:
        bulk_create_with_history(records, BusinessStage, batch_size=1000, default_user=user)
    latest = (
        BusinessStage.objects.filter(business=OuterRef("pk"))
        .order_by("-reached_on", "-stage__order")
        .values("stage_id")[:1]
    )
    ids = list({b.pk for b in new_businesses} | {r.business.pk for r in records})
    for chunk in chunked(ids):
        Business.objects.filter(pk__in=chunk).update(current_stage_id=Subquery(latest))
