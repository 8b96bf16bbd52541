from django.urls import path  # noqa: F401

from otmetka.journal.views import attestation as attestation_views  # attestation
from otmetka.journal.views import grid as grid_views  # grid
from otmetka.journal.views import lessons as lesson_views  # lessons
from otmetka.journal.views import marks_export as marks_export_views  # marks as XLSX
from otmetka.journal.views import plans as plan_views  # КТП
from otmetka.journal.views import printing as printing_views  # printing
from otmetka.journal.views import reasons as reasons_views  # attendance reasons
from otmetka.journal.views import unlocks as unlock_views  # unlocks
from otmetka.journal.views import work_kinds as work_kind_views  # work kinds

app_name = "journal"

urlpatterns: list = [
    # === grid, lessons, marks, unlocks (grid engineer) ===
    path("", grid_views.journal_list, name="journal_list"),
    path("<int:workload_id>/", grid_views.grid, name="grid"),
    path("<int:workload_id>/marks.xlsx", marks_export_views.marks_xlsx, name="marks_xlsx"),
    path("<int:workload_id>/lessons/new/", lesson_views.lesson_create_view, name="lesson_create"),
    path("lessons/<int:lesson_id>/", lesson_views.lesson_detail, name="lesson_detail"),
    path("lessons/<int:lesson_id>/delete/", lesson_views.lesson_delete_view,
         name="lesson_delete"),
    path("lessons/<int:lesson_id>/files/", lesson_views.attachment_upload,
         name="attachment_upload"),
    path("lessons/<int:lesson_id>/substitution/", lesson_views.substitution_view,
         name="substitution_set"),
    path("lessons/<int:lesson_id>/cells/<int:student_id>/", grid_views.cell_save_view,
         name="cell_save"),
    path("lessons/<int:lesson_id>/cells/<int:student_id>/history/",
         grid_views.cell_history_view, name="cell_history"),
    path("lessons/<int:lesson_id>/marks/<int:student_id>/", lesson_views.mark_edit,
         name="mark_edit"),
    path("files/<int:attachment_id>/", lesson_views.attachment_download,
         name="attachment_download"),
    path("files/<int:attachment_id>/delete/", lesson_views.attachment_delete_view,
         name="attachment_delete"),
    path("unlocks/", unlock_views.unlock_list, name="unlock_list"),
    path("unlocks/badge/", unlock_views.unlock_badge, name="unlock_badge"),
    path("<int:workload_id>/unlock/", unlock_views.unlock_grant_view, name="unlock_grant"),
    path("unlocks/<int:unlock_id>/revoke/", unlock_views.unlock_revoke_view,
         name="unlock_revoke"),
    path("<int:workload_id>/unlock-request/", unlock_views.unlock_request_view,
         name="unlock_request"),
    path("unlock-requests/<int:request_id>/answer/", unlock_views.unlock_answer_view,
         name="unlock_answer"),
    # === КТП and work kinds (plans engineer) ===
    path("plans/template/", plan_views.plan_template, name="plan_template"),
    path("plans/<int:workload_id>/", plan_views.plan, name="plan"),
    path("plans/<int:workload_id>/copy/", plan_views.plan_copy, name="plan_copy"),
    path("plans/<int:workload_id>/import/", plan_views.plan_import, name="plan_import"),
    path("plans/<int:workload_id>/export/", plan_views.plan_export, name="plan_export"),
    path("plans/topics/<int:topic_id>/edit/", plan_views.topic_edit, name="topic_edit"),
    path("plans/topics/<int:topic_id>/delete/", plan_views.topic_delete, name="topic_delete"),
    path("plans/topics/<int:topic_id>/move/", plan_views.topic_move, name="topic_move"),
    path("work-kinds/", work_kind_views.work_kind_list, name="work_kind_list"),
    path("work-kinds/new/", work_kind_views.work_kind_create, name="work_kind_create"),
    path("work-kinds/<int:work_kind_id>/edit/", work_kind_views.work_kind_edit,
         name="work_kind_edit"),
    path("work-kinds/<int:work_kind_id>/deactivate/", work_kind_views.work_kind_deactivate,
         name="work_kind_deactivate"),
    # === attestation, attendance reasons, printing (attestation engineer) ===
    path("<int:workload_id>/attestation/", attestation_views.attestation, name="attestation"),
    path("sheets/<int:sheet_id>/propose/", attestation_views.attestation_propose,
         name="attestation_propose"),
    path("sheets/<int:sheet_id>/close/", attestation_views.attestation_close,
         name="attestation_close"),
    path("sheets/<int:sheet_id>/reopen/", attestation_views.attestation_reopen,
         name="attestation_reopen"),
    path("sheets/<int:sheet_id>/pdf/", attestation_views.attestation_pdf, name="attestation_pdf"),
    path("sheets/<int:sheet_id>/details/", attestation_views.attestation_details,
         name="attestation_details"),
    path("reasons/<int:group_id>/", reasons_views.reasons, name="reasons"),
    path("<int:workload_id>/prints/", printing_views.print_list, name="print_list"),
    path("<int:workload_id>/prints/new/", printing_views.print_request, name="print_request"),
    path("prints/<int:print_id>/download/", printing_views.print_download,
         name="print_download"),
]
