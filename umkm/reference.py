"""Reference data every install has: DKI areas, sectors, the 7P stages, the roles.

Loaded by migrations; `ensure_reference_data` puts it back where a test flushed the database
(transactional and live-server tests empty every table afterwards).
"""

SECTORS = [
    # code, name, is_food, order
    ("kuliner", "Kuliner", True, 1),
    ("fesyen", "Fesyen", False, 2),
    ("kerajinan-tangan", "Kerajinan tangan", False, 3),
    ("parfum", "Parfum / wangi-wangian", False, 4),
    ("jasa", "Jasa", False, 5),
    ("lainnya", "Lainnya", False, 6),
]

STAGES = [
    ("pendaftaran", "Pendaftaran", 1),
    ("pelatihan", "Pelatihan", 2),
    ("pendampingan", "Pendampingan", 3),
    ("perizinan", "Perizinan", 4),
    ("pemasaran", "Pemasaran", 5),
    ("pelaporan-keuangan", "Pelaporan keuangan", 6),
    ("permodalan", "Permodalan", 7),
]

# Which event moves a business to which stage, as the office starts (issue 17); staff change
# them in the admin (umkm.StageRule) and umkm.services.stages applies them.
STAGE_RULES = [
    ("training_passed", "pelatihan"),
    ("mentoring_report", "pendampingan"),
    ("licence_issued", "perizinan"),
    ("bazaar_attended", "pemasaran"),
]


def load_stage_rules(Stage, StageRule) -> None:
    """The starting rules, where missing (a rule staff changed is left as it is)."""
    stages = {s.code: s for s in Stage.objects.filter(code__in=[c for _e, c in STAGE_RULES])}
    for event, code in STAGE_RULES:
        if code in stages:
            StageRule.objects.get_or_create(event=event, defaults={"stage": stages[code]})


def load_sectors_and_stages(Sector, Stage) -> None:
    for code, name, is_food, order in SECTORS:
        Sector.objects.update_or_create(
            code=code, defaults={"name": name, "is_food": is_food, "order": order}
        )
    for code, name, order in STAGES:
        Stage.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def ensure_reference_data() -> None:
    from django.db import transaction

    # One transaction: row by row in autocommit every row would be a commit (seconds per test).
    with transaction.atomic():
        _ensure_reference_data()


def _ensure_reference_data() -> None:
    from django.contrib.auth.models import Group

    from umkm.areas import load_areas
    from umkm.models import City, Kecamatan, Kelurahan, Sector, Stage, StageRule
    from umkm.roles import ROLES, sync_roles

    if Kelurahan.objects.count() < 267:
        load_areas(City, Kecamatan, Kelurahan)
    if Sector.objects.count() < len(SECTORS) or Stage.objects.count() < len(STAGES):
        load_sectors_and_stages(Sector, Stage)
    if StageRule.objects.count() < len(STAGE_RULES):
        load_stage_rules(Stage, StageRule)
    if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
        sync_roles()
