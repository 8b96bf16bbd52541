from django.urls import path

from otmetka.reports import views
from otmetka.reports.views import attendance

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("contingent/", views.contingent, name="contingent"),
    path("contingent.xlsx", views.contingent_export, {"kind": "xlsx"}, name="contingent_xlsx"),
    path("contingent.pdf", views.contingent_export, {"kind": "pdf"}, name="contingent_pdf"),
    path("movement/", views.movement, name="movement"),
    path("movement.xlsx", views.movement_export, {"kind": "xlsx"}, name="movement_xlsx"),
    path("movement.pdf", views.movement_export, {"kind": "pdf"}, name="movement_pdf"),
    path("alphabetical/", views.alphabetical, name="alphabetical"),
    path(
        "alphabetical.xlsx", views.alphabetical_export, {"kind": "xlsx"}, name="alphabetical_xlsx"
    ),
    path("alphabetical.pdf", views.alphabetical_export, {"kind": "pdf"}, name="alphabetical_pdf"),
    path("group-summary/", views.group_summary_choose, name="group_summary_choose"),
    path("group-summary/<int:group_id>/", views.group_summary_view, name="group_summary"),
    path(
        "group-summary/<int:group_id>.xlsx",
        views.group_summary_export,
        {"kind": "xlsx"},
        name="group_summary_xlsx",
    ),
    path(
        "group-summary/<int:group_id>.pdf",
        views.group_summary_export,
        {"kind": "pdf"},
        name="group_summary_pdf",
    ),
    path("attendance/", attendance.attendance_totals, name="attendance"),
    path(
        "attendance.xlsx",
        attendance.attendance_totals_export,
        {"kind": "xlsx"},
        name="attendance_xlsx",
    ),
    path(
        "attendance.pdf",
        attendance.attendance_totals_export,
        {"kind": "pdf"},
        name="attendance_pdf",
    ),
    path(
        "attendance/group/",
        attendance.attendance_choose,
        {"target": "attendance_group"},
        name="attendance_group_choose",
    ),
    path(
        "attendance/sheet/",
        attendance.attendance_choose,
        {"target": "attendance_sheet"},
        name="attendance_sheet_choose",
    ),
    path(
        "attendance/group/<int:group_id>/",
        attendance.attendance_group,
        name="attendance_group",
    ),
    path(
        "attendance/group/<int:group_id>.xlsx",
        attendance.attendance_group_export,
        {"kind": "xlsx"},
        name="attendance_group_xlsx",
    ),
    path(
        "attendance/group/<int:group_id>.pdf",
        attendance.attendance_group_export,
        {"kind": "pdf"},
        name="attendance_group_pdf",
    ),
    path(
        "attendance/group/<int:group_id>/absences/",
        attendance.attendance_absences,
        name="attendance_absences",
    ),
    path(
        "attendance/sheet/<int:group_id>/",
        attendance.attendance_sheet,
        name="attendance_sheet",
    ),
    path(
        "attendance/sheet/<int:group_id>.xlsx",
        attendance.attendance_sheet_export,
        {"kind": "xlsx"},
        name="attendance_sheet_xlsx",
    ),
    path(
        "attendance/sheet/<int:group_id>.pdf",
        attendance.attendance_sheet_export,
        {"kind": "pdf"},
        name="attendance_sheet_pdf",
    ),
    path("attendance/over/", attendance.attendance_over, name="attendance_over"),
    path(
        "attendance/over.xlsx",
        attendance.attendance_over_export,
        {"kind": "xlsx"},
        name="attendance_over_xlsx",
    ),
    path(
        "attendance/over.pdf",
        attendance.attendance_over_export,
        {"kind": "pdf"},
        name="attendance_over_pdf",
    ),
]
