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
