from django.urls import path  # noqa: F401

app_name = "schedule"

urlpatterns: list = [
    # === sections: each engineer adds theirs below with a marker comment ===
]
