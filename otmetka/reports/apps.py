from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "otmetka.reports"
    label = "reports"
    verbose_name = "Отчёты по контингенту"
