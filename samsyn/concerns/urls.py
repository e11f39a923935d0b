from django.urls import path

from samsyn.concerns import views

app_name = "concerns"
urlpatterns = [
    path("ny/", views.concern_new, name="new"),
    path("mina/", views.mine, name="mine"),
    path("att-besvara/", views.worklist, name="worklist"),
    path("anmalan/ny/", views.report_new, name="report_new"),
    path("mottagning/", views.intake, name="intake"),
    path("anmalan/<uuid:public_id>/", views.report_detail, name="report_detail"),
    path("anmalan/<uuid:public_id>/mottagen/", views.report_receive, name="report_receive"),
    path("anmalan/<uuid:public_id>/beslut/", views.report_decide, name="report_decide"),
    path("konsultationer/", views.consultations, name="consultations"),
    path(
        "konsultationer/<uuid:public_id>/",
        views.consultation_detail,
        name="consultation_detail",
    ),
    path("<uuid:public_id>/", views.concern_detail, name="detail"),
    path("<uuid:public_id>/triage/", views.concern_triage, name="triage"),
    path("<uuid:public_id>/konsultation/", views.consultation_new, name="consultation_new"),
]
