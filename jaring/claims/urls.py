"""Pages of the claims app: /klaim/…"""

from django.urls import path

from jaring.claims import views

urlpatterns = [
    path("klaim/", views.claim_list, name="claim-list"),
    path("klaim/baru/", views.claim_new, name="claim-new"),
    path("klaim/terlambat/", views.overdue_list, name="claim-overdue"),
    path("klaim/laporan/", views.claims_report, name="claim-report"),
    path("klaim/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("klaim/<int:pk>/langkah/", views.claim_advance_view, name="claim-advance"),
    path("klaim/<int:pk>/ahli-waris/", views.claim_heirs_view, name="claim-heirs"),
    path("klaim/<int:pk>/penilaian/", views.claim_assess_view, name="claim-assess"),
    path("klaim/<int:pk>/beasiswa/", views.instalment_pay_view, name="claim-instalment"),
    path("klaim/<int:pk>/berkas/", views.claim_document_view, name="claim-document"),
    path("klaim/<int:pk>/berkas/<int:doc>/", views.document_download, name="claim-document-file"),
    path("klaim/<int:pk>/foto/", views.photo_download, name="claim-photo"),
]
