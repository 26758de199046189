from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from commonplace.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Operators manage accounts (activation, staff); everything else goes through actions."""

    list_display = ("username", "display_name", "email", "org_unit", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            "Profile",
            {"fields": ("display_name", "bio", "org_unit", "location", "skills", "interests")},
        ),
    )
