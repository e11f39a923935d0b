"""API routes of the plans app, mounted under /api/v1/ by samsyn/api.py."""

from ninja import Router

router = Router()
