from django.urls import path

from samsyn.attendance import views

app_name = "attendance"
urlpatterns = [
    path("barn/<uuid:public_id>/", views.pupil, name="pupil"),
    path("signaler/", views.signals, name="signals"),
    path("vardnadshavare/", views.duties, name="duties"),
    path("vardnadshavare/<uuid:public_id>/", views.duty_record, name="duty_record"),
    path("utredningar/", views.investigations, name="investigations"),
    path("utredningar/rapport/", views.report, name="report"),
    path("utredningar/<uuid:public_id>/", views.investigation_detail, name="investigation"),
    path("import/", views.upload, name="upload"),
    path("import/<int:import_id>/", views.upload_status, name="upload_status"),
]
