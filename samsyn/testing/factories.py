"""factory-boy factories with Swedish fakers and valid personnummer, and state constructors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from samsyn.accounts.models import User
from samsyn.children.identity import make_identity_number
from samsyn.children.models import (
    Child,
    Custody,
    Enrolment,
    EnrolmentKind,
    Guardian,
    Guardianship,
    ProtectedIdentity,
)
from samsyn.organisations.models import (
    UNIT_TYPE_DOMAIN,
    Agency,
    District,
    Membership,
    Municipality,
    Principal,
    PrincipalKind,
    Role,
    Unit,
    UnitType,
)

_serials = iter(range(10**9))


def _next_number(birth: dt.date) -> str:
    n = next(_serials)
    return make_identity_number(birth, n % 999 + 1) if n < 999 else _unique_number(birth, n)


def _unique_number(birth: dt.date, n: int) -> str:
    shifted = birth - dt.timedelta(days=n // 999)
    return make_identity_number(shifted, n % 999 + 1)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = "9999"
    name = "Testkommun"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("municipality", "name")

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Område {n}")


class PrincipalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principal
        django_get_or_create = ("name",)

    name = "Testkommun"
    kind = PrincipalKind.MUNICIPALITY


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("principal", "name")

    principal = factory.SubFactory(PrincipalFactory)
    name = "Utbildningsförvaltningen"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    unit_type = UnitType.SCHOOL
    secrecy_domain = factory.LazyAttribute(lambda o: UNIT_TYPE_DOMAIN[o.unit_type])
    municipality = factory.SubFactory(MunicipalityFactory)
    lowest_grade = factory.LazyAttribute(
        lambda o: (
            0
            if o.unit_type == UnitType.SCHOOL
            else (1 if o.unit_type == UnitType.UPPER_SECONDARY else None)
        )
    )
    highest_grade = factory.LazyAttribute(
        lambda o: (
            9
            if o.unit_type == UnitType.SCHOOL
            else (3 if o.unit_type == UnitType.UPPER_SECONDARY else None)
        )
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")
    password = factory.django.Password("demo-password-1")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.TEACHER
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))


def staff(role: str, unit: Unit, username: str | None = None, **kwargs: Any) -> User:
    """A user with one active membership."""
    user = UserFactory(**({"username": username} if username else {}), **kwargs)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    birth_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365 * 10))
    personnummer = factory.LazyAttribute(lambda o: _next_number(o.birth_date))
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    municipality = factory.SubFactory(MunicipalityFactory)
    street_address = factory.Faker("street_address", locale="sv_SE")
    postal_code = "12345"
    city = "Testby"

    class Params:
        protected = factory.Trait(protected_identity=ProtectedIdentity.SKYDDAD_FOLKBOKFORING)
        marked = factory.Trait(protected_identity=ProtectedIdentity.SEKRETESSMARKERING)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    personnummer = factory.LazyFunction(
        lambda: _next_number(timezone.localdate() - dt.timedelta(days=365 * 40))
    )
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    street_address = factory.Faker("street_address", locale="sv_SE")
    postal_code = "12345"
    city = "Testby"
    phone = "070-123 45 67"


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    child = factory.SubFactory(ChildFactory)
    guardian = factory.SubFactory(GuardianFactory)
    custody = Custody.JOINT


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    unit = factory.SubFactory(UnitFactory)
    kind = EnrolmentKind.SCHOOL
    grade = 4
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))


# --- The TSI core: consent and the Barnteam -----------------------------------------------------


def consent_for(
    child: Child,
    units: list[Unit],
    *,
    state: str = "in_force",
    purposes: tuple[str, ...] = ("barnteam", "plan"),
    documented_by: User | None = None,
) -> list[Any]:
    """Consents for ``child`` covering ``units``, one per purpose, in ``state``:
    ``in_force``, ``expired``, ``withdrawn``, ``pending`` (a guardian has not answered) or
    ``refused``."""
    from samsyn.consent.models import Consent, GuardianConsent, GuardianDecision, HowGiven

    today = timezone.localdate()
    now = timezone.now()
    if state == "expired":
        valid_from, valid_to = today - dt.timedelta(days=400), today - dt.timedelta(days=35)
    else:
        valid_from, valid_to = today - dt.timedelta(days=30), today + dt.timedelta(days=300)
    author = documented_by or UserFactory()
    guardianships = list(child.guardianships.select_related("guardian"))
    consents = []
    for purpose in purposes:
        consent = Consent.objects.create(
            child=child,
            purpose=purpose,
            categories=[u.secrecy_domain for u in units],
            valid_from=valid_from,
            valid_to=valid_to,
            how_given=HowGiven.WRITTEN,
            child_age=10,
            documented_by=author,
            documented_by_unit=units[0],
            complete_at=None if state in ("pending", "refused") else now,
            withdrawn_at=now if state == "withdrawn" else None,
            withdrawn_by=author if state == "withdrawn" else None,
            withdrawal_note="Vårdnadshavare återkallade per telefon"
            if state == "withdrawn"
            else "",
        )
        consent.units.set(units)
        for n, g in enumerate(guardianships):
            decision = GuardianDecision.GIVEN
            if state == "pending" and n == 0:
                decision = GuardianDecision.PENDING
            if state == "refused" and n == 0:
                decision = GuardianDecision.REFUSED
            GuardianConsent.objects.create(consent=consent, guardian=g.guardian, decision=decision)
        consents.append(consent)
    return consents


def barnteam_for(
    child: Child, convener: User, convener_unit: Unit, members: list[tuple[User, Unit]]
) -> Any:
    """A Barnteam written directly (no consent check), for policy tests."""
    from samsyn.teams.models import Barnteam, TeamMember

    team = Barnteam.objects.create(child=child, convened_by=convener)
    TeamMember.objects.create(team=team, user=convener, unit=convener_unit, is_lead=True)
    for user, unit in members:
        TeamMember.objects.create(team=team, user=user, unit=unit)
    return team
