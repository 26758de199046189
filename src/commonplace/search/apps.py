from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "commonplace.search"
    label = "search"
