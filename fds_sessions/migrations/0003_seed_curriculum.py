"""Seed the P2K2 core curriculum (modules and their sessions, in order) and give groups
that existed before this app grew its pages a village and membership periods.

The stunting module is seeded without sessions: they vary by source and the district's
admins add them on the module pages.
"""

from collections import Counter

from django.db import migrations

CURRICULUM = [
    (
        1,
        "Pengasuhan dan Pendidikan Anak",
        [
            "Menjadi Orang Tua yang Lebih Baik",
            "Memahami Perilaku Anak",
            "Memahami Cara Anak Usia Dini Belajar",
            "Membantu Anak Sukses di Sekolah",
        ],
    ),
    (
        2,
        "Pengelolaan Keuangan dan Perencanaan Usaha",
        ["Mengelola Keuangan Keluarga", "Cermat Meminjam dan Menabung", "Memulai Usaha"],
    ),
    (
        3,
        "Kesehatan dan Gizi",
        [
            "Gizi dan Layanan Kesehatan Ibu Hamil",
            "Gizi Ibu Menyusui dan Balita",
            "Kesakitan Anak dan Kesehatan Lingkungan",
        ],
    ),
    (
        4,
        "Perlindungan Anak",
        [
            "Pencegahan Kekerasan dan Perlakuan Salah pada Anak",
            "Penelantaran dan Eksploitasi Anak",
        ],
    ),
    (
        5,
        "Kesejahteraan Sosial",
        ["Pelayanan bagi Penyandang Disabilitas Berat", "Kesejahteraan Lansia"],
    ),
    (6, "Pencegahan dan Penanganan Stunting", []),
]


def seed(apps, schema_editor):
    FdsModule = apps.get_model("fds_sessions", "FdsModule")
    FdsModuleSession = apps.get_model("fds_sessions", "FdsModuleSession")
    for number, title, sessions in CURRICULUM:
        module, _ = FdsModule.objects.get_or_create(number=number, defaults={"title": title})
        for order, session_title in enumerate(sessions, start=1):
            FdsModuleSession.objects.get_or_create(
                module=module, order=order, defaults={"title": session_title}
            )


def backfill_groups(apps, schema_editor):
    FdsGroup = apps.get_model("fds_sessions", "FdsGroup")
    GroupMembership = apps.get_model("fds_sessions", "GroupMembership")
    Household = apps.get_model("households", "Household")
    for group in FdsGroup.objects.filter(village__isnull=True).iterator():
        villages = Counter(
            Household.objects.filter(fds_group=group).values_list("village_id", flat=True)
        )
        if villages:
            group.village_id = villages.most_common(1)[0][0]
            group.save(update_fields=["village"])
    rows = Household.objects.filter(fds_group__isnull=False).values_list(
        "pk", "fds_group_id", "fds_group__created_at"
    )
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(household_id=pk, group_id=group_id, joined_on=created.date())
            for pk, group_id, created in rows.iterator()
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("fds_sessions", "0002_groups_modules_sessions_attendance")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(backfill_groups, migrations.RunPython.noop),
    ]
