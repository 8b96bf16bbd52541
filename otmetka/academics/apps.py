from django.apps import AppConfig


class AcademicsConfig(AppConfig):
    name = "otmetka.academics"
    label = "academics"
