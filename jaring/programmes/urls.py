"""Pages of programmes and decrees: /program/… and /sk/…"""

from django.urls import path

from jaring.programmes import views

urlpatterns = [
    path("program/", views.programme_list, name="programme-list"),
    path("program/baru/", views.programme_new, name="programme-new"),
    path("program/<int:pk>/", views.programme_detail, name="programme-detail"),
    path("program/<int:pk>/ubah/", views.programme_edit, name="programme-edit"),
    path("program/<int:pk>/draf/", views.programme_draft, name="programme-draft"),
    path("sk/<int:pk>/", views.decree_detail, name="decree-detail"),
    path("sk/<int:pk>/tanda-tangan/", views.decree_sign_view, name="decree-sign"),
    path("sk/<int:pk>/orang/<str:action>/", views.entry_change, name="decree-entry"),
    path(
        "sk/<int:pk>/lampiran.<str:file_format>",
        views.lampiran_download,
        name="decree-lampiran",
    ),
    path("sk/<int:pk>/pdf/", views.lampiran_pdf_request, name="decree-pdf"),
    path("sk/<int:pk>/pdf/progres/", views.lampiran_pdf_progress, name="decree-pdf-progress"),
    path("sk/<int:pk>/pdf/unduh/", views.lampiran_pdf_download, name="decree-pdf-download"),
]
