from django.urls import path

from samsyn.consent import views

app_name = "consent"
urlpatterns = [
    path("barn/<uuid:child_id>/", views.consent_list, name="list"),
    path("barn/<uuid:child_id>/ny/", views.consent_record, name="record"),
    path("<uuid:public_id>/", views.consent_detail, name="detail"),
    path("<uuid:public_id>/svar/", views.consent_answer, name="answer"),
    path("<uuid:public_id>/aterkalla/", views.consent_withdraw, name="withdraw"),
]
