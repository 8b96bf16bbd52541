from django.urls import path

from otmetka.people import views

app_name = "people"

urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/late/", views.staff_late, name="staff_late"),
    path("staff/<int:employee_id>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:employee_id>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:employee_id>/dismiss/", views.staff_dismiss, name="staff_dismiss"),
    path("positions/", views.position_list, name="position_list"),
    path("students/<int:student_id>/", views.student_detail, name="student_detail"),
    path("students/<int:student_id>/edit/", views.student_edit, name="student_edit"),
    path("students/<int:student_id>/checked/", views.student_card_checked,
         name="student_card_checked"),
    path("students/<int:student_id>/guardians/new/", views.guardian_add_view, name="guardian_add"),
    path("guardians/<int:guardianship_id>/remove/", views.guardian_remove_view,
         name="guardian_remove"),
    path("persons/<int:person_id>/consents/new/", views.consent_add, name="consent_add"),
    path("consents/<int:consent_id>/revoke/", views.consent_revoke_view, name="consent_revoke"),
    path("my/access-log/", views.my_access_log, name="my_access_log"),
]
