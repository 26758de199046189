from django.contrib import admin

from commonplace.core.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The log is append-only: operators may read it, never edit it."""

    list_display = ("created_at", "actor", "verb", "community", "target_type", "target_id")
    list_filter = ("verb",)
    search_fields = ("actor__username", "community__slug")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "community")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
