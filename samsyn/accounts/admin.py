from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from samsyn.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Samsyn", {"fields": ("title", "phone")}))  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "title", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "created_at", "last_used_at")
    search_fields = ("user__username", "name")
