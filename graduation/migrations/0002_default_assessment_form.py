"""Seed a default welfare assessment form (version 1), editable by admins afterwards.

Indicators follow docs/domain.md's welfare indicators (income vs district minimum wage, work,
house condition, sanitation, water, electricity, cooking fuel, assets, children in
school, civil servant/TNI/POLRI/BUMN member, years in PKH). Higher weight = more
prosperous. A district adapts the form from the admin pages; that creates version 2.
"""

from django.db import migrations

FORM = {
    "name": "Penilaian kesiapan graduasi",
    "description": "Formulir bawaan. Skor lebih tinggi berarti keluarga lebih sejahtera.",
}
GROUPS = [
    (
        "Penghasilan dan pekerjaan",
        [
            (
                "penghasilan_umk",
                "Penghasilan keluarga per bulan dibanding UMK kabupaten/kota",
                "Jumlahkan penghasilan semua anggota yang bekerja.",
                [("Kurang dari separuh UMK", 0), ("Separuh UMK sampai UMK", 2), ("Di atas UMK", 4)],
            ),
            (
                "pekerjaan",
                "Pekerjaan atau usaha pencari nafkah utama",
                "",
                [
                    ("Tidak bekerja / serabutan", 0),
                    ("Buruh harian atau pekerjaan tidak tetap", 1),
                    ("Pekerjaan tetap atau usaha yang berjalan", 3),
                    ("Usaha berkembang (punya pekerja)", 4),
                ],
            ),
            (
                "anggota_asn",
                "Ada anggota keluarga ASN, TNI/POLRI atau pegawai BUMN/BUMD",
                "",
                [("Tidak ada", 0), ("Ada", 4)],
            ),
        ],
    ),
    (
        "Kondisi rumah",
        [
            (
                "lantai",
                "Jenis lantai terluas",
                "",
                [
                    ("Tanah atau bambu", 0),
                    ("Semen atau kayu sederhana", 1),
                    ("Keramik, ubin atau kayu baik", 2),
                ],
            ),
            (
                "dinding",
                "Jenis dinding terluas",
                "",
                [
                    ("Bambu, anyaman atau kayu rusak", 0),
                    ("Tembok tanpa plester atau kayu", 1),
                    ("Tembok diplester", 2),
                ],
            ),
            (
                "atap",
                "Jenis atap terluas",
                "",
                [
                    ("Ijuk, rumbia, daun atau seng bekas", 0),
                    ("Seng atau asbes", 1),
                    ("Genteng atau beton", 2),
                ],
            ),
            (
                "luas_per_orang",
                "Luas lantai rumah per orang",
                "Luas lantai dibagi jumlah penghuni.",
                [("Kurang dari 8 m²", 0), ("8 m² atau lebih", 2)],
            ),
        ],
    ),
    (
        "Sanitasi, air, listrik dan bahan bakar",
        [
            (
                "sanitasi",
                "Fasilitas buang air besar",
                "",
                [
                    ("Tidak ada atau umum", 0),
                    ("Bersama rumah tangga lain", 1),
                    ("Milik sendiri dengan septic tank", 2),
                ],
            ),
            (
                "air_minum",
                "Sumber air minum",
                "",
                [
                    ("Sungai, hujan atau mata air tak terlindung", 0),
                    ("Sumur atau mata air terlindung", 1),
                    ("PDAM, sumur bor atau air kemasan", 2),
                ],
            ),
            (
                "listrik",
                "Sumber penerangan",
                "",
                [
                    ("Bukan listrik", 0),
                    ("Listrik 450 VA atau menumpang", 1),
                    ("Listrik 900 VA atau lebih", 2),
                ],
            ),
            (
                "bahan_bakar",
                "Bahan bakar memasak",
                "",
                [
                    ("Kayu, arang atau minyak tanah", 0),
                    ("Gas 3 kg", 1),
                    ("Gas di atas 3 kg atau listrik", 2),
                ],
            ),
        ],
    ),
    (
        "Aset dan tabungan",
        [
            (
                "kendaraan",
                "Kendaraan bermotor",
                "",
                [
                    ("Tidak ada", 0),
                    ("Satu sepeda motor", 1),
                    ("Mobil atau lebih dari satu motor", 2),
                ],
            ),
            ("lahan", "Lahan, sawah atau kebun milik sendiri", "", [("Tidak ada", 0), ("Ada", 2)]),
            (
                "ternak",
                "Ternak",
                "",
                [
                    ("Tidak ada atau unggas saja", 0),
                    ("Kambing atau domba", 1),
                    ("Sapi atau kerbau", 2),
                ],
            ),
            (
                "tabungan",
                "Tabungan atau emas",
                "",
                [("Tidak ada", 0), ("Kurang dari Rp1 juta", 1), ("Rp1 juta atau lebih", 2)],
            ),
        ],
    ),
    (
        "Pendidikan dan kepesertaan",
        [
            (
                "anak_sekolah",
                "Anak usia sekolah (7-18 tahun) bersekolah",
                "",
                [
                    ("Ada yang putus sekolah", 0),
                    ("Semua bersekolah atau tidak ada anak usia sekolah", 2),
                ],
            ),
            (
                "lama_pkh",
                "Lama menjadi peserta PKH",
                "",
                [("Kurang dari 5 tahun", 0), ("5 tahun atau lebih", 2)],
            ),
        ],
    ),
]


def seed(apps, schema_editor):
    AssessmentForm = apps.get_model("graduation", "AssessmentForm")
    IndicatorGroup = apps.get_model("graduation", "IndicatorGroup")
    Indicator = apps.get_model("graduation", "Indicator")
    AnswerOption = apps.get_model("graduation", "AnswerOption")
    if AssessmentForm.objects.exists():
        return
    form = AssessmentForm.objects.create(version=1, **FORM)
    for g_order, (group_name, indicators) in enumerate(GROUPS, start=1):
        group = IndicatorGroup.objects.create(form=form, name=group_name, order=g_order)
        for i_order, (key, text, help_text, options) in enumerate(indicators, start=1):
            indicator = Indicator.objects.create(
                form=form, group=group, key=key, text=text, help_text=help_text, order=i_order
            )
            AnswerOption.objects.bulk_create(
                AnswerOption(indicator=indicator, label=label, weight=weight, order=o)
                for o, (label, weight) in enumerate(options, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("graduation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
