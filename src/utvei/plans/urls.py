from django.urls import path

from utvei.plans import views

app_name = "plans"

urlpatterns = [
    path("cases/<int:case_id>/plan/wish/", views.wish_view, name="wish"),
    path("cases/<int:case_id>/plan/start/", views.plan_start_view, name="start"),
    path("plans/<int:plan_id>/", views.plan_detail_view, name="detail"),
    path("plans/<int:plan_id>/edit/", views.plan_edit_view, name="edit"),
    path("plans/<int:plan_id>/withdraw/", views.wish_withdraw_view, name="withdraw"),
    path("plans/<int:plan_id>/goals/new/", views.goal_new_view, name="goal_new"),
    path("goals/<int:goal_id>/edit/", views.goal_edit_view, name="goal_edit"),
    path("plans/<int:plan_id>/domains/", views.domain_view, name="domain"),
    path("plans/<int:plan_id>/participants/new/", views.participant_new_view, name="participant_new"),
    path("plans/<int:plan_id>/measures/new/", views.measure_new_view, name="measure_new"),
    path("measures/<int:measure_id>/edit/", views.measure_edit_view, name="measure_edit"),
    path("measures/<int:measure_id>/progress/", views.measure_progress_view, name="measure_progress"),
    path("plans/<int:plan_id>/reviews/new/", views.review_new_view, name="review_new"),
    path("plans/<int:plan_id>/activate/", views.plan_activate_view, name="activate"),
    path("plans/<int:plan_id>/meetings/new/", views.meeting_new_view, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting_view, name="meeting"),
    path("plans/<int:plan_id>/history/", views.plan_history_view, name="history"),
    path("plans/<int:plan_id>/pdf/", views.plan_pdf_view, name="pdf"),
]
