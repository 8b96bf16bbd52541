from django.urls import path

from otmetka.contingent import views

app_name = "contingent"

urlpatterns = [
    path("", views.index, name="index"),
    # Students with their parents (secretary, department head).
    path("students/template/", views.students_template, name="students_template"),
    path("students/import/", views.students_import, name="students_import"),
    path("students/import/commit/", views.students_commit, name="students_commit"),
    path("students/export/", views.students_export, name="students_export"),
    path(
        "students/export/<int:group_id>/",
        views.students_export_group,
        name="students_export_group",
    ),
    # Staff (HR).
    path("staff/template/", views.staff_template, name="staff_template"),
    path("staff/import/", views.staff_import, name="staff_import"),
    path("staff/import/commit/", views.staff_commit, name="staff_commit"),
    path("staff/export/", views.staff_export, name="staff_export"),
]
