from django.urls import path

from samsyn.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
]
