"""API routes of the concerns app, mounted under /api/v1/ by samsyn/api.py."""

from ninja import Router

router = Router()
