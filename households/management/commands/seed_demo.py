"""Demo data for `make run`: households first, then each app's registered seeder.

Refused under production settings (``DEBUG`` off, as ``pkh.settings.production`` has it)
unless ``--allow-production`` is given: demo users with a published password and ~1,200
made-up families must never land in a real registry by a slip of the keyboard.
``make serve`` passes the flag when ``SEED_DEMO=1`` asks for the demo on purpose.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from households.demo import DEMO_PASSWORD, demo_seed
from pkh import extensions


def production_settings() -> bool:
    """DEBUG off, or the production settings module: a real deployment."""
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    return not settings.DEBUG or module == "pkh.settings.production"


class Command(BaseCommand):
    help = "Create realistic demo data in Kecamatan Jetis (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even under production settings (DEBUG off): demo users and "
            "made-up families with a known password. Only for a demo server.",
        )

    def handle(self, *args, **options):
        if production_settings() and not options["allow_production"]:
            raise CommandError(
                "seed_demo refused: these are production settings (DEBUG is off, "
                f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', '')!r}). "
                f"It would add demo users with the password {DEMO_PASSWORD!r} and made-up "
                "families. Nothing was written. Pass --allow-production only on a demo "
                "server (make serve does when SEED_DEMO=1)."
            )
        created = demo_seed(stdout=self.stdout)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo: {created} families created."))
        else:
            self.stdout.write("Demo: families already present, nothing to add.")
        for seeder in extensions.demo_seeders:
            seeder(stdout=self.stdout)
        self.stdout.write(
            f"Demo logins: admin, supervisor, pendamping1-5 (password {DEMO_PASSWORD})."
        )
