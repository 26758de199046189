from django.contrib import admin

from commonplace.communities.models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    """Read-only overview for operators; charters change through the community's own pages,
    so every change is logged as an activity."""

    list_display = (
        "name",
        "slug",
        "visibility",
        "join_policy",
        "stage",
        "member_count",
        "thread_count",
    )
    list_filter = ("visibility", "stage", "recognition")
    search_fields = ("name", "slug")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
