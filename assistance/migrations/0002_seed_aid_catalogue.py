"""Seed the complementary-aid catalogue (docs/domain.md); admins edit it afterwards.

Rules are data: ``eligibility`` + ``components`` say who is eligible by default,
``min_age``/``max_age`` who can have the aid at all, ``card_pattern`` the format of the
card number. Rerunning never overwrites an admin's edits (get_or_create).
"""

from django.db import migrations

CATALOGUE = [
    {
        "code": "KIP",
        "name": "KIP/PIP (Kartu Indonesia Pintar)",
        "ministry": "Kementerian Pendidikan Dasar dan Menengah; Kementerian Agama (madrasah)",
        "unit": "anggota",
        "eligibility": "komponen",
        "components": ["SD", "SMP", "SMA"],
        "min_age": 6,
        "max_age": 21,
        "card_label": "NISN",
        "card_pattern": r"\d{10}",
        "card_hint": "10 digit angka",
        "summary": (
            "Bantuan uang tunai pendidikan untuk anak usia sekolah (6-21 tahun) dari keluarga "
            "miskin, termasuk anak KPM PKH. Dibayar per siswa ke rekening SimPel atas nama "
            "siswa, sekali setahun. Besarnya tergantung jenjang (SD, SMP, SMA/SMK). Anak "
            "dikenali dengan NISN; sekolah mengusulkan lewat Dapodik/EMIS."
        ),
        "regulation": (
            "Permendikbudristek No. 10 Tahun 2020 tentang Program Indonesia Pintar "
            "(dan perubahannya)"
        ),
        "order": 1,
    },
    {
        "code": "KIS",
        "name": "KIS/PBI-JK (Kartu Indonesia Sehat)",
        "ministry": "Kementerian Kesehatan / BPJS Kesehatan (data dari Kementerian Sosial)",
        "unit": "anggota",
        "eligibility": "semua",
        "components": [],
        "min_age": None,
        "max_age": None,
        "card_label": "Nomor KIS",
        "card_pattern": r"\d{13}",
        "card_hint": "13 digit angka",
        "summary": (
            "Jaminan kesehatan JKN yang iurannya dibayar pemerintah (Penerima Bantuan Iuran). "
            "Setiap anggota keluarga KPM berhak; kartu berlaku di puskesmas dan rumah sakit "
            "yang bekerja sama dengan BPJS Kesehatan. Kartu yang nonaktif dapat diaktifkan "
            "kembali lewat Dinas Sosial."
        ),
        "regulation": (
            "PP No. 101 Tahun 2012 tentang Penerima Bantuan Iuran Jaminan Kesehatan "
            "(diubah PP No. 76 Tahun 2015); Perpres No. 82 Tahun 2018 tentang Jaminan Kesehatan"
        ),
        "order": 2,
    },
    {
        "code": "SEMBAKO",
        "name": "Program Sembako (BPNT)",
        "ministry": "Kementerian Sosial",
        "unit": "keluarga",
        "eligibility": "semua",
        "components": [],
        "min_age": None,
        "max_age": None,
        "card_label": "",
        "card_pattern": "",
        "card_hint": "",
        "summary": (
            "Bantuan pangan bulanan per keluarga, dahulu Bantuan Pangan Non Tunai (BPNT). "
            "Sejak 2021 dibayarkan ke rekening KKS dan dapat dibelanjakan bahan pangan. "
            "Keluarga KPM PKH yang terdaftar di DTSEN layak menerima."
        ),
        "regulation": (
            "Permensos No. 20 Tahun 2019 tentang Penyaluran Bantuan Pangan Non Tunai; "
            "Perpres No. 63 Tahun 2017 tentang Penyaluran Bantuan Sosial secara Non Tunai"
        ),
        "order": 3,
    },
    {
        "code": "KKS",
        "name": "KKS (Kartu Keluarga Sejahtera)",
        "ministry": "Kementerian Sosial bersama bank penyalur (Himbara)",
        "unit": "keluarga",
        "eligibility": "semua",
        "components": [],
        "min_age": None,
        "max_age": None,
        "card_label": "Nomor kartu KKS",
        "card_pattern": r"\d{16}",
        "card_hint": "16 digit nomor kartu debit",
        "summary": (
            "Kartu debit bank atas nama pengurus keluarga, tempat bantuan PKH dan Sembako "
            "dibayarkan. Setiap keluarga KPM aktif harus memegangnya. Masalah umum: kartu belum "
            "dibagikan, terblokir, hilang, nama/NIK salah, lupa PIN: dibawa ke bank penyalur "
            "atau Dinas Sosial."
        ),
        "regulation": (
            "Perpres No. 63 Tahun 2017 tentang Penyaluran Bantuan Sosial secara Non Tunai; "
            "Permensos No. 1 Tahun 2018 tentang Program Keluarga Harapan"
        ),
        "order": 4,
    },
    {
        "code": "RTLH",
        "name": "RTLH (Rehabilitasi Rumah Tidak Layak Huni)",
        "ministry": "Kementerian Sosial; Kementerian PUPR/PKP (BSPS); pemerintah daerah",
        "unit": "keluarga",
        "eligibility": "penilaian",
        "components": [],
        "min_age": None,
        "max_age": None,
        "card_label": "",
        "card_pattern": "",
        "card_hint": "",
        "summary": (
            "Bantuan perbaikan rumah yang tidak layak huni (atap, lantai, dinding, sanitasi). "
            "Tidak otomatis: pendamping menilai kondisi rumah lalu mengusulkan lewat desa ke "
            "Dinas Sosial atau dinas perumahan."
        ),
        "regulation": (
            "Permensos No. 20 Tahun 2017 tentang Rehabilitasi Sosial Rumah Tidak Layak Huni "
            "dan Sarana Prasarana Lingkungan"
        ),
        "order": 5,
    },
    {
        "code": "KUBE",
        "name": "KUBE (Kelompok Usaha Bersama)",
        "ministry": "Kementerian Sosial",
        "unit": "keluarga",
        "eligibility": "penilaian",
        "components": [],
        "min_age": None,
        "max_age": None,
        "card_label": "",
        "card_pattern": "",
        "card_hint": "",
        "summary": (
            "Modal usaha ekonomi produktif untuk kelompok 5-10 keluarga miskin yang berusaha "
            "bersama. Tidak otomatis: pendamping membentuk atau mengusulkan kelompok."
        ),
        "regulation": (
            "Permensos No. 25 Tahun 2016 tentang Bantuan Sosial Usaha Ekonomi Produktif kepada "
            "Kelompok Usaha Bersama"
        ),
        "order": 6,
    },
    {
        "code": "PENA",
        "name": "PENA (Pahlawan Ekonomi Nusantara)",
        "ministry": "Kementerian Sosial",
        "unit": "keluarga",
        "eligibility": "penilaian",
        "components": [],
        "min_age": None,
        "max_age": None,
        "card_label": "",
        "card_pattern": "",
        "card_hint": "",
        "summary": (
            "Bantuan modal usaha dan pendampingan bagi KPM yang siap graduasi, agar usahanya "
            "menopang keluarga setelah keluar dari PKH. Diusulkan pendamping untuk keluarga "
            "yang sudah punya usaha."
        ),
        "regulation": "Program Kementerian Sosial sejak 2022 (periksa keputusan terbaru)",
        "order": 7,
    },
]


def seed(apps, schema_editor):
    Aid = apps.get_model("assistance", "Aid")
    Component = apps.get_model("households", "Component")
    for row in CATALOGUE:
        data = dict(row)
        components = data.pop("components")
        aid, created = Aid.objects.get_or_create(code=data.pop("code"), defaults=data)
        if created and components:
            aid.components.set(Component.objects.filter(code__in=components))


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
        ("households", "0002_components_and_benefits"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
