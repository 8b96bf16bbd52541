from django.urls import path

from otmetka.movement import views

app_name = "movement"

urlpatterns = [
    path("", views.book, name="book"),
    path("new/", views.order_create, name="order_create"),
    path("late/", views.late, name="late"),
    path("late/cards/justify/", views.late_cards_justify, name="late_cards_justify"),
    path(
        "late/cards/justifications/<int:justification_id>/withdraw/",
        views.late_card_justification_withdraw,
        name="late_card_justification_withdraw",
    ),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/items/add/", views.item_add, name="item_add"),
    path(
        "orders/<int:order_id>/items/<int:order_item_id>/remove/",
        views.item_remove,
        name="item_remove",
    ),
    path(
        "orders/<int:order_id>/items/<int:order_item_id>/subgroup/",
        views.item_subgroup_place,
        name="item_subgroup_place",
    ),
    path("orders/<int:order_id>/sign/", views.order_sign, name="order_sign"),
    path("orders/<int:order_id>/apply/", views.order_apply, name="order_apply"),
    path("orders/<int:order_id>/cancel/", views.order_cancel, name="order_cancel"),
    path("students/<int:student_id>/", views.student_orders, name="student_orders"),
]
