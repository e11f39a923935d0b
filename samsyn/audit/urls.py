from django.urls import path

from samsyn.audit import views

app_name = "audit"
urlpatterns = [
    path("barn/<uuid:public_id>/", views.child_log, name="child_log"),
    path("granskning/", views.review, name="review"),
]
