from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "commonplace.imports"
    label = "imports"
