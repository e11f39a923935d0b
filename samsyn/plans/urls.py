from django.urls import URLPattern, path

from samsyn.plans import views

app_name = "plans"
urlpatterns: list[URLPattern] = [
    path("att-folja-upp/", views.worklist, name="worklist"),
    path("barn/<uuid:public_id>/", views.plan_detail, name="detail"),
    path("barn/<uuid:public_id>/andra/", views.plan_edit, name="edit"),
    path("<uuid:public_id>/versioner/", views.plan_versions, name="versions"),
    path("<uuid:public_id>/jamfor/", views.plan_compare, name="compare"),
    path("<uuid:public_id>/pdf/", views.plan_pdf, name="pdf"),
    path("<uuid:public_id>/vardnadshavare/", views.agreement_record, name="agreement"),
    path("<uuid:public_id>/uppfoljning/", views.follow_up_schedule, name="schedule"),
    path("uppfoljning/<uuid:public_id>/", views.follow_up_record, name="follow_up"),
]
