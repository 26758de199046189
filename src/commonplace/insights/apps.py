from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "commonplace.insights"
    label = "insights"
