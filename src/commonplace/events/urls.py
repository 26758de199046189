from django.urls import path

from commonplace.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.my_events, name="my_events"),
    path("events/feed/reset/", views.reset_feed, name="reset_feed"),
    path("events/feed/<str:key>.ics", views.feed_ics, name="feed"),
    path("c/<slug:slug>/events/", views.event_list, name="events"),
    path("c/<slug:slug>/events/new/", views.event_new, name="event_new"),
    path("c/<slug:slug>/events/calendar.ics", views.calendar_ics, name="calendar_ics"),
    path("c/<slug:slug>/events/<int:event_id>/", views.event_detail, name="event"),
    path("c/<slug:slug>/events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("c/<slug:slug>/events/<int:event_id>/respond/", views.event_respond, name="event_respond"),
    path("c/<slug:slug>/events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path(
        "c/<slug:slug>/events/<int:event_id>/write-up/", views.event_write_up, name="event_write_up"
    ),
    path("c/<slug:slug>/events/<int:event_id>/event.ics", views.event_ics, name="event_ics"),
]
