from django.urls import path

from otmetka.reports import views
from otmetka.reports.views import at_risk, attendance, debts, quality
from otmetka.reports.views import parents_meeting as meeting_views
from otmetka.reports.views import substitutions as substitution_views
from otmetka.reports.views import teacher_results as teacher_results_views

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
        "group-summary/<int:group_id>/approval/",
        views.group_summary_step,
        name="group_summary_step",
    ),
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
    path("substitutions/", substitution_views.substitutions, name="substitutions"),
    path(
        "substitutions.xlsx",
        substitution_views.substitutions_export,
        {"kind": "xlsx"},
        name="substitutions_xlsx",
    ),
    path(
        "substitutions.pdf",
        substitution_views.substitutions_export,
        {"kind": "pdf"},
        name="substitutions_pdf",
    ),
    path("teacher-results/", teacher_results_views.teacher_results_view, name="teacher_results"),
    path(
        "teacher-results.xlsx",
        teacher_results_views.teacher_results_export,
        {"kind": "xlsx"},
        name="teacher_results_xlsx",
    ),
    path(
        "teacher-results.pdf",
        teacher_results_views.teacher_results_export,
        {"kind": "pdf"},
        name="teacher_results_pdf",
    ),
    path("parents-meeting/", meeting_views.parents_meeting_choose, name="parents_meeting_choose"),
    path(
        "parents-meeting/<int:group_id>/",
        meeting_views.parents_meeting_view,
        name="parents_meeting",
    ),
    path(
        "parents-meeting/<int:group_id>.xlsx",
        meeting_views.parents_meeting_export,
        {"kind": "xlsx"},
        name="parents_meeting_xlsx",
    ),
    path(
        "parents-meeting/<int:group_id>.pdf",
        meeting_views.parents_meeting_export,
        {"kind": "pdf"},
        name="parents_meeting_pdf",
    ),
    path("debts/", debts.debts_view, name="debts"),
    path("debts.xlsx", debts.debts_export, {"kind": "xlsx"}, name="debts_xlsx"),
    path("debts.pdf", debts.debts_export, {"kind": "pdf"}, name="debts_pdf"),
    path("debts/sheet/<int:sheet_id>/retake/", debts.retake_issue, name="retake_issue"),
    path("retakes/<int:retake_sheet_id>/", debts.retake_sheet_view, name="retake_sheet"),
    path("retakes/<int:retake_sheet_id>/result/", debts.retake_result, name="retake_result"),
    path("retakes/<int:retake_sheet_id>.pdf", debts.retake_sheet_pdf, name="retake_sheet_pdf"),
    path("quality/", quality.quality, name="quality"),
    path("quality.xlsx", quality.quality_export, {"kind": "xlsx"}, name="quality_xlsx"),
    path("quality.pdf", quality.quality_export, {"kind": "pdf"}, name="quality_pdf"),
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
    path("at-risk/", at_risk.at_risk_list, name="at_risk"),
    path("at-risk.xlsx", at_risk.at_risk_xlsx, name="at_risk_xlsx"),
]
