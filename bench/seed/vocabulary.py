"""The seeder's constants and vocabulary: caseload sizes, Javanese names, hamlets,
visit notes and purposes, family statuses, and how a name or a weighted choice is drawn."""

from __future__ import annotations

import random

MARKER_TABLE = "bench_seed"


def _words(text: str) -> list[str]:
    return text.split()


DEFAULT_REGION = "33"  # Jawa Tengah: 35 regencies, 576 districts, ~8,500 villages
PASSWORD = "bench-pass-2025"  # every seeded user; a benchmark database only
BIG_CASELOAD = 400
SMALL_CASELOAD = 10
FAMILIES_PER_FDS_GROUP = 25
VILLAGES_PER_FACILITATOR = 12
DECILES = (1, 1, 2, 2, 3, 4, None)  # DTSEN welfare decile, unknown for some

FEMALE_FIRST = _words(
    "Siti Sri Endang Sumarni Lestari Wahyuni Tutik Sukini Dewi Rini Nur Sumiyati Suparmi "
    "Ngatini Tukiyem Painem Wagiyem Sarinah Yuliani Ratna Ani Eni Kasmini Murni Parmi "
    "Suharti Sulastri Supriyati Tri Umi Wartini Yanti Puji Dwi Fitri Indah Retno Rina "
    "Kartini Lasmi Marsinah Nining Partini Rukmini Sunarti Tumini Warsini Yatmi Aminah "
    "Fatimah Khotimah Maryam Musrifah Rohmah Salamah Zubaidah Anisa Ayu Novi Putri"
)
MALE_FIRST = _words(
    "Ngadiman Sutrisno Agus Heru Mujiono Sukirman Sugeng Budi Slamet Joko Bambang Darmo "
    "Edi Gunawan Hadi Iwan Jumadi Karno Legiman Margono Nur Paijo Parjo Rahmat Sarno "
    "Sugiyono Suparno Tukiman Untung Wagimin Yanto Ahmad Ali Arif Dwi Eko Fajar Hendra "
    "Imam Kusno Marno Mulyadi Nanang Purwanto Riyadi Rohmat Sodiq Sukardi Sumadi Supri "
    "Tarno Teguh Wahyu Widodo Yusuf Zainal Muhammad Rizki Bagus Dimas Adit"
)
LAST_NAMES = _words(
    "Rahayu Wibowo Widodo Lestari Saputra Prasetyo Sulistyo Haryanto Susanti Kurniawan "
    "Setiawan Santoso Purnomo Suryani Hidayat Nugroho Wulandari Pratiwi Handayani "
    "Kusumawati Utami Sari Astuti Maryani Ningsih Fitriani Hartono Susilo Wijaya "
    "Hermawan Yulianto Suharto Rohman Hakim Syahputra Mulyani Puspita Anggraini "
    "Permana Firmansyah Ramadhan Aprilia Safitri Nurhayati Kristanto Sutanto"
)
HAMLETS = _words(
    "Krajan Ngasem Kauman Karanganyar Sidomulyo Sukorejo Tegalrejo Kedungsari Ngemplak "
    "Gondang Jatisari Banaran Mangunan Pandean Sendangsari Wonosari Kalibening Ngablak"
)
VISIT_NOTES = (
    "Verifikasi kehadiran anak di sekolah, sudah sesuai.",
    "Ibu hamil sudah periksa ke posyandu bulan ini.",
    "Keluarga menanyakan jadwal penyaluran bansos.",
    "Tindak lanjut materi P2K2 pengelolaan keuangan.",
    "Membantu pengurusan KIS untuk anggota keluarga.",
    "Diskusi rencana usaha untuk persiapan graduasi.",
    "Anak belum imunisasi lengkap, diingatkan jadwal posyandu.",
    "Rumah kosong, akan dikunjungi kembali.",
    "",
)
VISIT_PURPOSES = (
    ("verifikasi", 40),
    ("tindak_lanjut_p2k2", 25),
    ("advokasi_bansos", 15),
    ("graduasi", 8),
    ("lainnya", 12),
)
STATUSES = (
    ("active", 92, "", "", ""),
    ("suspended", 3, "Tidak memenuhi komitmen 3 bulan berturut-turut", "", ""),
    ("graduated", 3, "Sudah sejahtera mandiri", "mandiri", ""),
    ("exited", 2, "Tidak ada lagi komponen", "alamiah", ""),
)


def _weighted(rng: random.Random, choices):
    values = [c[0] for c in choices]
    weights = [c[1] for c in choices]
    return lambda: rng.choices(values, weights)[0]


def _person(rng, sex: str) -> str:
    first = rng.choice(FEMALE_FIRST if sex == "P" else MALE_FIRST)
    if rng.random() < 0.25:
        return first  # many Javanese adults have a single name
    return f"{first} {rng.choice(LAST_NAMES)}"
