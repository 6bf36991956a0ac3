import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from households.models import Household, Member, Visit
from households.validators import nik_warnings

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_seed_demo_is_realistic_and_idempotent(regions, settings):
    settings.DEBUG = True  # a development run: the production guard stays out of the way
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Household.objects.count(), Member.objects.count(), Visit.objects.count())
    assert 1100 <= counts[0] <= 1300
    assert User.objects.filter(role="facilitator").count() == 5
    assert User.objects.filter(role="supervisor").count() == 1
    members = Member.objects.select_related("household")
    assert all(
        not nik_warnings(
            m.nik, birth_date=m.birth_date, sex=m.sex, village_code=m.household.village_id
        )
        for m in members
    )
    assert Household.objects.exclude(members__is_pengurus=True).count() == 0
    call_command("seed_demo", stdout=io.StringIO())
    assert (Household.objects.count(), Member.objects.count(), Visit.objects.count()) == counts


def test_seed_demo_refuses_with_debug_off_and_writes_nothing(settings):
    settings.DEBUG = False  # as pkh.settings.production has it
    with pytest.raises(CommandError, match="--allow-production") as refused:
        call_command("seed_demo", stdout=io.StringIO())
    assert "production settings" in str(refused.value)
    assert "Nothing was written" in str(refused.value)
    assert User.objects.count() == 0
    assert Household.objects.count() == 0


def test_seed_demo_production_module_is_refused_even_with_debug_on(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "pkh.settings.production")
    with pytest.raises(CommandError, match="production settings"):
        call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.count() == 0


def test_seed_demo_allow_production_seeds_on_purpose(settings, monkeypatch):
    settings.DEBUG = False
    seeded = []
    monkeypatch.setattr(
        "households.management.commands.seed_demo.demo_seed",
        lambda *, stdout: seeded.append(True) or 0,
    )
    monkeypatch.setattr("pkh.extensions.demo_seeders.contributions", {})
    out = io.StringIO()
    call_command("seed_demo", "--allow-production", stdout=out)
    assert seeded == [True]
    assert "Demo logins" in out.getvalue()


def test_make_serve_passes_allow_production_when_seed_demo_is_asked_for():
    from django.conf import settings as django_settings

    script = (django_settings.BASE_DIR / "scripts" / "serve-prod.sh").read_text()
    seed_lines = [line.strip() for line in script.splitlines() if "manage.py seed_demo" in line]
    assert seed_lines == ["python manage.py seed_demo --allow-production"]
