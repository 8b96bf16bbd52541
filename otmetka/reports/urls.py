from django.urls import path

from otmetka.reports import views
from otmetka.reports.views import at_risk

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
]

urlpatterns += [
    path("at-risk/", at_risk.at_risk_list, name="at_risk"),
    path("at-risk.xlsx", at_risk.at_risk_xlsx, name="at_risk_xlsx"),
]
