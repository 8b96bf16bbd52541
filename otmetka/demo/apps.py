from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "otmetka.demo"
    label = "demo"
    verbose_name = "Демонстрационный колледж"
