from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "commonplace.communities"
    label = "communities"
