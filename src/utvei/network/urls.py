from django.urls import path

from utvei.network import views

app_name = "network"

urlpatterns = [
    path("cases/<int:case_id>/network/", views.map_view, name="map"),
    path("cases/<int:case_id>/network/map.pdf", views.map_pdf_view, name="map_pdf"),
    path("cases/<int:case_id>/network/ties/new/", views.node_new_view, name="node_new"),
    path("network/ties/<int:node_id>/", views.node_edit_view, name="node_edit"),
    path("network/ties/<int:node_id>/contact/", views.node_contact_view, name="node_contact"),
    path("network/ties/<int:node_id>/end/", views.node_end_view, name="node_end"),
    path("cases/<int:case_id>/network/snapshots/new/", views.snapshot_new_view, name="snapshot_new"),
    path("network/snapshots/<int:snapshot_id>/", views.snapshot_detail_view, name="snapshot_detail"),
    path("cases/<int:case_id>/network/compare/", views.compare_view, name="compare"),
]
