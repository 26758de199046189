from django.contrib import admin
from django.urls import include, path

from commonplace.accounts import views as account_views
from commonplace.api.api import api
from commonplace.communities import views as community_views

urlpatterns = [
    path("", community_views.home, name="home"),
    path("accounts/", include("commonplace.accounts.urls")),
    path("u/<str:username>/", account_views.profile, name="profile"),
    path(
        "u/<str:username>/skills/endorse/",
        community_views.skill_endorsement,
        name="skill_endorsement",
    ),
    path("notifications/", community_views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/open/",
        community_views.open_notification,
        name="open_notification",
    ),
    path("c/", include("commonplace.communities.urls")),
    path("c/", include("commonplace.discussions.urls")),
    path("c/", include("commonplace.repertoire.urls")),
    path("", include("commonplace.events.urls")),
    path("search/", include("commonplace.search.urls")),
    path("", include("commonplace.insights.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "commonplace.core.views.bad_request"
handler404 = "commonplace.core.views.not_found"
handler403 = "commonplace.core.views.forbidden"
handler500 = "commonplace.core.views.server_error"
