"""Shared helpers of the concerns tests."""

from __future__ import annotations

from django.test import Client

from samsyn.accounts.models import User
from samsyn.children.models import Child
from samsyn.concerns import services
from samsyn.concerns.models import Concern, Indicator, ReportOfConcern
from samsyn.testing.world import World


def client_for(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def concern_by(world: World, username: str = "larare", child: str = "pupil") -> Concern:
    user: User = world.users[username]
    return services.concern_register(
        actor=user,
        child=world.children[child],
        observed="Kommer ofta trött och hungrig till skolan.",
        indicators=[Indicator.HEALTHY, Indicator.NURTURED],
    )


def report_by(world: World, username: str = "larare", child: str = "pupil") -> ReportOfConcern:
    target: Child = world.children[child]
    return services.report_register(
        actor=world.users[username], child=target, description="Blåmärken på armarna."
    )
