from django.apps import AppConfig


class MovementConfig(AppConfig):
    name = "otmetka.movement"
    label = "movement"
    verbose_name = "Книга движения контингента"
