from django.apps import AppConfig


class RepertoireConfig(AppConfig):
    name = "commonplace.repertoire"
    label = "repertoire"
