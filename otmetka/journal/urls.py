from django.urls import path  # noqa: F401

app_name = "journal"

urlpatterns: list = [
    # === grid, lessons, marks, unlocks (grid engineer) ===
    # === КТП and work kinds (plans engineer) ===
    # === attestation, attendance reasons, printing (attestation engineer) ===
]
