from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from jaring.audit import views as audit_views
from jaring.core import views as core_views
from jaring.regions import views as region_views
from jaring.regions.api import RegionViewSet
from jaring.registry import views as registry_views
from jaring.registry.api import PersonViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="api-region")
router.register("people", PersonViewSet, basename="api-person")

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wilayah/", region_views.region_browser, name="region-browser"),
    path("wilayah/<str:code>/", region_views.region_browser, name="region-detail"),
    path("orang/", registry_views.people_list, name="people-list"),
    path("orang/ekspor/", registry_views.people_export_view, name="people-export"),
    path("orang/<int:pk>/", registry_views.person_detail, name="person-detail"),
    path("audit/", audit_views.change_log, name="audit-log"),
    path("audit/ekspor/", audit_views.export_log, name="audit-exports"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/token/", include("jaring.accounts.urls")),
    path("admin/", admin.site.urls),
]
