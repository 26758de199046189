from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "commonplace.core"
    label = "core"
