"""The roster format (docs/imports.md): columns, their aliases and their allowed values.

Headers are matched case-insensitively, ignoring spaces, dots, dashes and underscores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from households.models import Relationship

# canonical name -> (aliases, required)
COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "ID_KELUARGA": (("IDSEMESTA", "ID DTKS", "ID KELUARGA PKH"), True),
    "NO_KK": (("NOMOR KK", "NO KARTU KELUARGA"), True),
    "NIK": (("NIK KTP", "NIK ART"), True),
    "NAMA": (("NAMA ART", "NAMA ANGGOTA"), True),
    "JENIS_KELAMIN": (("JK", "SEX"), True),
    "TANGGAL_LAHIR": (("TGL LAHIR", "TGL_LAHIR"), True),
    "HUBUNGAN": (("HUB KK", "HUBUNGAN KELUARGA"), False),
    "PENGURUS": ((), False),
    "KOMPONEN": ((), False),
    "KODE_WILAYAH": (("KODE DESA", "KODE KELURAHAN"), True),
    "ALAMAT": ((), False),
    "RT": ((), False),
    "RW": ((), False),
    "TELEPON": (("NO HP",), False),
    "PENDAMPING": ((), False),
    "KELOMPOK": (("KELOMPOK P2K2", "KELOMPOK FDS"), False),
    "KIP": ((), False),
    "KIS": ((), False),
    "SEMBAKO": ((), False),
    "KKS": ((), False),
}
REQUIRED = tuple(name for name, (_aliases, required) in COLUMNS.items() if required)

_STRIP = re.compile(r"[\s._\-]+")


def header_key(text: object) -> str:
    """``No. KK`` -> ``NOKK``: the form in which headers are compared."""
    return _STRIP.sub("", str(text or "")).upper()


@dataclass(frozen=True)
class ColumnTable:
    """The columns a file reader looks for: ``aliases`` maps each header key (see
    ``header_key``) to its canonical column; ``required`` must all be present."""

    aliases: dict[str, str]
    required: tuple[str, ...]

    @classmethod
    def build(cls, columns: dict[str, tuple[tuple[str, ...], bool]]) -> ColumnTable:
        """From ``{canonical: (aliases, required)}``, the shape of ``COLUMNS``."""
        aliases: dict[str, str] = {}
        for name, (names, _required) in columns.items():
            for alias in (name, *names):
                aliases[header_key(alias)] = name
        required = tuple(name for name, (_names, req) in columns.items() if req)
        return cls(aliases=aliases, required=required)


ROSTER_COLUMNS = ColumnTable.build(COLUMNS)
HEADER_ALIASES: dict[str, str] = ROSTER_COLUMNS.aliases

SEX = {"L": "L", "P": "P", "LAKI-LAKI": "L", "LAKI LAKI": "L", "LAKILAKI": "L", "PEREMPUAN": "P"}

RELATIONSHIP = {
    "KEPALA KELUARGA": Relationship.HEAD,
    "ISTRI": Relationship.WIFE,
    "SUAMI": Relationship.HUSBAND,
    "ANAK": Relationship.CHILD,
    "MENANTU": Relationship.CHILD_IN_LAW,
    "CUCU": Relationship.GRANDCHILD,
    "ORANG TUA": Relationship.PARENT,
    "MERTUA": Relationship.PARENT_IN_LAW,
    "FAMILI LAIN": Relationship.OTHER_FAMILY,
    "LAINNYA": Relationship.OTHER,
}
RELATIONSHIP.update({key.replace(" ", "_"): value for key, value in list(RELATIONSHIP.items())})
RELATIONSHIP = {key: str(value) for key, value in RELATIONSHIP.items()}

YES_NO = {"Y": 1, "YA": 1, "T": 0, "TIDAK": 0}

# Component codes of households.Component and one bit each in StagingRow.components.
COMPONENT_BITS: dict[str, int] = {
    "IBU_HAMIL": 1,
    "ANAK_USIA_DINI": 2,
    "SD": 4,
    "SMP": 8,
    "SMA": 16,
    "DISABILITAS": 32,
    "LANSIA": 64,
}
COMPONENT_ALIASES: dict[str, str] = {
    "IBU_HAMIL": "IBU_HAMIL",
    "IBU HAMIL": "IBU_HAMIL",
    "BUMIL": "IBU_HAMIL",
    "ANAK_USIA_DINI": "ANAK_USIA_DINI",
    "ANAK USIA DINI": "ANAK_USIA_DINI",
    "AUD": "ANAK_USIA_DINI",
    "BALITA": "ANAK_USIA_DINI",
    "APRAS": "ANAK_USIA_DINI",
    "SD": "SD",
    "SMP": "SMP",
    "SMA": "SMA",
    "DISABILITAS": "DISABILITAS",
    "DISABILITAS BERAT": "DISABILITAS",
    "DISABILITAS_BERAT": "DISABILITAS",
    "LANSIA": "LANSIA",
}
