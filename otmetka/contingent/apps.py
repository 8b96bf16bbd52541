from django.apps import AppConfig


class ContingentConfig(AppConfig):
    name = "otmetka.contingent"
    label = "contingent"
    verbose_name = "Контингент: загрузка и выгрузка"
