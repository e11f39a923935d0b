"""Logging in and out, with Django's auth views and Samsyn's templates."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from samsyn.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link cannot log anyone out."""
