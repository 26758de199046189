from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "commonplace.events"
    label = "events"
