"""Pages of the finance app: /iuran/…"""

from django.urls import path

from jaring.finance import views

urlpatterns = [
    path("iuran/", views.programme_list, name="finance-list"),
    path("iuran/program/<int:pk>/", views.programme_finance, name="finance-programme"),
    path("iuran/program/<int:pk>/terbitkan/", views.bill_issue_view, name="finance-issue"),
    path("iuran/program/<int:pk>/status/", views.status_view, name="finance-status"),
    path(
        "iuran/program/<int:pk>/rekonsiliasi/", views.reconciliation_view, name="finance-reconcile"
    ),
    path("iuran/program/<int:pk>/anggaran/", views.budget_view, name="finance-budget"),
    path("iuran/program/<int:pk>/bpjs/", views.exchange_view, name="finance-exchange"),
    path(
        "iuran/program/<int:pk>/bpjs/pendaftaran/",
        views.registration_download,
        name="finance-registration",
    ),
    path(
        "iuran/program/<int:pk>/bpjs/balasan/",
        views.response_upload,
        name="finance-response-upload",
    ),
    path("iuran/balasan/<int:pk>/", views.response_detail, name="finance-response"),
    path(
        "iuran/program/<int:pk>/laporan/<str:month>/",
        views.statement_view,
        name="finance-statement",
    ),
    path("iuran/tagihan/<int:pk>/", views.bill_detail, name="finance-bill"),
    path("iuran/tagihan/<int:pk>/bayar/", views.payment_view, name="finance-pay"),
    path("iuran/tagihan/<int:pk>/koreksi/", views.bill_correct_view, name="finance-correct"),
    path("iuran/pembayaran/<int:pk>/bukti/", views.proof_download, name="finance-proof"),
]
