from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "commonplace.portability"
    label = "portability"
