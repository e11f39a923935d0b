"""The system administrator configures, but cannot raise their own rights."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from samsyn.accounts.models import User
from samsyn.organisations.models import Role
from samsyn.testing.factories import UnitFactory, staff


@pytest.mark.django_db
def test_user_admin__staff_admin_without_superuser__cannot_grant_superuser(client):
    admin_user = staff(Role.SYSTEM_ADMIN, UnitFactory(), username="sysadmin")
    admin_user.is_staff = True
    admin_user.save()
    admin_user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{admin_user.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    client.post(
        f"/admin/accounts/user/{admin_user.pk}/change/",
        {
            "username": "sysadmin",
            "is_superuser": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert not User.objects.get(pk=admin_user.pk).is_superuser


@pytest.mark.django_db
def test_admin__children_and_access_log__not_registered(admin_client):
    assert admin_client.get("/admin/children/child/").status_code == 404
    assert admin_client.get("/admin/audit/accesslogentry/").status_code == 404
