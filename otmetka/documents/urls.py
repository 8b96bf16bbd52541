from django.urls import path

from otmetka.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:document_id>/", views.document_detail, name="detail"),
    path("<int:document_id>/row/", views.document_row, name="row"),
    path("<int:document_id>/download/", views.document_download, name="download"),
]
