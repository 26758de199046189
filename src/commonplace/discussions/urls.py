from django.urls import path

from commonplace.discussions import views

app_name = "discussions"

urlpatterns = [
    path("<slug:slug>/t/", views.thread_list, name="threads"),
    path("<slug:slug>/t/new/", views.thread_new, name="thread_new"),
    path("<slug:slug>/t/similar/", views.similar, name="similar"),
    path("<slug:slug>/t/<int:thread_id>/", views.thread_detail, name="thread"),
    path("<slug:slug>/t/<int:thread_id>/edit/", views.thread_edit, name="thread_edit"),
    path("<slug:slug>/t/<int:thread_id>/delete/", views.thread_delete, name="thread_delete"),
    path("<slug:slug>/t/<int:thread_id>/reply/", views.reply, name="reply"),
    path("<slug:slug>/t/<int:thread_id>/accept/", views.accept, name="accept"),
    path("<slug:slug>/p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("<slug:slug>/p/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("<slug:slug>/p/<int:post_id>/history/", views.post_history, name="post_history"),
    path("<slug:slug>/p/<int:post_id>/vote/", views.vote, name="vote"),
]
