from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "commonplace.insights"
    label = "insights"

    def ready(self) -> None:
        from commonplace.core.activity import follow_activity
        from commonplace.insights import expertise, tasks

        follow_activity(expertise.on_activity)
        follow_activity(tasks.on_activity)
