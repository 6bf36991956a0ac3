from django.urls import path

from graduation.views import (
    assessment_forms,
    assessments,
    monitoring,
    natural,
    objections,
    pipeline,
    proposals,
    review,
    targets,
)

app_name = "graduation"
urlpatterns = [
    # Assessments
    path("keluarga/<int:pk>/penilaian/", assessments.assessment_history, name="assessment_history"),
    path(
        "keluarga/<int:pk>/penilaian/baru/", assessments.assessment_create, name="assessment_create"
    ),
    path("penilaian/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    # Natural graduation
    path("alamiah/", natural.natural_list, name="natural_list"),
    path("alamiah/<int:pk>/konfirmasi/", natural.natural_confirm, name="natural_confirm"),
    # Pipeline
    path("", pipeline.pipeline_board, name="pipeline"),
    path("keluarga/<int:pk>/", pipeline.pipeline_family, name="pipeline_family"),
    path("keluarga/<int:pk>/tahapan/baru/", pipeline.pipeline_add, name="pipeline_add"),
    path("keluarga/<int:pk>/tahapan/catat/", pipeline.pipeline_record, name="pipeline_record"),
    path("siap/", review.ready_list, name="ready_list"),
    # Proposals
    path("keluarga/<int:pk>/usulan/baru/", proposals.proposal_create, name="proposal_create"),
    path("usulan/", proposals.proposal_list, name="proposal_list"),
    path("usulan/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("usulan/<int:pk>/putuskan/", proposals.proposal_decide, name="proposal_decide"),
    path("usulan/<int:pk>/surat/", proposals.proposal_statement, name="proposal_statement"),
    # Monitoring
    path("pemantauan/", monitoring.monitoring_list, name="monitoring_list"),
    path("pemantauan/<int:pk>/", monitoring.monitoring_record, name="monitoring_record"),
    # Targets and review
    path("target/", targets.targets_edit, name="targets"),
    path("review/", review.review, name="review"),
    # Objections bank
    path("keberatan/", objections.objection_list, name="objection_list"),
    path("keberatan/baru/", objections.objection_edit, name="objection_create"),
    path("keberatan/<int:pk>/", objections.objection_detail, name="objection_detail"),
    path("keberatan/<int:pk>/ubah/", objections.objection_edit, name="objection_edit"),
    path("keberatan/<int:pk>/arsip/", objections.objection_archive, name="objection_archive"),
    # Assessment form (admins read it; the national catalogue keeper edits it)
    path("formulir/", assessment_forms.form_list, name="form_list"),
    path("formulir/<int:pk>/", assessment_forms.form_detail, name="form_detail"),
    path("formulir/<int:pk>/ubah/", assessment_forms.form_edit, name="form_edit"),
    path("formulir/<int:pk>/kelompok/baru/", assessment_forms.group_edit, name="group_create"),
    path(
        "formulir/<int:pk>/kelompok/<int:group_pk>/", assessment_forms.group_edit, name="group_edit"
    ),
    path(
        "formulir/<int:pk>/indikator/baru/",
        assessment_forms.indicator_edit,
        name="indicator_create",
    ),
    path(
        "formulir/<int:pk>/indikator/<int:indicator_pk>/",
        assessment_forms.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "formulir/<int:pk>/indikator/<int:indicator_pk>/hapus/",
        assessment_forms.indicator_remove,
        name="indicator_remove",
    ),
]
