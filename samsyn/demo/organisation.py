"""The demo municipality's organisation: districts, principals, agencies, units and staff posts.

*Dalby kommun* (kommunkod 9901, a code no Swedish municipality has) with five districts, served by
*Region Västland*, an independent school (*friskola*) and the Police Authority. The units are the
ones the source documents name: schools with their student health teams (*elevhälsan*), a central
attendance team (*närvaroteamet*), the school-social team (*skolsocialt team*), IFO with its intake
group (*mottagningen*) and the SSPF coordinator, field workers, leisure centres (*fritidsgårdar*),
KAA, a family centre with BVC and MVC, a primary care clinic, a youth clinic, BUP and the local
police area. Everything is fictitious.

This module only *describes* the organisation; :mod:`samsyn.demo.services` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from samsyn.organisations.models import PrincipalKind, Role, UnitType

MUNICIPALITY_CODE = "9901"
MUNICIPALITY_NAME = "Dalby kommun"


@dataclass(frozen=True)
class DistrictSpec:
    name: str
    city: str
    postal_codes: tuple[str, ...]
    share: float  # of the municipality's families


DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec("Centrum", "Dalby", ("995 30", "995 31", "995 32"), 0.30),
    DistrictSpec("Ekbacken", "Dalby", ("995 34", "995 35"), 0.20),
    DistrictSpec("Norrby", "Dalby", ("995 37", "995 38"), 0.20),
    DistrictSpec("Lövsta", "Lövsta", ("995 41",), 0.15),
    DistrictSpec("Sjövik", "Sjövik", ("995 44",), 0.15),
)


@dataclass(frozen=True)
class PrincipalSpec:
    key: str
    name: str
    kind: str


PRINCIPALS: tuple[PrincipalSpec, ...] = (
    PrincipalSpec("kommun", MUNICIPALITY_NAME, PrincipalKind.MUNICIPALITY),
    PrincipalSpec("region", "Region Västland", PrincipalKind.REGION),
    PrincipalSpec("friskola", "Ekbackens Friskola AB", PrincipalKind.PRIVATE),
    PrincipalSpec("polisen", "Polismyndigheten", PrincipalKind.STATE),
)

# (key, principal key, name)
AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("utbildning", "kommun", "Utbildningsförvaltningen"),
    ("social", "kommun", "Socialförvaltningen"),
    ("fritid", "kommun", "Kultur- och fritidsförvaltningen"),
    ("kommunledning", "kommun", "Kommunledningsförvaltningen"),
    ("primarvard", "region", "Primärvården Västland"),
    ("bup", "region", "Barn- och ungdomspsykiatrin Västland"),
    ("friskola", "friskola", "Ekbackens friskola"),
    ("polis", "polisen", "Polisområde Västland"),
)


@dataclass(frozen=True)
class UnitSpec:
    key: str
    agency: str
    name: str
    unit_type: str
    district: str
    parent: str | None = None
    school_unit_code: str = ""

    @property
    def grades(self) -> tuple[int | None, int | None]:
        if self.unit_type == UnitType.SCHOOL:
            return 0, 9
        if self.unit_type == UnitType.UPPER_SECONDARY:
            return 1, 3
        return None, None


# F–9 schools, in the order of their districts; the first is the demo principal's school.
SCHOOLS: dict[str, str] = {
    "Centrum": "centrumskolan",
    "Ekbacken": "centrumskolan",
    "Norrby": "norrbyskolan",
    "Lövsta": "lovstaskolan",
    "Sjövik": "sjoviksskolan",
}
FRISKOLA = "ekbackens_friskola"
# Share of each district's pupils who choose the independent school.
FRISKOLA_SHARE: dict[str, float] = {
    "Centrum": 0.15,
    "Ekbacken": 0.35,
    "Norrby": 0.08,
    "Lövsta": 0.08,
    "Sjövik": 0.05,
}
PRESCHOOLS: dict[str, str] = {
    "Centrum": "forskolan_solrosen",
    "Ekbacken": "forskolan_ekorren",
    "Norrby": "forskolan_larkan",
    "Lövsta": "forskolan_tallbacken",
    "Sjövik": "forskolan_sjostjarnan",
}
UPPER_SECONDARY = "dalby_gymnasium"
KAA = "kaa"
BVC = "bvc"
IFO = "ifo"
INTAKE = "mottagningen"
SCHOOL_SOCIAL_TEAM = "skolsocialt_team"
BUP = "bup"
PRIMARY_CARE = "vardcentralen"
YOUTH_CLINIC = "ungdomsmottagningen"
LEISURE_CENTRES = ("fritidsgarden_navet", "fritidsgarden_sjoglimten")


def _school(key: str, agency: str, name: str, district: str, code: str) -> list[UnitSpec]:
    return [
        UnitSpec(key, agency, name, UnitType.SCHOOL, district, school_unit_code=code),
        UnitSpec(
            f"eht_{key}", agency, f"Elevhälsan {name}", UnitType.STUDENT_HEALTH, district, key
        ),
    ]


UNITS: tuple[UnitSpec, ...] = (
    *_school("centrumskolan", "utbildning", "Centrumskolan", "Centrum", "99010101"),
    *_school("norrbyskolan", "utbildning", "Norrbyskolan", "Norrby", "99010102"),
    *_school("lovstaskolan", "utbildning", "Lövstaskolan", "Lövsta", "99010103"),
    *_school("sjoviksskolan", "utbildning", "Sjöviksskolan", "Sjövik", "99010104"),
    *_school(FRISKOLA, "friskola", "Ekbackens friskola", "Ekbacken", "99010201"),
    UnitSpec(
        UPPER_SECONDARY,
        "utbildning",
        "Dalby gymnasium",
        UnitType.UPPER_SECONDARY,
        "Centrum",
        school_unit_code="99010301",
    ),
    UnitSpec(
        "eht_dalby_gymnasium",
        "utbildning",
        "Elevhälsan Dalby gymnasium",
        UnitType.STUDENT_HEALTH,
        "Centrum",
        UPPER_SECONDARY,
    ),
    UnitSpec(
        "forskolan_solrosen", "utbildning", "Förskolan Solrosen", UnitType.PRESCHOOL, "Centrum"
    ),
    UnitSpec(
        "forskolan_ekorren", "utbildning", "Förskolan Ekorren", UnitType.PRESCHOOL, "Ekbacken"
    ),
    UnitSpec("forskolan_larkan", "utbildning", "Förskolan Lärkan", UnitType.PRESCHOOL, "Norrby"),
    UnitSpec(
        "forskolan_tallbacken", "utbildning", "Förskolan Tallbacken", UnitType.PRESCHOOL, "Lövsta"
    ),
    UnitSpec(
        "forskolan_sjostjarnan", "utbildning", "Förskolan Sjöstjärnan", UnitType.PRESCHOOL, "Sjövik"
    ),
    UnitSpec(
        "narvaroteamet",
        "utbildning",
        "Centrala elevhälsan – Närvaroteamet",
        UnitType.STUDENT_HEALTH,
        "Centrum",
    ),
    UnitSpec(
        KAA,
        "utbildning",
        "KAA – kommunala aktivitetsansvaret",
        UnitType.ACTIVITY_RESPONSIBILITY,
        "Centrum",
    ),
    UnitSpec(IFO, "social", "IFO Barn och unga", UnitType.SOCIAL_SERVICES, "Centrum"),
    UnitSpec(INTAKE, "social", "IFO Mottagningen barn och unga", UnitType.INTAKE, "Centrum", IFO),
    UnitSpec(
        SCHOOL_SOCIAL_TEAM, "social", "Skolsocialt team", UnitType.SOCIAL_SERVICES, "Centrum", IFO
    ),
    UnitSpec(
        "faltgruppen", "social", "Fältassistenterna", UnitType.SOCIAL_SERVICES, "Centrum", IFO
    ),
    UnitSpec(
        "fritidsgarden_navet", "fritid", "Fritidsgården Navet", UnitType.LEISURE_CENTRE, "Centrum"
    ),
    UnitSpec(
        "fritidsgarden_sjoglimten",
        "fritid",
        "Fritidsgården Sjöglimten",
        UnitType.LEISURE_CENTRE,
        "Sjövik",
    ),
    UnitSpec(
        "analys", "kommunledning", "Analys och digitalisering", UnitType.ADMINISTRATION, "Centrum"
    ),
    UnitSpec(BVC, "primarvard", "BVC Familjecentralen Dalby", UnitType.BVC, "Centrum"),
    UnitSpec(
        "mvc",
        "primarvard",
        "Barnmorskemottagningen Familjecentralen Dalby",
        UnitType.MATERNITY,
        "Centrum",
    ),
    UnitSpec(PRIMARY_CARE, "primarvard", "Vårdcentralen Dalby", UnitType.PRIMARY_CARE, "Centrum"),
    UnitSpec(
        YOUTH_CLINIC, "primarvard", "Ungdomsmottagningen Dalby", UnitType.PRIMARY_CARE, "Centrum"
    ),
    UnitSpec(BUP, "bup", "BUP Dalby", UnitType.CAMHS, "Centrum"),
    UnitSpec("polis", "polis", "Lokalpolisområde Dalby", UnitType.POLICE_AREA, "Centrum"),
)


@dataclass(frozen=True)
class DemoAccountSpec:
    """A demo account: a fixed username and name, first in its post so it is the contact."""

    username: str
    first_name: str
    last_name: str
    title: str
    unit: str
    role: str
    years_in_post: int
    is_staff: bool = False


DEMO_ACCOUNTS: tuple[DemoAccountSpec, ...] = (
    DemoAccountSpec("rektor", "Maria", "Lindqvist", "Rektor", "centrumskolan", Role.PRINCIPAL, 7),
    DemoAccountSpec(
        "forskolechef",
        "Karin",
        "Holmberg",
        "Rektor för förskolan",
        "forskolan_solrosen",
        Role.PRINCIPAL,
        9,
    ),
    DemoAccountSpec(
        "larare", "Johan", "Ekström", "Lärare årskurs 4–6", "centrumskolan", Role.TEACHER, 5
    ),
    DemoAccountSpec(
        "skolskoterska",
        "Eva",
        "Sandberg",
        "Skolsköterska",
        "eht_centrumskolan",
        Role.SCHOOL_NURSE,
        11,
    ),
    DemoAccountSpec(
        "kurator", "Sara", "Nyström", "Skolkurator", "eht_centrumskolan", Role.COUNSELLOR, 4
    ),
    DemoAccountSpec(
        "socialsekreterare",
        "Anders",
        "Bergström",
        "Socialsekreterare, barn och unga",
        IFO,
        Role.SOCIAL_WORKER,
        6,
    ),
    DemoAccountSpec("bvc", "Lena", "Håkansson", "Distriktssköterska, BVC", BVC, Role.BVC_NURSE, 12),
    DemoAccountSpec("bup", "Erik", "Sjöberg", "Psykolog", BUP, Role.CLINICIAN, 8),
    DemoAccountSpec(
        "vardcentral", "Helena", "Forsberg", "Distriktsläkare", PRIMARY_CARE, Role.CLINICIAN, 10
    ),
    DemoAccountSpec("polis", "Mikael", "Dahl", "Kommunpolis", "polis", Role.POLICE_OFFICER, 6),
    DemoAccountSpec(
        "fritid", "Ahmed", "Hassan", "Fritidsledare", "fritidsgarden_navet", Role.LEISURE_LEADER, 5
    ),
    DemoAccountSpec(
        "analytiker", "Sofia", "Lund", "Verksamhetsanalytiker", "analys", Role.ANALYST, 3
    ),
    DemoAccountSpec(
        "admin",
        "Peter",
        "Wallin",
        "Systemförvaltare",
        "analys",
        Role.SYSTEM_ADMIN,
        4,
        is_staff=True,
    ),
    DemoAccountSpec(
        "granskare",
        "Annika",
        "Strand",
        "Dataskyddssamordnare, loggranskare",
        "analys",
        Role.LOG_REVIEWER,
        5,
    ),
)
DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS)

# The Django admin is for configuration only: the system administrator's group may change the
# organisation (units, memberships …) and look up users, and nothing else. Children are not
# registered in the admin at all.
ADMIN_GROUP = "Systemförvaltare"
ADMIN_PERMISSIONS: tuple[tuple[str, str | None], ...] = (
    ("organisations", None),  # every permission of the app
    ("accounts", "view_user"),
)


@dataclass(frozen=True)
class PostSpec:
    """``count`` generated staff with ``role`` and ``title`` at ``unit`` (besides demo accounts)."""

    unit: str
    role: str
    title: str
    count: int = 1
    # A deputy or a newer colleague: in post for a shorter time than the unit's first holder of
    # the role, so the senior one stays the unit's contact.
    junior: bool = False


def _school_posts(key: str, *, principal: bool = True) -> list[PostSpec]:
    posts = [
        PostSpec(key, Role.TEACHER, "Lärare", 8),
        PostSpec(key, Role.SPECIAL_EDUCATOR, "Specialpedagog"),
        PostSpec(f"eht_{key}", Role.SCHOOL_NURSE, "Skolsköterska"),
        PostSpec(f"eht_{key}", Role.COUNSELLOR, "Skolkurator"),
        PostSpec(f"eht_{key}", Role.PSYCHOLOGIST, "Skolpsykolog"),
    ]
    return [PostSpec(key, Role.PRINCIPAL, "Rektor"), *posts] if principal else posts


# Posts are filled in this order after the demo accounts. A unit's Barnkontakt is the holder of
# the role who has been in post longest (samsyn.children.barnkontakt.unit_contact), so deputies
# are junior and the demo principal stays the contact of the school's pupils.
POSTS: tuple[PostSpec, ...] = (
    *[
        p
        for p in _school_posts("centrumskolan", principal=False)
        if p.role not in (Role.SCHOOL_NURSE, Role.COUNSELLOR)
    ],
    PostSpec("centrumskolan", Role.PRINCIPAL, "Biträdande rektor, årskurs 7–9", junior=True),
    *_school_posts("norrbyskolan"),
    *_school_posts("lovstaskolan"),
    *_school_posts("sjoviksskolan"),
    *_school_posts(FRISKOLA),
    PostSpec(UPPER_SECONDARY, Role.PRINCIPAL, "Rektor"),
    PostSpec(UPPER_SECONDARY, Role.PRINCIPAL, "Biträdande rektor", junior=True),
    PostSpec(UPPER_SECONDARY, Role.TEACHER, "Gymnasielärare", 6),
    PostSpec(UPPER_SECONDARY, Role.SPECIAL_EDUCATOR, "Specialpedagog"),
    PostSpec("eht_dalby_gymnasium", Role.SCHOOL_NURSE, "Skolsköterska"),
    PostSpec("eht_dalby_gymnasium", Role.COUNSELLOR, "Skolkurator"),
    PostSpec("eht_dalby_gymnasium", Role.PSYCHOLOGIST, "Skolpsykolog"),
    PostSpec("forskolan_solrosen", Role.PRESCHOOL_TEACHER, "Förskollärare", 4),
    *[
        post
        for key in PRESCHOOLS.values()
        if key != "forskolan_solrosen"
        for post in (
            PostSpec(key, Role.PRINCIPAL, "Rektor för förskolan"),
            PostSpec(key, Role.PRESCHOOL_TEACHER, "Förskollärare", 4),
        )
    ],
    PostSpec("narvaroteamet", Role.SPECIAL_EDUCATOR, "Specialpedagog, närvaroteamet"),
    PostSpec("narvaroteamet", Role.COUNSELLOR, "Skolkurator, närvaroteamet"),
    PostSpec("narvaroteamet", Role.PSYCHOLOGIST, "Psykolog, närvaroteamet"),
    PostSpec(KAA, Role.ACTIVITY_COORDINATOR, "KAA-samordnare"),
    PostSpec(KAA, Role.ACTIVITY_COORDINATOR, "Ungdomscoach", junior=True),
    PostSpec(IFO, Role.UNIT_MANAGER, "Enhetschef, barn och unga"),
    PostSpec(IFO, Role.SOCIAL_WORKER, "Socialsekreterare", 5),
    PostSpec(IFO, Role.SSPF_COORDINATOR, "SSPF-samordnare"),
    PostSpec(INTAKE, Role.SOCIAL_WORKER, "Socialsekreterare, mottagningen", 3),
    PostSpec(SCHOOL_SOCIAL_TEAM, Role.SOCIAL_WORKER, "Skolsocionom", 2),
    PostSpec("faltgruppen", Role.SOCIAL_WORKER, "Fältassistent", 2),
    PostSpec("fritidsgarden_navet", Role.UNIT_MANAGER, "Föreståndare"),
    PostSpec("fritidsgarden_navet", Role.LEISURE_LEADER, "Fritidsledare", 3),
    PostSpec("fritidsgarden_sjoglimten", Role.LEISURE_LEADER, "Fritidsledare", 2),
    PostSpec("analys", Role.ANALYST, "Statistiker"),
    PostSpec(BVC, Role.BVC_NURSE, "BVC-sjuksköterska", 4),
    PostSpec(BVC, Role.UNIT_MANAGER, "Vårdenhetschef"),
    PostSpec("mvc", Role.MIDWIFE, "Barnmorska", 2),
    PostSpec(PRIMARY_CARE, Role.CLINICIAN, "Distriktsläkare"),
    PostSpec(PRIMARY_CARE, Role.CLINICIAN, "Psykolog, unga vuxna (UPH)"),
    PostSpec(PRIMARY_CARE, Role.CLINICIAN, "Distriktssköterska"),
    PostSpec(PRIMARY_CARE, Role.UNIT_MANAGER, "Verksamhetschef"),
    PostSpec(YOUTH_CLINIC, Role.CLINICIAN, "Barnmorska, ungdomsmottagningen"),
    PostSpec(YOUTH_CLINIC, Role.CLINICIAN, "Kurator, ungdomsmottagningen"),
    PostSpec(BUP, Role.UNIT_MANAGER, "Verksamhetschef"),
    PostSpec(BUP, Role.CLINICIAN, "Överläkare"),
    PostSpec(BUP, Role.CLINICIAN, "Psykolog"),
    PostSpec(BUP, Role.CLINICIAN, "Sjuksköterska"),
    PostSpec(BUP, Role.CLINICIAN, "Kurator"),
    PostSpec("polis", Role.POLICE_OFFICER, "Polisinspektör"),
    PostSpec("polis", Role.POLICE_OFFICER, "Polisassistent, ungdomsgruppen", 2),
)
