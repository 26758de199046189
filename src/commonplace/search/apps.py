from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "commonplace.search"
    label = "search"

    def ready(self) -> None:
        from commonplace.core.activity import follow_activity
        from commonplace.search.indexing import on_activity

        follow_activity(on_activity)
