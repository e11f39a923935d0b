"""The access log: append-only, hash-chained, written in the same transaction as the access.

See ``docs/dev/audit-log.md`` for the design. Rows are never updated or deleted by the
application, and database triggers refuse UPDATE and DELETE on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Ground(models.TextChoices):
    """Why an access was allowed. ``NONE`` marks a refused access (logged too)."""

    NAMED_CONTACT = "named_contact", _("Named contact (Barnkontakt)")
    OWN_UNIT = "own_unit", _("The child is at the user's own unit")
    TEAM_CONSENT = "team_consent", _("Team member under consent")
    LEGAL_DUTY = "legal_duty", _("Legal duty")
    LOG_REVIEW = "log_review", _("Access log review")
    REPORTING = "reporting", _("Registering a concern or a report of concern")
    REPORTER = "reporter", _("The reporter's own concern or report")
    NONE = "none", _("No ground (refused)")


# Grounds that follow from the user's own role towards the child.
ROLE_BASED_GROUNDS = frozenset({Ground.NAMED_CONTACT, Ground.OWN_UNIT})


class AccessLogEntry(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, null=True, related_name="+"
    )
    what = models.CharField(max_length=40)
    action = models.CharField(max_length=20)
    allowed = models.BooleanField()
    ground = models.CharField(max_length=20, choices=Ground.choices)
    acting_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["child", "at"], name="accesslog_child_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
            models.Index(fields=["ground", "at"], name="accesslog_ground_at"),
        ]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.username} {self.action} {self.what}"


class AuditHead(models.Model):
    """The chain's head: the last sequence number and hash, with a MAC of its own.

    Appenders lock this single row, so sequence numbers have no gaps and the chain is linear.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
