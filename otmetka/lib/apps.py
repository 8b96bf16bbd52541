from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "otmetka.lib"
    label = "lib"
