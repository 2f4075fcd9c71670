"""The demo's shape: rates, cohorts, reasons and word lists (umkm.demo)."""

DEMO_PASSWORD = "demo-umkm-2023!"  # noqa: S105  (printed by make run; demo only)
DISTRICT_SCALE_LIMIT = 20_000
FIRST_TARGET_YEAR = 2019  # yearly targets, and the cohorts measured against them, start here
# Before the yearly targets: the rest of the register, by year (relative weights).
EARLY_COHORTS = {2016: 2, 2017: 3, 2018: 4}
NEW_PER_KECAMATAN = (16, 24)  # new businesses per kecamatan and year (target 18)
RECENT_SHARE_MAX = 0.6  # a small --businesses run scales the cohorts down to this share
OPERATOR_KECAMATAN = "31.73.02"  # Grogol Petamburan

# Yearly chances for a business after its first year (its cohort's count stays as planned).
NONAKTIF_RATE = 0.04
NONAKTIF_RATE_PANDEMIC = 0.08  # 2020
NAIK_KELAS_RATE = 0.012  # from its third year
REACTIVATE_RATE = 0.12
MOVE_RATE = 0.05  # once in its life; 40% of moves go to another kecamatan
CONSENT_SHARE = 0.4
CONSENT_WITHDRAWN_SHARE = 0.05
MENTORED_SHARE = 0.55  # of the businesses that attended a training
# Months of monthly mentoring: the office's demo, and the DKI-scale benchmark data (kept near
# its former ~540,000 sessions at 370,000 businesses instead of ~2.7 million).
MENTORING_MONTHS = (4, 30)
MENTORING_MONTHS_DKI = (2, 6)

NONAKTIF_REASONS = ["Usaha tutup", "Pemilik pindah ke luar Jakarta",
                    "Pemilik beralih pekerjaan", "Tidak dapat dihubungi selama enam bulan",
                    "Usaha berhenti sementara: modal habis"]  # fmt: skip
PANDEMIC_REASON = "Usaha berhenti karena pandemi COVID-19"
REACTIVATE_REASON = "Usaha berjalan kembali (kunjungan pendamping)"
NAIK_KELAS_REASON = "Naik kelas: modal usaha di atas Rp1 miliar (usaha kecil)"
MOVE_REASON = "Tempat usaha pindah ke kelurahan lain"
MOVE_KECAMATAN_REASON = "Tempat usaha pindah ke kecamatan lain"
CONSENT_REASON = "Pemilik menyetujui profil usaha tampil di halaman publik"
WITHDRAWN_REASON = "Pemilik menarik persetujuan profil publik"
# Lebaran (Idulfitri) month: omzet of food and fashion peaks in the Ramadan month before it.
RAMADAN_MONTH = {2016: 6, 2017: 6, 2018: 5, 2019: 5, 2020: 4, 2021: 4, 2022: 4, 2023: 3,
                 2024: 3, 2025: 3, 2026: 2, 2027: 2, 2028: 1, 2029: 1, 2030: 12}  # fmt: skip

SECTOR_PROFILES = {
    "kuliner": (
        0.46,
        ["Dapur", "Warung", "Kedai", "Sambal", "Kue", "Keripik", "Katering", "Bakso", "Roti",
         "Kopi", "Nasi Uduk", "Seblak", "Pempek", "Martabak", "Rendang", "Dimsum", "Kerupuk"],
        ["nasi kotak", "kue kering", "keripik pisang", "sambal botol", "kopi bubuk", "roti manis",
         "frozen food", "bir pletok", "kerak telor", "dodol betawi", "kue lapis", "risoles",
         "minuman jahe", "rendang kemasan", "kerupuk kulit"],
        ["10792", "56102", "10799", "56103"],
    ),
    "fesyen": (
        0.15,
        ["Batik", "Butik", "Konveksi", "Hijab", "Rajut", "Jahit", "Kaos", "Tenun", "Busana"],
        ["batik tulis", "gamis", "hijab segi empat", "kaos sablon", "kemeja batik", "mukena",
         "tas kain", "baju anak", "masker kain"],
        ["14111", "14131", "13921"],
    ),
    "kerajinan-tangan": (
        0.12,
        ["Kriya", "Anyaman", "Rajutan", "Souvenir", "Kerajinan", "Ondel-ondel", "Manik-manik",
         "Decoupage"],
        ["tas anyaman", "gantungan kunci", "miniatur ondel-ondel", "bunga kering", "vas bunga",
         "sandal hias", "tempat tisu", "boneka rajut"],
        ["32909", "16292", "32119"],
    ),
    "parfum": (
        0.05,
        ["Parfum", "Wangi", "Aroma", "Minyak Wangi", "Essens"],
        ["parfum refill", "minyak wangi non-alkohol", "pengharum ruangan", "body mist",
         "parfum laundry"],
        ["20232", "47723"],
    ),
    "jasa": (
        0.13,
        ["Laundry", "Salon", "Servis", "Jasa Jahit", "Pangkas Rambut", "Rias", "Bengkel",
         "Percetakan"],
        ["cuci kiloan", "potong rambut", "rias pengantin", "servis ponsel", "sablon kaos",
         "permak jeans", "servis motor", "cetak undangan"],
        ["96011", "96021", "95120", "18111"],
    ),
    "lainnya": (
        0.09,
        ["Toko", "Kios", "Tanaman Hias", "Ternak Lele", "Sabun", "Pot", "Hidroponik"],
        ["tanaman hias", "lele segar", "sabun cuci", "sayur hidroponik", "pot semen",
         "pupuk kompos"],
        ["47919", "01302", "03222"],
    ),
}  # fmt: skip
NAME_SUFFIXES = ["Berkah", "Barokah", "Jaya", "Makmur", "Sejahtera", "Mandiri", "Lestari",
                 "Indah", "Amanah", "Sentosa", "Betawi", "Nusantara", "Mantap", "Cemerlang",
                 "Sehati", "Abadi", "Rezeki", "Ceria"]  # fmt: skip
TRAINING_TOPICS = ["Pemasaran digital", "Pencatatan keuangan", "Foto produk", "Kemasan dan label",
                   "Sertifikasi halal", "Perizinan NIB lewat OSS", "Keamanan pangan (PIRT)",
                   "Manajemen stok", "Branding produk", "Penjualan di marketplace"]  # fmt: skip
MENTORING_TOPICS = ["Pencatatan keuangan", "Pemasaran daring", "Perizinan", "Kemasan",
                    "Akses permodalan", "Harga pokok produksi", "Foto produk"]  # fmt: skip
OTHER_NIK_AREAS = ["320101", "327501", "330101", "350101", "360301", "327601", "320401",
                   "331001", "120101", "160101"]  # fmt: skip
PHONE_PREFIXES = ["12", "13", "21", "22", "52", "53", "56", "57", "58", "77", "78", "81", "95",
                  "96", "97", "98", "99"]  # fmt: skip
# Enrolments per business: 0..5 with these weights (mean ~2.6; ~1M at DKI scale).
ENROLMENT_WEIGHTS = [3, 20, 25, 27, 15, 10]
TRAINING_CAPACITY = 40
# After mentoring, each next stage is reached by this share of those at the previous one.
LATER_STAGES = [("perizinan", 0.5), ("pemasaran", 0.6), ("pelaporan-keuangan", 0.5),
                ("permodalan", 0.4)]  # fmt: skip
