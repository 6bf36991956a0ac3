import logging
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from pkh.logging import RedactPersonalDataFilter, redact

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    po = polib.pofile(str(CATALOGUE))
    with translation.override("en"):
        stale = [
            e.msgid
            for e in po.translated_entries()
            if not e.msgid_plural and not e.msgctxt and translation.gettext(e.msgid) != e.msgstr
        ]
    assert stale == [], "run `make messages` to recompile the catalogue"


def test_indonesian_is_the_default_language():
    assert settings.LANGUAGE_CODE == "id"


def test_sixteen_digit_identifiers_are_redacted():
    assert redact("NIK 3402094202810001 tidak cocok") == "NIK [disamarkan] tidak cocok"
    assert redact("id 12345 tetap") == "id 12345 tetap"


def test_log_filter_masks_arguments_too(caplog):
    logger = logging.getLogger("pkh.test")
    handler = caplog.handler
    handler.addFilter(RedactPersonalDataFilter())
    try:
        with caplog.at_level(logging.INFO, logger="pkh.test"):
            logger.info("member %s in family %s", "3402094202810001", "3402090507060001")
    finally:
        handler.removeFilter(handler.filters[-1])
    assert "3402094202810001" not in caplog.text
    assert "3402090507060001" not in caplog.text


@pytest.mark.django_db
def test_personal_data_does_not_reach_request_logs(client, facilitator, caplog):
    """A 404 on a family URL logs the path, which holds only an integer id."""
    client.force_login(facilitator)
    with caplog.at_level(logging.WARNING):
        client.post("/keluarga/", {"q": "3402094202810001"})
        client.get("/keluarga/999999/")
    assert "3402094202810001" not in caplog.text
