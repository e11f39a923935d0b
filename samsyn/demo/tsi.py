"""The demo municipality's TSI work: concerns, triage, consent, Barnteams, plans and follow-ups.

Every step goes through the use cases of its slice (``concern_register``, ``consent_record``,
``barnteam_convene``, ``plan_create`` …), so the access policy decides and the access log records
each of them exactly as in real use. The history is written as if it had happened: each story is a
generator that yields the moment of its next step, and :func:`write_tsi` runs the steps of all
stories in the order of those moments with Django's clock set to them. The log therefore reads as
one municipality's months of work, in time order.

The stories centre on the demo accounts at Centrumskolan, so that each of them has something to
open: the teacher's concerns and their answers, the principal's worklist (one overdue), the whole
Backa barnet chain for one pupil (concern → triage → consent → Barnteam → SIP → follow-up), a GIP
whose follow-up is overdue, a report of concern with the intake group's feedback, a de-identified
consultation, and a withdrawn consent.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from samsyn.accounts.models import User
from samsyn.children.models import BarnkontaktAssignment, Child, Custody, Guardian, Guardianship
from samsyn.concerns.models import Concern, TriageDecision, Urgency
from samsyn.concerns.services import (
    concern_register,
    concern_triage,
    consultation_advise,
    consultation_create,
    report_decide,
    report_receive,
    report_register,
)
from samsyn.consent.models import ChildView, Consent, HowGiven, Purpose
from samsyn.consent.services import consent_record, consent_withdraw
from samsyn.organisations.models import Membership, Unit, UnitType
from samsyn.plans.models import Decision, HowAgreed, InterventionType
from samsyn.plans.services import (
    FollowUpData,
    GoalData,
    InterventionData,
    PlanData,
    agreement_record,
    follow_up_record,
    follow_up_schedule,
    plan_create,
)
from samsyn.teams.models import Invitation, InvitationStatus
from samsyn.teams.services import (
    barnteam_convene,
    invitation_respond,
    meeting_minutes_record,
    meeting_schedule,
)

# A story yields the moment of its next step; the runner sets the clock and resumes it.
Story = Generator[dt.datetime, None, None]


@dataclass
class Cast:
    """The people and places the stories need, looked up once."""

    today: dt.date
    users: dict[str, User]
    school: Unit
    student_health: Unit
    ifo: Unit
    intake: Unit
    bup: Unit
    intake_worker: User
    pupils: list[Child] = field(default_factory=list)

    def at(self, days_ago: int, hour: int = 9, minute: int = 0) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)


@contextmanager
def _clock(when: dt.datetime) -> Iterator[None]:
    """Django's clock (``timezone.now`` and so ``localdate``) stands at ``when``."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def _run(stories: list[Story]) -> None:
    queue: list[tuple[dt.datetime, int, Story]] = []
    for n, story in enumerate(stories):
        first = next(story, None)
        if first is not None:
            heapq.heappush(queue, (first, n, story))
    while queue:
        when, n, story = heapq.heappop(queue)
        with _clock(when):
            following = next(story, None)
        if following is not None:
            if following < when:
                raise ValueError("A demo story went back in time.")
            heapq.heappush(queue, (following, n, story))


def _cast(users: dict[str, User], today: dt.date) -> Cast | None:
    school = Unit.objects.filter(name="Centrumskolan").first()
    if school is None:
        return None
    intake = Unit.objects.filter(unit_type=UnitType.INTAKE).order_by("pk").first()
    intake_member = (
        Membership.objects.filter(unit=intake, valid_from__lte=today - dt.timedelta(days=400))
        .order_by("valid_from", "pk")
        .select_related("user")
        .first()
    )
    if intake is None or intake_member is None:
        return None
    cast = Cast(
        today=today,
        users=users,
        school=school,
        student_health=Unit.objects.get(parent=school, unit_type=UnitType.STUDENT_HEALTH),
        ifo=Unit.objects.get(unit_type=UnitType.SOCIAL_SERVICES, parent__isnull=True),
        intake=intake,
        bup=Unit.objects.get(unit_type=UnitType.CAMHS),
        intake_worker=intake_member.user,
    )
    cast.pupils = _pupils(cast)
    return cast


def _pupils(cast: Cast) -> list[Child]:
    """Pupils whose Barnkontakt is the principal, with two guardians sharing custody, who have
    been at the school the whole period the stories cover (a year)."""
    since = cast.today - dt.timedelta(days=365)
    principal = cast.users["rektor"]
    ids = BarnkontaktAssignment.objects.filter(
        user=principal, unit=cast.school, ended_at__isnull=True
    ).values_list("child_id", flat=True)
    candidates = (
        Child.objects.filter(
            pk__in=ids,
            protected_identity="none",
            enrolments__unit=cast.school,
            enrolments__start_date__lte=since,
            enrolments__end_date__isnull=True,
            enrolments__grade__gte=4,
        )
        .order_by("pk")
        .distinct()
    )
    chosen = []
    for child in candidates:
        if Guardianship.objects.filter(child=child, custody=Custody.JOINT).count() == 2:
            chosen.append(child)
        if len(chosen) == 8:
            break
    return chosen


def _guardians(child: Child) -> list[Guardian]:
    return [
        g.guardian
        for g in Guardianship.objects.filter(child=child, custody=Custody.JOINT)
        .select_related("guardian")
        .order_by("pk")
    ]


def _type(code: str) -> InterventionType | None:
    return InterventionType.objects.filter(code=code).first()


def _consent(
    cast: Cast,
    child: Child,
    units: list[Unit],
    *,
    purpose: str,
    days_ago: int,
    valid_days: int = 365,
    how_given: str = HowGiven.WRITTEN,
    child_view: str = ChildView.NOT_ASKED,
    child_view_note: str = "",
) -> Consent:
    """Both guardians' consent, documented by the principal, sharing the units' own domains."""
    return consent_record(
        actor=cast.users["rektor"],
        child=child,
        purpose=purpose,
        units=units,
        categories=sorted({unit.secrecy_domain for unit in units}),
        valid_from=cast.day(days_ago),
        valid_to=cast.day(days_ago) + dt.timedelta(days=valid_days),
        how_given=how_given,
        child_view=child_view,
        child_view_note=child_view_note,
        given_by=_guardians(child),
    )


# --- The stories ---------------------------------------------------------------------------


def _backa_barnet(cast: Cast, child: Child) -> Story:
    """The whole chain: the teacher's concern to a SIP that is followed up."""
    u = cast.users
    yield cast.at(150, 14, 20)
    concern = concern_register(
        actor=u["larare"],
        child=child,
        observed=(
            "Har varit tyst och trött i flera veckor, äter inte lunch och har svårt att komma "
            "igång med skolarbetet. Säger att det är bråkigt hemma."
        ),
        indicators=["achieving", "nurtured", "healthy"],
    )
    yield cast.at(148, 10)
    concern_triage(
        actor=u["rektor"],
        concern=concern,
        in_the_way="Oro för hemsituationen och för att eleven halkar efter i flera ämnen.",
        information="Nej — behöver höra vårdnadshavarna, skolsköterskan och eleven själv.",
        i_can_do="Samtal med eleven och vårdnadshavarna denna vecka.",
        agency_can_do="Elevhälsan: hälsosamtal, anpassningar i undervisningen.",
        help_needed="Socialtjänsten och BUP behöver vara med; samla ett barnteam.",
        decision=TriageDecision.BARNTEAM,
    )
    yield cast.at(145, 15)
    for purpose in (Purpose.BARNTEAM, Purpose.PLAN):
        _consent(
            cast,
            child,
            [cast.school, cast.student_health, cast.ifo, cast.bup],
            purpose=purpose,
            days_ago=145,
            child_view=ChildView.AGREES,
            child_view_note="Eleven vill att skolan och BUP pratar med varandra.",
        )
    yield cast.at(144, 9)
    team = barnteam_convene(
        actor=u["rektor"],
        child=child,
        members=[
            (u["skolskoterska"], cast.student_health),
            (u["socialsekreterare"], cast.ifo),
            (u["bup"], cast.bup),
        ],
        lead=u["skolskoterska"],
        with_child=True,
    )
    meeting = meeting_schedule(
        actor=u["rektor"],
        team=team,
        starts_at=cast.at(137, 13),
        ends_at=cast.at(137, 14, 30),
        location="Centrumskolan, elevhälsans rum",
        agenda="1. Barnets och vårdnadshavarnas bild\n2. Behov\n3. Vem gör vad\n4. Plan",
    )
    yield cast.at(143, 8, 30)
    for username in ("skolskoterska", "socialsekreterare", "bup"):
        own = Invitation.objects.get(meeting=meeting, member__user=u[username])
        invitation_respond(actor=u[username], invitation=own, status=InvitationStatus.ACCEPTED)
    for family in Invitation.objects.filter(meeting=meeting, participant__isnull=False):
        invitation_respond(
            actor=u["skolskoterska"], invitation=family, status=InvitationStatus.ACCEPTED
        )
    yield cast.at(137, 15)
    meeting_minutes_record(
        actor=u["skolskoterska"],
        meeting=meeting,
        minutes=(
            "Eleven och båda vårdnadshavarna deltog. Alla beskrev sin bild. Eleven vill ha lugnare "
            "raster och någon att prata med. Vårdnadshavarna önskar stöd i föräldraskapet."
        ),
        decisions=(
            "Skolsköterskan är stödsamordnare. BUP gör en bedömning. Socialtjänsten erbjuder "
            "föräldrastöd. En SIP upprättas."
        ),
    )
    yield cast.at(136, 10)
    plan = plan_create(
        actor=u["rektor"],
        child=child,
        data=PlanData(
            sections={
                "reason": "Oro från skolan för hemsituationen, måendet och skolresultaten.",
                "child_view": "Jag vill att det ska bli lugnare i skolan och hemma.",
                "guardians_view": "Vi vill ha hjälp att stötta vårt barn och varandra.",
                "growth": "Trött och nedstämd; halkar efter i matematik och svenska.",
                "care": "Behöver förutsägbarhet och vuxna som ser hen.",
                "wider_world": "Har en god vän i klassen; ingen fritidsaktivitet just nu.",
                "resilience": "Nyfiken, tycker om att rita, god relation till mentorn.",
                "expected_outcomes": "Eleven mår bättre och kommer ikapp i skolarbetet.",
                "risk_assessment": "Ingen akut risk bedömd; följs upp vid varje möte.",
                "evaluation": "Uppföljning i barnteamet efter tre månader.",
            },
            wellbeing={
                "safe": 3,
                "healthy": 2,
                "achieving": 2,
                "nurtured": 2,
                "active": 3,
                "respected": 3,
                "responsible": 4,
                "included": 3,
            },
            goals=[
                GoalData("healthy", "Eleven sover bättre och äter lunch varje skoldag."),
                GoalData("achieving", "Eleven når målen i matematik vid terminens slut."),
            ],
            interventions=[
                InterventionData(
                    unit=cast.bup,
                    start_date=cast.day(130),
                    intervention_type=_type("bup-utredning"),
                    responsible="Erik Sjöberg, psykolog",
                ),
                InterventionData(
                    unit=cast.ifo,
                    start_date=cast.day(120),
                    intervention_type=_type("abc-foraldrastod"),
                    responsible="Anders Bergström, socialsekreterare",
                ),
                InterventionData(
                    unit=cast.school,
                    start_date=cast.day(135),
                    title="Anpassningar och extra stöd i matematik",
                    responsible="Johan Ekström, mentor",
                ),
            ],
        ),
    )
    for guardian in _guardians(child):
        agreement_record(
            actor=u["rektor"],
            plan=plan,
            guardian=guardian,
            agrees=True,
            on_date=cast.day(136),
            how=HowAgreed.MEETING,
        )
    follow_up = follow_up_schedule(actor=u["skolskoterska"], plan=plan, due_date=cast.day(45))
    yield cast.at(45, 13)
    goals = list(plan.goals.order_by("position"))
    follow_up_record(
        actor=u["skolskoterska"],
        follow_up=follow_up,
        data=FollowUpData(
            ratings={goals[0].pk: 4, goals[1].pk: 3},
            wellbeing={"healthy": 3, "achieving": 3, "nurtured": 3},
            decision=Decision.CONTINUE,
            notes="Sover bättre. BUP:s bedömning klar; föräldrastödet har börjat.",
            next_date=cast.day(-12),
        ),
    )
    yield cast.at(3, 11)
    meeting_schedule(
        actor=u["skolskoterska"],
        team=team,
        starts_at=cast.at(-8, 13),
        ends_at=cast.at(-8, 14),
        location="Centrumskolan, elevhälsans rum",
        agenda="Uppföljning av planen",
    )


def _gip_overdue(cast: Cast, child: Child) -> Story:
    """School and social services only (a GIP); its follow-up is overdue."""
    u = cast.users
    yield cast.at(110, 11)
    concern = concern_register(
        actor=u["kurator"],
        child=child,
        observed="Har berättat om mycket konflikter hemma och om att inte vilja gå hem.",
        indicators=["safe", "nurtured"],
        urgency=Urgency.URGENT,
    )
    yield cast.at(109, 9)
    concern_triage(
        actor=u["rektor"],
        concern=concern,
        in_the_way="Otrygg hemsituation.",
        information="Delvis — vårdnadshavarna behöver höras.",
        i_can_do="Samtal med vårdnadshavarna.",
        agency_can_do="Kuratorskontakt varje vecka.",
        help_needed="Socialtjänstens familjestöd.",
        decision=TriageDecision.BARNTEAM,
    )
    yield cast.at(105, 14)
    for purpose in (Purpose.BARNTEAM, Purpose.PLAN):
        _consent(
            cast,
            child,
            [cast.school, cast.student_health, cast.ifo],
            purpose=purpose,
            days_ago=105,
            how_given=HowGiven.ORAL,
            child_view=ChildView.MIXED,
            child_view_note="Vill ha hjälp men inte att alla i skolan vet.",
        )
    yield cast.at(104, 10)
    barnteam_convene(
        actor=u["rektor"],
        child=child,
        members=[(u["kurator"], cast.student_health), (u["socialsekreterare"], cast.ifo)],
        lead=u["kurator"],
    )
    yield cast.at(90, 10)
    plan = plan_create(
        actor=u["rektor"],
        child=child,
        data=PlanData(
            sections={
                "reason": "Otrygg hemsituation som påverkar skolgången.",
                "guardians_view": "Vill ha stöd i att minska konflikterna hemma.",
                "evaluation": "Uppföljning efter två månader.",
            },
            wellbeing={"safe": 2, "nurtured": 2, "included": 3},
            goals=[GoalData("safe", "Eleven känner sig trygg hemma och i skolan.")],
            interventions=[
                InterventionData(
                    unit=cast.ifo,
                    start_date=cast.day(85),
                    intervention_type=_type("familjebehandling"),
                    responsible="Anders Bergström",
                ),
                InterventionData(
                    unit=cast.student_health,
                    start_date=cast.day(88),
                    title="Kuratorssamtal varje vecka",
                    responsible="Sara Nyström, kurator",
                ),
            ],
        ),
    )
    follow_up_schedule(actor=u["kurator"], plan=plan, due_date=cast.day(6))


def _open_concerns(cast: Cast, overdue: Child, fresh: Child) -> Story:
    """One unanswered concern past its deadline, and an urgent one from today."""
    u = cast.users
    yield cast.at(16, 13)
    concern_register(
        actor=u["larare"],
        child=overdue,
        observed="Kommer ofta för sent och har missat flera prov den senaste månaden.",
        indicators=["achieving", "responsible"],
    )
    yield cast.at(0, 8, 5)
    concern_register(
        actor=u["skolskoterska"],
        child=fresh,
        observed="Har blåmärken på armarna som eleven inte vill förklara.",
        indicators=["safe", "healthy"],
        urgency=Urgency.URGENT,
    )


def _answered(cast: Cast, child: Child) -> Story:
    """A leisure leader's concern, answered with support within the school."""
    u = cast.users
    yield cast.at(40, 19, 30)
    concern = concern_register(
        actor=u["fritid"],
        child=child,
        observed="Har slutat komma till fritidsgården och verkar ensam på rasterna enligt vänner.",
        indicators=["included", "active"],
    )
    yield cast.at(38, 9)
    concern_triage(
        actor=u["rektor"],
        concern=concern,
        in_the_way="Ensamhet och lite kontakt med jämnåriga.",
        information="Ja, efter samtal med mentorn och eleven.",
        i_can_do="Rastaktiviteter och en fadder i klassen.",
        agency_can_do="Kuratorn träffar eleven några gånger.",
        help_needed="Inte nu.",
        decision=TriageDecision.OWN_AGENCY,
    )


def _report(cast: Cast, child: Child) -> Story:
    """A report of concern: intake receives it, opens an investigation, tells the reporter."""
    u = cast.users
    yield cast.at(60, 11)
    report = report_register(
        actor=u["kurator"],
        child=child,
        description=(
            "Eleven berättar att en vuxen i hemmet slår. Anmäler enligt 14 kap. 1 § SoL; "
            "vårdnadshavarna är inte informerade."
        ),
    )
    yield cast.at(60, 14)
    report_receive(actor=cast.intake_worker, report=report)
    yield cast.at(53, 10)
    report_decide(
        actor=cast.intake_worker,
        report=report,
        investigation_opened=True,
        feedback="Utredning har inletts. Tack för anmälan.",
    )


def _consultation(cast: Cast, child: Child) -> Story:
    """A concern taken, de-identified, to the student health team's consultation."""
    u = cast.users
    yield cast.at(30, 10)
    concern = concern_register(
        actor=u["larare"],
        child=child,
        observed="Säger ofta att hen har ont i magen och går hem tidigt på onsdagar.",
        indicators=["healthy", "achieving"],
    )
    yield cast.at(27, 9)
    concern_triage(
        actor=u["rektor"],
        concern=concern,
        in_the_way="Oklart — kan vara oro inför vissa lektioner.",
        information="Nej, vill rådgöra först.",
        i_can_do="Samtal med mentorn.",
        agency_can_do="Skolsköterskan kan träffa eleven.",
        help_needed="Råd från elevhälsans samverkansmöte.",
        decision=TriageDecision.CONSULTATION,
    )
    consultation = consultation_create(
        actor=u["rektor"],
        concern=concern,
        group_unit=cast.student_health,
        text=(
            f"{child.first_name} har ont i magen och går hem tidigt på onsdagar. "
            "Mentorn har märkt att det sammanfaller med idrotten."
        ),
    )
    yield cast.at(22, 15)
    consultation_advise(
        actor=u["skolskoterska"],
        consultation=consultation,
        advice="Erbjud hälsosamtal hos skolsköterskan och prata med idrottsläraren om upplägget.",
    )


def _withdrawn(cast: Cast, child: Child) -> Story:
    """A consent that the guardians later withdrew."""
    u = cast.users
    yield cast.at(200, 10)
    consent = _consent(
        cast,
        child,
        [cast.school, cast.student_health, cast.bup],
        purpose=Purpose.BARNTEAM,
        days_ago=200,
        valid_days=300,
    )
    yield cast.at(90, 16)
    consent_withdraw(
        actor=u["rektor"],
        consent=consent,
        note="Vårdnadshavarna återkallade samtycket per telefon; vill vänta med BUP.",
    )


def write_tsi(*, users: dict[str, User], today: dt.date) -> dict[str, int]:
    """Write the stories for the demo accounts. Returns what was made, by kind."""
    cast = _cast(users, today)
    if cast is None or len(cast.pupils) < 7:
        return {}
    p = cast.pupils
    _run(
        [
            _backa_barnet(cast, p[0]),
            _gip_overdue(cast, p[1]),
            _open_concerns(cast, p[2], p[3]),
            _answered(cast, p[4]),
            _report(cast, p[5]),
            _consultation(cast, p[6]),
            _withdrawn(cast, p[7] if len(p) > 7 else p[4]),
        ]
    )
    return {"concerns": Concern.objects.count()}
