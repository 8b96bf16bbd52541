from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DocumentsConfig(AppConfig):
    name = "otmetka.documents"
    label = "documents"
    verbose_name = "Документы"

    def ready(self) -> None:
        # Each app declares the documents it builds in its own `documents.py` (as admin.py
        # declares its admin): this app runs them without importing the apps above it.
        autodiscover_modules("documents")
