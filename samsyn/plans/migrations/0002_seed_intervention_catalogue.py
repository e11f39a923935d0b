"""Seed the intervention catalogue with the interventions named in the source documents."""

from django.db import migrations

CATALOGUE = [
    (
        "abc-foraldrastod",
        "ABC föräldrastöd",
        "ABC – Alla Barn i Centrum: föräldrastöd i grupp för föräldrar med barn 3–12 år.",
        "social_services",
    ),
    (
        "skolsocialt-team",
        "Skolsocialt team",
        "Socialsekreterare och elevhälsa arbetar tillsammans på skolan med tidiga insatser.",
        "joint",
    ),
    (
        "narvaroteam",
        "Närvaroteam",
        "Stöd till elever med problematisk frånvaro och till deras skola och familj.",
        "joint",
    ),
    (
        "familjebehandling",
        "Familjebehandling",
        "Samtal och stöd till barnet och familjen från socialtjänstens familjebehandlare.",
        "social_services",
    ),
    (
        "bup-utredning",
        "BUP-utredning",
        "Utredning inom barn- och ungdomspsykiatrin.",
        "health_care",
    ),
    (
        "bup-behandling",
        "BUP-behandling",
        "Behandling inom barn- och ungdomspsykiatrin.",
        "health_care",
    ),
    (
        "mini-maria",
        "Mini-Maria",
        "Mottagning för unga (13–21 år) med riskbruk eller missbruk och deras familjer.",
        "joint",
    ),
    (
        "faltassistenter",
        "Fältassistenter (fältare)",
        "Uppsökande arbete bland unga där de finns, i samverkan med skola och polis.",
        "social_services",
    ),
    (
        "resursskola",
        "Resursskola",
        "Undervisning i liten grupp med särskilt stöd, ibland med behandling.",
        "school",
    ),
    (
        "komet",
        "KOMET",
        "Föräldrautbildning i kommunikationsmetod för föräldrar och lärare.",
        "social_services",
    ),
    (
        "connect",
        "Connect",
        "Anknytningsbaserat föräldrastöd för föräldrar till tonåringar.",
        "social_services",
    ),
    (
        "familjecentral",
        "Familjecentral",
        "Öppen förskola, BVC, MVC och socialtjänstens förebyggande verksamhet tillsammans "
        "för familjer med barn 0–5 år.",
        "joint",
    ),
    (
        "ungdomsmottagning",
        "Ungdomsmottagning",
        "Samtal och hälsovård för unga 13–23 år.",
        "health_care",
    ),
    (
        "elevhalsa-samtal",
        "Stödsamtal inom elevhälsan",
        "Samtal med kurator, skolsköterska eller skolpsykolog.",
        "student_health",
    ),
    (
        "extra-anpassningar",
        "Extra anpassningar och särskilt stöd",
        "Anpassningar i undervisningen och särskilt stöd enligt skollagen.",
        "school",
    ),
    (
        "fritidsaktivitet",
        "Meningsfull fritid",
        "Stöd att hitta och delta i en fritidsaktivitet, t.ex. på fritidsgården.",
        "leisure",
    ),
]


def seed(apps, schema_editor):
    InterventionType = apps.get_model("plans", "InterventionType")
    for code, name, description, provider in CATALOGUE:
        InterventionType.objects.update_or_create(
            code=code,
            defaults={"name": name, "description": description, "provider_kind": provider},
        )


def unseed(apps, schema_editor):
    InterventionType = apps.get_model("plans", "InterventionType")
    InterventionType.objects.filter(code__in=[c[0] for c in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
