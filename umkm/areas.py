"""Loading the Kemendagri area list (kode wilayah) shipped in umkm/data/wilayah/."""

import csv
from pathlib import Path

AREA_CSV = Path(__file__).resolve().parent / "data" / "wilayah" / "dki_jakarta.csv"


def read_area_rows(path: Path = AREA_CSV) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_areas(City, Kecamatan, Kelurahan, path: Path = AREA_CSV) -> tuple[int, int, int]:
    """Create or update cities, kecamatan and kelurahan from the CSV; returns the counts loaded.

    Takes the model classes so that data migrations can pass their historical models.
    """
    rows = read_area_rows(path)
    by_level: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_level.setdefault(row["level"], []).append(row)
    for row in by_level.get("city", []):
        City.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in by_level.get("district", []):
        Kecamatan.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "city_id": row["parent_code"]}
        )
    for row in by_level.get("village", []):
        Kelurahan.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kecamatan_id": row["parent_code"],
                "postal_code": row["postal_code"],
            },
        )
    return (
        len(by_level.get("city", [])),
        len(by_level.get("district", [])),
        len(by_level.get("village", [])),
    )


def office_first(qs):
    """Kecamatan or kelurahan with the office's own city first (settings.OFFICE_CITY_CODE),
    then by name: every choice of an area offers the office's own before the rest of DKI.
    Codes start with their city's (31.73.02, 31.73.02.1002), so no join is needed."""
    from django.conf import settings
    from django.db.models import Case, IntegerField, Value, When

    own = Case(
        When(code__startswith=f"{settings.OFFICE_CITY_CODE}.", then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    if qs.model._meta.model_name == "kelurahan":
        return qs.order_by(own, "kecamatan__name", "name")
    return qs.order_by(own, "name")
