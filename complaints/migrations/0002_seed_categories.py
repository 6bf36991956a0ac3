"""The seeded complaint catalogue (issue 18). Deadlines are left empty: every category
starts on the default (PKH_COMPLAINT_DEADLINE_DAYS) until someone sets its own."""

from django.db import migrations

CATEGORIES = [
    # code, name, suggested advocacy case kind (assistance.CaseKind)
    ("pembayaran", "Bantuan belum diterima", "kks_saldo"),
    ("kks", "Masalah KKS", "kks_blokir"),
    ("data_identitas", "Data identitas salah", ""),
    ("salah_sasaran", "Salah sasaran (exclusion/inclusion error)", ""),
    ("layanan_ditolak", "Layanan ditolak", ""),
    ("lainnya", "Lainnya", ""),
]


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "ComplaintCategory")
    for order, (code, name, case_kind) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "case_kind": case_kind, "order": order * 10}
        )


def unseed(apps, schema_editor):
    apps.get_model("complaints", "ComplaintCategory").objects.filter(
        code__in=[c for c, _n, _k in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
