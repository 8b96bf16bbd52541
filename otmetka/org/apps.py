from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "otmetka.org"
    label = "org"
