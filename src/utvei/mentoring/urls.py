from django.urls import path

from utvei.mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("mentors/", views.mentor_list_view, name="mentor_list"),
    path("mentors/new/", views.mentor_new_view, name="mentor_new"),
    path("mentors/<int:mentor_id>/edit/", views.mentor_edit_view, name="mentor_edit"),
    path("cases/<int:case_id>/mentor/", views.assignment_new_view, name="assignment_new"),
    path("mentor-assignments/<int:assignment_id>/", views.assignment_detail_view, name="assignment_detail"),
    path("mentor-assignments/<int:assignment_id>/end/", views.assignment_end_view, name="assignment_end"),
    path("mentor-assignments/<int:assignment_id>/log/new/", views.log_new_view, name="log_new"),
    path("mentees/", views.my_mentees_view, name="my_mentees"),
    path("mentees/<int:assignment_id>/", views.mentee_view, name="mentee"),
    path("cases/<int:case_id>/konfliktrad/", views.restorative_new_view, name="restorative_new"),
    path("konfliktrad/<int:referral_id>/status/", views.restorative_status_view, name="restorative_status"),
]
