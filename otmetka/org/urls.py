from django.urls import path

from otmetka.org import views

app_name = "org"

urlpatterns = [
    path("", views.settings_view, name="settings"),
    # Academic years with their semesters and holidays.
    path("years/", views.year_list, name="year_list"),
    path("years/new/", views.year_create, name="year_create"),
    path("years/<int:year_id>/", views.year_detail, name="year_detail"),
    path("years/<int:year_id>/edit/", views.year_edit, name="year_edit"),
    path("years/<int:year_id>/periods/new/", views.period_create, name="period_create"),
    path("periods/<int:period_id>/edit/", views.period_edit, name="period_edit"),
    path("periods/<int:period_id>/delete/", views.period_delete, name="period_delete"),
    # Departments.
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:department_id>/edit/", views.department_edit,
         name="department_edit"),
    path("departments/<int:department_id>/delete/", views.department_delete,
         name="department_delete"),
    # Rooms.
    path("rooms/", views.room_list, name="room_list"),
    path("rooms/new/", views.room_create, name="room_create"),
    path("rooms/<int:room_id>/edit/", views.room_edit, name="room_edit"),
    path("rooms/<int:room_id>/delete/", views.room_delete, name="room_delete"),
    # Bell schedules and their pairs.
    path("bells/", views.bells_list, name="bells_list"),
    path("bells/new/", views.bells_create, name="bells_create"),
    path("bells/<int:bells_id>/", views.bells_detail, name="bells_detail"),
    path("bells/<int:bells_id>/edit/", views.bells_edit, name="bells_edit"),
    path("bells/<int:bells_id>/delete/", views.bells_delete, name="bells_delete"),
    path("bells/<int:bells_id>/pairs/new/", views.pair_create, name="pair_create"),
    path("pairs/<int:pair_id>/edit/", views.pair_edit, name="pair_edit"),
    path("pairs/<int:pair_id>/delete/", views.pair_delete, name="pair_delete"),
]
