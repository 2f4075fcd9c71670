"""The certificate types every install has (loaded by a data migration; staff may edit the
texts in admin, the code and rules stay). See certifications/rules.py for the number formats."""

# code, name, agency, number_rule, example, validity, years, per_product, is_food, order, text
TYPES = [
    (
        "halal",
        "Sertifikat Halal",
        "BPJPH (Kementerian Agama), diajukan melalui SIHALAL",
        "halal",
        "ID31110000123450623",
        "none",
        None,
        False,
        True,
        1,
        "Jalur self-declare (usaha mikro dan kecil, produk sederhana berisiko rendah) atau "
        "reguler. Berlaku selama komposisi bahan dan proses produksi tidak berubah.",
    ),
    (
        "pirt",
        "SPP-IRT (PIRT)",
        "Pemerintah Kota melalui OSS (Dinas Kesehatan / DPMPTSP)",
        "pirt",
        "206317301000128",
        "from_number",
        None,
        True,
        True,
        2,
        "Sertifikat Produksi Pangan Industri Rumah Tangga: 15 digit, digit ke-14 dan ke-15 "
        "adalah tahun berakhirnya (berlaku 5 tahun). Satu nomor untuk satu jenis pangan.",
    ),
    (
        "bpom-md",
        "Izin Edar BPOM MD",
        "Badan POM",
        "bpom_md",
        "MD224509001234",
        "years",
        5,
        True,
        False,
        3,
        "Izin edar pangan olahan produksi dalam negeri: MD + 12 digit, berlaku 5 tahun.",
    ),
    (
        "bpom-kosmetik",
        "Notifikasi Kosmetika BPOM",
        "Badan POM (notifkos.pom.go.id)",
        "bpom_cosmetic",
        "NA18230100123",
        "years",
        3,
        True,
        False,
        4,
        "Untuk parfum dan kosmetik lain: NA + 11 digit, berlaku 3 tahun.",
    ),
    (
        "nib",
        "NIB",
        "Kementerian Investasi/BKPM melalui OSS",
        "nib",
        "9120001234567",
        "none",
        None,
        False,
        False,
        5,
        "Nomor Induk Berusaha: 13 digit, berlaku selama usaha berjalan.",
    ),
    (
        "merek",
        "Merek (HKI)",
        "DJKI Kementerian Hukum",
        "trademark",
        "IDM000987654",
        "years",
        10,
        False,
        False,
        6,
        "Pendaftaran merek: nomor IDM + 9 digit, berlaku 10 tahun sejak tanggal penerimaan.",
    ),
]


def load_types(CertificateType) -> None:
    for row in TYPES:
        code, name, agency, rule, example, validity, years, per_product, is_food, order, text = row
        CertificateType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "agency": agency,
                "number_rule": rule,
                "number_example": example,
                "validity": validity,
                "validity_years": years,
                "per_product": per_product,
                "is_food": is_food,
                "order": order,
                "description": text,
            },
        )


# Who needs each type (the reports count "still needed" among them): PIRT, halal and BPOM MD
# the food businesses, the cosmetics notification the parfum businesses, NIB and trademark all.
APPLIES_TO = {
    "halal": ("food", None),
    "pirt": ("food", None),
    "bpom-md": ("food", None),
    "bpom-kosmetik": ("sector", "parfum"),
    "nib": ("all", None),
    "merek": ("all", None),
}


def load_applicability(CertificateType, Sector) -> None:
    """After the types and the sectors (umkm.reference) are loaded."""
    for code, (applies_to, sector_code) in APPLIES_TO.items():
        CertificateType.objects.filter(code=code).update(
            applies_to=applies_to,
            applies_to_sector=Sector.objects.get(code=sector_code) if sector_code else None,
        )


def ensure_types() -> None:
    from certifications.models import CertificateType
    from umkm.models import Sector

    if CertificateType.objects.count() < len(TYPES):
        load_types(CertificateType)
        load_applicability(CertificateType, Sector)
