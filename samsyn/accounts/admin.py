from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from samsyn.accounts.models import ApiToken, User

# Only a superuser may hand out superuser status, groups or single permissions: a system
# administrator with rights on users must not be able to raise their own rights.
_PRIVILEGE_FIELDS = ("is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Samsyn", {"fields": ("title", "phone")}))  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "title", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += (*_PRIVILEGE_FIELDS, "is_staff")
        return readonly


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "created_at", "last_used_at")
    search_fields = ("user__username", "name")
