from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "otmetka.schedule"
    label = "schedule"
    verbose_name = "Расписание"
