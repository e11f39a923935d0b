from django.urls import path

from samsyn.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.index, name="index"),
    path("rapport/", views.half_year_pdf, name="half_year"),
]
