from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "commonplace.discussions"
    label = "discussions"
