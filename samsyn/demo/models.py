"""The marker that says a database holds Samsyn's demo municipality, and which one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoDataset(models.Model):
    """Written by ``samsyn demo-data`` in the same transaction as the data it describes.

    The generated data depends on the seed, the number of children and the date it was made
    (ages are counted back from that day), so all three are kept.
    """

    seed = models.BigIntegerField(_("seed"))
    children = models.PositiveIntegerField(_("number of children"))
    generated_on = models.DateField(_("generated on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demo data set")
        verbose_name_plural = _("demo data sets")

    def __str__(self) -> str:
        return f"seed {self.seed}, {self.children} ({self.generated_on})"
