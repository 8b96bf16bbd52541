from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "otmetka.accounts"
    label = "accounts"

    def ready(self) -> None:
        from otmetka.accounts import checks  # noqa: F401  (registers the system checks)
