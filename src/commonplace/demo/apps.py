from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "commonplace.demo"
    label = "demo"
