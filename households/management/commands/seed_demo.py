"""Demo data for `make run`: households first, then each app's registered seeder."""

from django.core.management.base import BaseCommand

from households.demo import DEMO_PASSWORD, demo_seed
from pkh import extensions


class Command(BaseCommand):
    help = "Create realistic demo data in Kecamatan Jetis (idempotent)."

    def handle(self, *args, **options):
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
