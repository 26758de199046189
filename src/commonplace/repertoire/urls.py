from django.urls import path

from commonplace.repertoire import views

app_name = "repertoire"

urlpatterns = [
    path("<slug:slug>/r/", views.entry_list, name="entries"),
    path("<slug:slug>/r/new/", views.entry_new, name="entry_new"),
    path("<slug:slug>/r/<int:entry_id>/", views.entry_detail, name="entry"),
    path("<slug:slug>/r/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("<slug:slug>/r/<int:entry_id>/history/", views.entry_history, name="entry_history"),
    path(
        "<slug:slug>/r/<int:entry_id>/restore/<int:number>/",
        views.entry_restore,
        name="entry_restore",
    ),
    path("<slug:slug>/r/<int:entry_id>/maturity/", views.entry_maturity, name="entry_maturity"),
    path("<slug:slug>/r/<int:entry_id>/endorse/", views.entry_endorse, name="entry_endorse"),
    path("<slug:slug>/r/<int:entry_id>/reuse/", views.entry_reuse, name="entry_reuse"),
    path("<slug:slug>/r/<int:entry_id>/files/", views.entry_file_upload, name="entry_file_upload"),
    path(
        "<slug:slug>/r/<int:entry_id>/files/<int:file_id>/",
        views.entry_file,
        name="entry_file",
    ),
    path(
        "<slug:slug>/t/<int:thread_id>/write-down/",
        views.write_down_thread,
        name="write_down_thread",
    ),
]
