from django.urls import path, re_path

from commonplace.communities import views

app_name = "communities"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.create, name="create"),
    path("<slug:slug>/", views.community_home, name="home"),
    path("<slug:slug>/charter/edit/", views.charter_edit, name="charter_edit"),
    path("<slug:slug>/charter/history/", views.charter_history, name="charter_history"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/invite/", views.invite, name="invite"),
    path("<slug:slug>/members/<str:username>/roles/", views.member_roles, name="member_roles"),
    re_path(
        r"^(?P<slug>[-\w]+)/members/(?P<username>[^/]+)/(?P<decision>approve|deny)/$",
        views.decide_request,
        name="decide_request",
    ),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/request/", views.request_to_join, name="request"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/decline/", views.decline_invitation, name="decline"),
]
