from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "otmetka.certificates"
    label = "certificates"
    verbose_name = "Справки обучающимся"
