"""Population context for the figures, imported from SCB-style CSV files."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationFigure(models.Model):
    """Inhabitants of an area in a year, by the three age groups of the dependency ratio.

    ``area`` is as written in the file: a municipality code (e.g. ``1460``) or a district name.
    """

    area = models.CharField(_("area"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    inhabitants = models.PositiveIntegerField(_("inhabitants"))
    children_0_19 = models.PositiveIntegerField(_("children 0–19"))
    aged_20_64 = models.PositiveIntegerField(_("aged 20–64"))
    aged_65_plus = models.PositiveIntegerField(_("aged 65 and over"))
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        ordering = ["area", "year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="population_area_year")
        ]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")

    def __str__(self) -> str:
        return f"{self.area} {self.year}"
