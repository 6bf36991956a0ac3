from django.urls import path

from graduation import views

app_name = "graduation"
urlpatterns = [
    # Assessments
    path("keluarga/<int:pk>/penilaian/", views.assessment_history, name="assessment_history"),
    path("keluarga/<int:pk>/penilaian/baru/", views.assessment_create, name="assessment_create"),
    path("penilaian/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    # Natural graduation
    path("alamiah/", views.natural_list, name="natural_list"),
    path("alamiah/<int:pk>/konfirmasi/", views.natural_confirm, name="natural_confirm"),
    # Pipeline
    path("", views.pipeline_board, name="pipeline"),
    path("keluarga/<int:pk>/", views.pipeline_family, name="pipeline_family"),
    path("keluarga/<int:pk>/tahapan/baru/", views.pipeline_add, name="pipeline_add"),
    path("keluarga/<int:pk>/tahapan/catat/", views.pipeline_record, name="pipeline_record"),
    path("siap/", views.ready_list, name="ready_list"),
    # Proposals
    path("keluarga/<int:pk>/usulan/baru/", views.proposal_create, name="proposal_create"),
    path("usulan/", views.proposal_list, name="proposal_list"),
    path("usulan/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("usulan/<int:pk>/putuskan/", views.proposal_decide, name="proposal_decide"),
    path("usulan/<int:pk>/surat/", views.proposal_statement, name="proposal_statement"),
    # Monitoring
    path("pemantauan/", views.monitoring_list, name="monitoring_list"),
    path("pemantauan/<int:pk>/", views.monitoring_record, name="monitoring_record"),
    # Targets and review
    path("target/", views.targets_edit, name="targets"),
    path("review/", views.review, name="review"),
    # Objections bank
    path("keberatan/", views.objection_list, name="objection_list"),
    path("keberatan/baru/", views.objection_edit, name="objection_create"),
    path("keberatan/<int:pk>/", views.objection_detail, name="objection_detail"),
    path("keberatan/<int:pk>/ubah/", views.objection_edit, name="objection_edit"),
    path("keberatan/<int:pk>/arsip/", views.objection_archive, name="objection_archive"),
    # Assessment form (admins read it; the national catalogue keeper edits it)
    path("formulir/", views.form_list, name="form_list"),
    path("formulir/<int:pk>/", views.form_detail, name="form_detail"),
    path("formulir/<int:pk>/ubah/", views.form_edit, name="form_edit"),
    path("formulir/<int:pk>/kelompok/baru/", views.group_edit, name="group_create"),
    path("formulir/<int:pk>/kelompok/<int:group_pk>/", views.group_edit, name="group_edit"),
    path("formulir/<int:pk>/indikator/baru/", views.indicator_edit, name="indicator_create"),
    path(
        "formulir/<int:pk>/indikator/<int:indicator_pk>/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "formulir/<int:pk>/indikator/<int:indicator_pk>/hapus/",
        views.indicator_remove,
        name="indicator_remove",
    ),
]
