from django.urls import path

from otmetka.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/forgot/", views.forgot_password, name="forgot_password"),
    path("password/change/", views.password_change_view, name="password_change"),
    path("role/", views.role_switch, name="role_switch"),
    path("me/", views.profile, name="profile"),
    path("admin/users/", views.user_list, name="user_list"),
    path("admin/users/new/", views.user_create_view, name="user_create"),
    path("admin/users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("admin/users/<int:user_id>/active/", views.user_toggle_active, name="user_toggle_active"),
    path(
        "admin/users/<int:user_id>/credentials/",
        views.user_issue_credentials,
        name="user_issue_credentials",
    ),
    path(
        "admin/users/<int:user_id>/roles/<int:assignment_id>/revoke/",
        views.user_role_revoke,
        name="user_role_revoke",
    ),
    path("admin/rights/", views.rights_overview, name="rights"),
    path("admin/rights/<str:role_code>/", views.rights_edit, name="rights_edit"),
    path("admin/audit/", views.audit_log, name="audit_log"),
]
