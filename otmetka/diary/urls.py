from django.urls import path

from otmetka.diary import views

app_name = "diary"

urlpatterns = [
    # The student's and the parent's own diary.
    path("", views.week, name="week"),
    path("marks/", views.marks, name="marks"),
    path("attendance/", views.attendance, name="attendance"),
    path("files/<int:attachment_id>/", views.attachment, name="attachment"),
    # Staff: a student's diary, read-only, every view audited.
    path("students/<int:student_id>/", views.student_week, name="student_week"),
    path("students/<int:student_id>/marks/", views.student_marks, name="student_marks"),
    path(
        "students/<int:student_id>/attendance/",
        views.student_attendance,
        name="student_attendance",
    ),
    path(
        "students/<int:student_id>/files/<int:attachment_id>/",
        views.student_attachment,
        name="student_attachment",
    ),
    # Letters to parents without the diary (Положение 4.5).
    path("letters/", views.letters, name="letters"),
    path("letters/<int:group_id>/pdf/", views.letters_pdf_view, name="letters_pdf"),
    path(
        "letters/<int:group_id>/students/<int:student_id>/pdf/",
        views.letter_pdf_view,
        name="letter_pdf",
    ),
]
