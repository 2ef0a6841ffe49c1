from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from jaring.accounts import views as account_views
from jaring.audit import views as audit_views
from jaring.claims.api import ClaimViewSet
from jaring.core import errors
from jaring.finance.api import (
    BillLineViewSet,
    BillViewSet,
    PaymentViewSet,
    ProgrammeFinanceViewSet,
)
from jaring.monitoring import api as monev_api
from jaring.national import views as national_views
from jaring.programmes.api import (
    DecreeEntryViewSet,
    DecreeViewSet,
    MembershipViewSet,
    ProgrammeViewSet,
)
from jaring.regions.api import RegionViewSet
from jaring.registry import views as registry_views
from jaring.registry.api import PersonViewSet
from jaring.registry.imports import views as import_views
from jaring.registry.imports.api import ImportViewSet
from jaring.registry.matching import views as matching_views
from jaring.registry.matching.api import DuplicateViewSet

# No ".json" suffix routes: a custom action would be called with an unexpected ``format``
# argument (a server error), and clients choose the format by Accept header or ?format=.
router = DefaultRouter()
router.include_format_suffixes = False
router.register("regions", RegionViewSet, basename="api-region")
router.register("people", PersonViewSet, basename="api-person")
router.register("imports", ImportViewSet, basename="api-import")
router.register("duplicates", DuplicateViewSet, basename="api-duplicate")
router.register("programmes", ProgrammeViewSet, basename="api-programme")
router.register("decrees", DecreeViewSet, basename="api-decree")
router.register("decree-entries", DecreeEntryViewSet, basename="api-decree-entry")
router.register("memberships", MembershipViewSet, basename="api-membership")
router.register("bills", BillViewSet, basename="api-bill")
router.register("bill-lines", BillLineViewSet, basename="api-bill-line")
router.register("payments", PaymentViewSet, basename="api-payment")
router.register("programme-finance", ProgrammeFinanceViewSet, basename="api-programme-finance")
router.register("claims", ClaimViewSet, basename="api-claim")

# Django renders 403 and 404 from templates of those names with the request; 500 needs this.
handler500 = errors.server_error

urlpatterns = [
    path("", registry_views.home, name="home"),
    # First: the most asked API answer is found without trying the patterns below.
    path("api/monev/coverage/", monev_api.CoverageView.as_view(), name="api-monev-coverage"),
    path("favicon.ico", errors.favicon, name="favicon"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/sandi/", account_views.PasswordChange.as_view(), name="password-change"),
    path(
        "masuk/atur-sandi/<uidb64>/<token>/",
        account_views.PasswordSet.as_view(),
        name="password-set",
    ),
    path("pengguna/", account_views.user_list, name="user-list"),
    path("pengguna/baru/", account_views.user_new, name="user-new"),
    path("pengguna/impor/", account_views.user_import, name="user-import"),
    path(
        "pengguna/impor/templat.xlsx",
        account_views.user_import_template,
        name="user-import-template",
    ),
    path("pengguna/<int:pk>/", account_views.user_edit, name="user-edit"),
    path("pengguna/<int:pk>/aktif/", account_views.user_active, name="user-active"),
    path("pengguna/<int:pk>/sandi/", account_views.user_password, name="user-password"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wilayah/", registry_views.region_browser, name="region-browser"),
    path("wilayah/<str:code>/", registry_views.region_browser, name="region-detail"),
    path("orang/", registry_views.people_list, name="people-list"),
    path("orang/ekspor/", registry_views.people_export_view, name="people-export"),
    path("orang/baru/", registry_views.person_new, name="person-new"),
    path("orang/<int:pk>/", registry_views.person_detail, name="person-detail"),
    path("orang/<int:pk>/ubah/", registry_views.person_edit, name="person-edit"),
    path("orang/<int:pk>/status/", registry_views.person_status, name="person-status"),
    path("impor/", import_views.import_list, name="import-list"),
    path("impor/templat.xlsx", import_views.import_template_download, name="import-template"),
    path("impor/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("impor/<int:pk>/perubahan/", import_views.import_changes, name="import-changes"),
    path("impor/<int:pk>/ditahan/", import_views.import_held, name="import-held"),
    path("impor/<int:pk>/kolom/", import_views.import_mapping, name="import-mapping"),
    path("impor/<int:pk>/progres/", import_views.import_progress, name="import-progress"),
    path("impor/<int:pk>/simpan/", import_views.import_commit, name="import-commit"),
    path("impor/<int:pk>/hapus/", import_views.import_discard_view, name="import-discard"),
    path("impor/<int:pk>/unduh/", import_views.import_workbook_download, name="import-workbook"),
    path("duplikat/", matching_views.duplicate_queue, name="duplicate-queue"),
    path("duplikat/<int:pk>/", matching_views.duplicate_detail, name="duplicate-detail"),
    path("duplikat/<int:pk>/putuskan/", matching_views.duplicate_decide, name="duplicate-decide"),
    path(
        "duplikat/gabung-massal/",
        matching_views.duplicate_merge_likely,
        name="duplicate-merge-likely",
    ),
    path("duplikat/jalankan/", matching_views.duplicate_run, name="duplicate-run"),
    path(
        "duplikat/tumpang-tindih/", matching_views.coverage_overlap_list, name="coverage-overlaps"
    ),
    path(
        "duplikat/wilayah-lain/",
        national_views.cross_region_flags,
        name="duplicate-cross-region",
    ),
    path("", include("jaring.programmes.urls")),
    path("", include("jaring.finance.urls")),
    path("", include("jaring.claims.urls")),
    path("monev/", include("jaring.monitoring.urls")),
    path("audit/", audit_views.change_log, name="audit-log"),
    path("audit/ekspor/", audit_views.export_log, name="audit-exports"),
    path("api/monev/checks/", monev_api.ChecksView.as_view(), name="api-monev-checks"),
    path("api/monev/award/", monev_api.AwardView.as_view(), name="api-monev-award"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's set-up as a script file, not inline (CSP).
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/token/", include("jaring.accounts.urls")),
    path("admin/", admin.site.urls),
]
