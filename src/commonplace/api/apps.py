from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "commonplace.api"
    label = "api"
