from django.urls import path

from utvei.contacts import views

app_name = "contacts"

urlpatterns = [
    path("cases/<int:case_id>/contact-plan/", views.contact_plan_view, name="plan"),
    path("cases/<int:case_id>/conversations/new/", views.conversation_new_view, name="conversation_new"),
    path("conversations/<int:conversation_id>/", views.conversation_detail_view, name="conversation_detail"),
    path("conversations/<int:conversation_id>/correct/", views.conversation_correct_view, name="conversation_correct"),
    path("consultations/<int:consultation_id>/correct/", views.consultation_correct_view, name="consultation_correct"),
    path("cases/<int:case_id>/consultations/new/", views.consultation_new_view, name="consultation_new"),
    path("cases/<int:case_id>/notes/new/", views.note_new_view, name="note_new"),
    path("methods/", views.method_list_view, name="methods"),
]
