from django.urls import path

from utvei.cases import views
from utvei.cases.corrections import views as corrections
from utvei.cases.reports import views as reports
from utvei.cases.worklist import views as worklist

app_name = "cases"

urlpatterns = [
    path("", worklist.dashboard_view, name="dashboard"),
    path("week/", worklist.week_view, name="week"),
    path("calendar/", worklist.calendar_view, name="calendar"),
    path("calendar/<str:token>.ics", worklist.calendar_feed_view, name="calendar_feed"),
    path("<int:case_id>/", views.case_detail_view, name="detail"),
    path("<int:case_id>/tab/<slug:tab>/", views.case_tab_view, name="tab"),
    path("referrals/new/", views.referral_new_view, name="referral_new"),
    path("persons/<int:person_id>/new-case/", views.case_new_for_person_view, name="case_new_for_person"),
    path("<int:case_id>/phase/", views.phase_view, name="phase"),
    path("<int:case_id>/phase/suggested/", views.phase_accept_view, name="phase_accept"),
    path("<int:case_id>/close/", views.close_view, name="close"),
    path("<int:case_id>/team/add/", views.team_add_view, name="team_add"),
    path("team/<int:seat_id>/task/", views.team_task_view, name="team_task"),
    path("team/<int:seat_id>/end/", corrections.team_end_view, name="team_end"),
    path("<int:case_id>/person/contact/", corrections.person_contact_view, name="person_contact"),
    path("tasks/<int:task_id>/correct/", corrections.task_correct_view, name="task_correct"),
    path("<int:case_id>/police-contact/", views.police_reason_view, name="police_reason"),
    path("<int:case_id>/advice/", views.advice_view, name="advice"),
    path("<int:case_id>/relapse/", views.relapse_view, name="relapse"),
    path("<int:case_id>/tasks/new/", views.task_new_view, name="task_new"),
    path("tasks/<int:task_id>/done/", views.task_done_view, name="task_done"),
    path("concerns/", views.concerns_view, name="concerns"),
    path("reports/<int:escalation_id>/", reports.report_view, name="report"),
]
