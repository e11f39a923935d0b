"""Configuration for the system administrator: organisations, units and memberships.

Children, guardians and the access log are deliberately not registered: the administrator
configures the system and never sees a child's data.
"""

from django.contrib import admin

from samsyn.organisations.models import Agency, District, Membership, Municipality, Principal, Unit


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality")
    list_filter = ("municipality",)


@admin.register(Principal)
class PrincipalAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation_number")
    list_filter = ("kind",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "principal")
    list_filter = ("principal",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "unit_type", "secrecy_domain", "agency", "district")
    list_filter = ("unit_type", "secrecy_domain", "agency__principal")
    search_fields = ("name", "school_unit_code")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role", "valid_from", "valid_to")
    list_filter = ("role", "unit__secrecy_domain")
    search_fields = ("user__username", "user__last_name", "unit__name")
    autocomplete_fields = ("user", "unit")
