from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "commonplace.insights"
    label = "insights"

    def ready(self) -> None:
        from commonplace.core.activity import follow_activity
        from commonplace.insights.expertise import on_activity

        follow_activity(on_activity)
