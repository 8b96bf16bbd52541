from django.urls import path

from otmetka.academics.views import access as access_views
from otmetka.academics.views import cards as card_views
from otmetka.academics.views import curricula as curricula_views
from otmetka.academics.views import dashboard as dashboard_views
from otmetka.academics.views import groups as group_views
from otmetka.academics.views import rollover as rollover_views
from otmetka.academics.views import workload as workload_views

app_name = "academics"

urlpatterns = [
    # Groups, rosters, subgroups, students.
    path("groups/", group_views.group_list, name="group_list"),
    path("groups/new/", group_views.group_create, name="group_create"),
    path("groups/<int:group_id>/", group_views.group_detail, name="group_detail"),
    path("groups/<int:group_id>/edit/", group_views.group_edit, name="group_edit"),
    path("groups/<int:group_id>/roster/", group_views.group_roster, name="group_roster"),
    path("groups/<int:group_id>/enrol/", group_views.group_enrol, name="group_enrol"),
    path("groups/<int:group_id>/members/add/", group_views.group_add_member,
         name="group_add_member"),
    path("memberships/<int:membership_id>/close/", group_views.membership_close,
         name="membership_close"),
    path("groups/<int:group_id>/subgroups/new/", group_views.subgroup_create,
         name="subgroup_create"),
    path("subgroups/<int:subgroup_id>/", group_views.subgroup_edit, name="subgroup_edit"),
    path("subgroups/<int:subgroup_id>/delete/", group_views.subgroup_delete,
         name="subgroup_delete"),
    path("students/", group_views.student_list, name="student_list"),
    path("my-groups/", group_views.my_groups, name="my_groups"),
    path("my-groups/cards/", card_views.card_checks, name="card_checks"),
    path("rollover/", rollover_views.rollover, name="rollover"),
    path("my-groups/cards/<int:student_id>/checked/", card_views.card_check_mark,
         name="card_check_mark"),
    # Credentials and consents of a group's students and parents.
    path("groups/<int:group_id>/access/", access_views.group_access_view, name="group_access"),
    path("groups/<int:group_id>/access/issue/", access_views.group_access_issue,
         name="group_access_issue"),
    path("groups/<int:group_id>/access/persons/<int:person_id>/issue/",
         access_views.group_access_person_issue, name="group_access_person_issue"),
    path("groups/<int:group_id>/access/persons/<int:person_id>/active/",
         access_views.group_access_person_active, name="group_access_person_active"),
    path("groups/<int:group_id>/access/persons/<int:person_id>/consent/",
         access_views.group_access_consent_add, name="group_access_consent_add"),
    path("groups/<int:group_id>/access/consents/<int:consent_id>/revoke/",
         access_views.group_access_consent_revoke, name="group_access_consent_revoke"),
    # Programs, curricula, workload, the overview.
    path("programs/", curricula_views.program_list, name="program_list"),
    path("programs/new/", curricula_views.program_create_view, name="program_create"),
    path("programs/<int:program_id>/", curricula_views.program_detail, name="program_detail"),
    path("programs/<int:program_id>/edit/", curricula_views.program_edit, name="program_edit"),
    path("programs/<int:program_id>/curricula/new/", curricula_views.curriculum_create_view,
         name="curriculum_create"),
    path("curricula/<int:curriculum_id>/", curricula_views.curriculum_detail,
         name="curriculum_detail"),
    path("curricula/<int:curriculum_id>/edit/", curricula_views.curriculum_edit,
         name="curriculum_edit"),
    path("curricula/<int:curriculum_id>/copy/", curricula_views.curriculum_copy_view,
         name="curriculum_copy"),
    path("curricula/<int:curriculum_id>/items/new/", curricula_views.item_create_view,
         name="item_create"),
    path("items/<int:item_id>/edit/", curricula_views.item_edit, name="item_edit"),
    path("items/<int:item_id>/delete/", curricula_views.item_delete_view, name="item_delete"),
    path("items/<int:item_id>/hours/", curricula_views.hours_edit, name="hours_edit"),
    path("hours/<int:hours_id>/delete/", curricula_views.hours_delete_view,
         name="hours_delete"),
    path("workload/", workload_views.workload_list, name="workload_list"),
    path("workload/teachers/", workload_views.workload_teachers, name="workload_teachers"),
    path("workload/new/", workload_views.workload_create_view, name="workload_create"),
    path("workload/<int:workload_id>/edit/", workload_views.workload_edit, name="workload_edit"),
    path("workload/<int:workload_id>/delete/", workload_views.workload_delete_view,
         name="workload_delete"),
    path("my-workload/", workload_views.my_workload, name="my_workload"),
    path("overview/", dashboard_views.dashboard, name="dashboard"),
]
