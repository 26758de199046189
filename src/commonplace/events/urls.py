from django.urls import path

from commonplace.events import views

app_name = "events"

urlpatterns = [
    path("<slug:slug>/events/", views.event_list, name="events"),
    path("<slug:slug>/events/new/", views.event_new, name="event_new"),
    path("<slug:slug>/events/calendar.ics", views.calendar_ics, name="calendar_ics"),
    path("<slug:slug>/events/<int:event_id>/", views.event_detail, name="event"),
    path("<slug:slug>/events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("<slug:slug>/events/<int:event_id>/respond/", views.event_respond, name="event_respond"),
    path("<slug:slug>/events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path(
        "<slug:slug>/events/<int:event_id>/write-up/", views.event_write_up, name="event_write_up"
    ),
    path("<slug:slug>/events/<int:event_id>/event.ics", views.event_ics, name="event_ics"),
]
