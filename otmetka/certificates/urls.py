from django.urls import path

from otmetka.certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.register, name="register"),
    path("my/", views.my_requests, name="my_requests"),
    path("register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("students/<int:student_id>/issue/", views.issue, name="issue"),
    path("<int:certificate_id>/", views.detail, name="detail"),
    path("<int:certificate_id>.pdf", views.pdf, name="pdf"),
]
