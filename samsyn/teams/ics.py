"""The iCalendar (.ics) invitation of a Barnteam meeting.

A calendar is not a secure place: the file names neither the child nor their personnummer, only
"Barnteam", the time, the place and a link to the meeting page (behind sign-in).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from samsyn.teams.models import Meeting, TeamMember


def meeting_uid(meeting: Meeting) -> str:
    return f"barnteam-meeting-{meeting.public_id}@samsyn"


def meeting_ics(*, meeting: Meeting, members: list[TeamMember], base_url: str = "") -> bytes:
    """``members``: the professional members invited (those with an e-mail are attendees)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Samsyn//Barnteam//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.created_at.astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", "Barnteam")
    event.add("location", meeting.location)
    link = base_url + reverse("teams:meeting", args=[meeting.public_id])
    event.add("description", f"Mötet i Samsyn: {link}")
    event.add("url", link)
    convener = meeting.team.convened_by
    if convener.email:
        organizer = vCalAddress(f"mailto:{convener.email}")
        organizer.params["cn"] = vText(str(convener))
        event["organizer"] = organizer
    for member in members:
        if not member.user.email:
            continue
        attendee = vCalAddress(f"mailto:{member.user.email}")
        attendee.params["cn"] = vText(str(member.user))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical()
