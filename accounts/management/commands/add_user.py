"""Scripted provisioning: ``add_user USERNAME --role ROLE [--supervisor U] [--area KODE ...]``.

The password is read from standard input (one line), never from the command line.
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.services import user_create
from regions.models import Region


class Command(BaseCommand):
    help = "Create a user with a role; the password is read from standard input."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--supervisor", help="username of the facilitator's supervisor")
        parser.add_argument(
            "--area",
            nargs="*",
            default=[],
            help="Kemendagri codes (dotted or plain): villages, district or regency",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username, role, supervisor, area, first_name, last_name, **options):
        stdin = options.get("stdin") or sys.stdin
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("No password on standard input.")
        boss = None
        if supervisor:
            boss = User.objects.filter(username=supervisor).first()
            if boss is None:
                raise CommandError(f"Unknown supervisor: {supervisor}")
        regions = []
        for code in area:
            region = Region.objects.filter(code=_dotted(code)).first()
            if region is None:
                raise CommandError(f"Unknown region code: {code}")
            regions.append(region)
        try:
            user = user_create(
                username=username,
                password=password,
                role=role,
                supervisor=boss,
                areas=regions,
                first_name=first_name,
                last_name=last_name,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.get_role_display()} {user.username}."))


def _dotted(code: str) -> str:
    """Accept 3402092001 as well as 34.02.09.2001."""
    if "." in code or not code.isdigit():
        return code
    parts = [code[:2], code[2:4], code[4:6], code[6:]]
    return ".".join(p for p in parts if p)
