"""Load the Kemendagri region codes (idempotent): ``load_regions [PATH]``."""

import csv
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.services import regions_load

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "wilayah_kemendagri_2025.csv"


class Command(BaseCommand):
    help = "Load Kemendagri region codes from a CSV (kode,nama); defaults to the bundled copy."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(BUNDLED))

    def handle(self, *args, path, **options):
        started = time.monotonic()
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                result = regions_load(rows=csv.DictReader(handle))
        except FileNotFoundError as exc:
            raise CommandError(f"File not found: {path}") from exc
        except (KeyError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Regions: {result['total']} in file, {result['created']} created, "
                f"{result['updated']} updated, {result['unchanged']} unchanged "
                f"({time.monotonic() - started:.1f} s)."
            )
        )
