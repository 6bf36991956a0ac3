"""Helpers for graduation tests: answers, assessments through the service, statements."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from graduation.models import GraduationAssessment, Objection
from graduation.selectors import assessment_forms as form_selectors
from graduation.services import assessments as assessment_services
from graduation.services import objections as objection_services

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ensure_default_form():
    """The default form of the data migration. Transactional tests (browser, concurrency)
    start from a database flushed by earlier ones, where the migration's rows are gone."""
    import importlib

    from django.apps import apps

    if form_selectors.form_current() is None:
        migration = importlib.import_module("graduation.migrations.0002_default_assessment_form")
        migration.seed(apps, None)
    return form_selectors.form_current()


def answers_for(form, profile: int = 2) -> dict[int, int]:
    """Pick the option at index ``profile`` (0 = poorest) for every indicator."""
    answers = {}
    for group in form_selectors.form_groups(form=form):
        for indicator in group.indicators.all():
            options = list(indicator.options.all())
            answers[indicator.pk] = options[min(profile, len(options) - 1)].pk
    return answers


def assess(household, *, by=None, profile: int = 5, days_ago: int = 10) -> GraduationAssessment:
    """An assessment through the service; profile 5 picks every best answer (100%)."""
    form = form_selectors.form_current()
    return assessment_services.assessment_create(
        household=household,
        form=form,
        answers=answers_for(form, profile),
        by=by or household.facilitator,
        assessed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )[0]


def pdf_upload(name: str = "surat.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = PDF_BYTES if size is None else PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name: str = "foto.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake_pdf_upload() -> SimpleUploadedFile:
    """A text file dressed as a PDF: the content decides, not the name."""
    return SimpleUploadedFile("surat.pdf", b"MZ not a pdf at all", content_type="application/pdf")


def objection(by, **kwargs) -> Objection:
    data = {
        "argument": "Kami belum sejahtera, penghasilan pas-pasan.",
        "answer": "Tunjukkan hasil penilaian keluarga sendiri.",
        "tags": "penghasilan",
    }
    data.update(kwargs)
    return objection_services.objection_save(by=by, **data)
