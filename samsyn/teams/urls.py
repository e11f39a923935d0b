from django.urls import path

from samsyn.teams import views

app_name = "teams"
urlpatterns = [
    path("mina-moten/", views.my_meetings, name="my_meetings"),
    path("barn/<uuid:child_id>/sammankalla/", views.convene, name="convene"),
    path("<uuid:public_id>/", views.team_detail, name="detail"),
    path("<uuid:public_id>/medlem/", views.member_add, name="member_add"),
    path("<uuid:public_id>/medlem/<int:member_id>/lamna/", views.member_leave, name="member_leave"),
    path("<uuid:public_id>/stodsamordnare/", views.lead_set, name="lead_set"),
    path("<uuid:public_id>/mote/", views.meeting_schedule, name="meeting_schedule"),
    path("mote/<uuid:public_id>/", views.meeting_detail, name="meeting"),
    path("mote/<uuid:public_id>/protokoll/", views.meeting_minutes, name="meeting_minutes"),
    path("mote/<uuid:public_id>/svar/", views.invitation_respond, name="respond"),
    path("mote/<uuid:public_id>/kalender.ics", views.meeting_calendar, name="meeting_ics"),
]
