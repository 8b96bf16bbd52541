from django.urls import path  # noqa: F401

app_name = "academics"

urlpatterns: list = [
    # === groups and students (groups engineer) ===
    # === programs, curricula, workload, dashboard (curricula engineer) ===
]
