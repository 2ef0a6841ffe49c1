from django.urls import path

from jaring.monitoring import views

urlpatterns = [
    path("", views.dashboard_home, name="monev-home"),
    path("wilayah/<str:code>/", views.dashboard, name="monev-dashboard"),
    path("wilayah/<str:code>/peta.geojson", views.map_shapes, name="monev-map"),
    path(
        "wilayah/<str:code>/laporan.<str:file_format>", views.report_download, name="monev-report"
    ),
    path("penduduk-bekerja/", views.working_population, name="monev-working-population"),
    path("angka/", views.figures, name="monev-figures"),
    path("paritrana/<str:province>/<int:year>/", views.award, name="monev-award"),
]
