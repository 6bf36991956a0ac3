"""Give the stunting module (module 6, "Pencegahan dan Penanganan Stunting") its sessions.

The programme's sources differ on this module's sessions, and the domain notes give no
titles, so these follow the family-facing materials of the Ministry of Social Affairs'
published stunting module, *Modul Pencegahan dan Penanganan Stunting bagi SDM Kesos*
(Pusdiklat Kesos Kemensos with Tanoto Foundation, 2021), shortened to session titles:
the problem of stunting; the pregnant mother's welfare; the newborn and the
breastfeeding mother; stimulating the child; using social assistance against stunting;
the healthy latrine and a clean environment. That module's first materi (the policy, for
staff) is not a family session and is left out; the last title is named from its
session's content (the healthy latrine), not copied from a table of contents.

They are a starting catalogue: the catalogue keeper edits, reorders or retires them on
the module pages. A module that already has sessions (added by hand before this
migration) is left as it is.
"""

from django.db import migrations

STUNTING_MODULE = 6
STUNTING_SESSIONS = [
    "Mengenal Stunting: Pengertian, Penyebab dan Dampaknya",
    "Kesejahteraan Ibu Hamil untuk Mencegah Stunting",
    "Bayi Baru Lahir dan Ibu Menyusui",
    "Stimulasi Tumbuh Kembang Anak",
    "Memanfaatkan Bantuan Sosial untuk Mencegah Stunting",
    "Jamban Sehat dan Lingkungan Bersih",
]


def seed_stunting(apps, schema_editor):
    FdsModule = apps.get_model("fds_sessions", "FdsModule")
    FdsModuleSession = apps.get_model("fds_sessions", "FdsModuleSession")
    module = FdsModule.objects.filter(number=STUNTING_MODULE).first()
    if module is None or FdsModuleSession.objects.filter(module=module).exists():
        return
    FdsModuleSession.objects.bulk_create(
        FdsModuleSession(module=module, order=order, title=title)
        for order, title in enumerate(STUNTING_SESSIONS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("fds_sessions", "0004_alter_fdsgroup_village_and_more")]

    operations = [migrations.RunPython(seed_stunting, migrations.RunPython.noop)]
